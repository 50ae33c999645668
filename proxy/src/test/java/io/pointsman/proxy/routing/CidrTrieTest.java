package io.pointsman.proxy.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CidrTrieTest {

    private static CidrTrie trie(String... cidrs) {
        List<Cidr> list = new ArrayList<>();
        for (String c : cidrs) {
            list.add(Cidr.parse(c));
        }
        return new CidrTrie(list);
    }

    private static byte[] ip(String literal) {
        return Cidr.literal(literal);
    }

    @Test
    void ipv4Networks() {
        CidrTrie t = trie("203.0.113.0/24", "10.0.0.0/8", "192.168.1.7");
        assertTrue(t.contains(ip("203.0.113.0")));
        assertTrue(t.contains(ip("203.0.113.255")));
        assertFalse(t.contains(ip("203.0.112.255")));
        assertFalse(t.contains(ip("203.0.114.0")));
        assertTrue(t.contains(ip("10.255.1.2")));
        assertFalse(t.contains(ip("11.0.0.0")));
        assertTrue(t.contains(ip("192.168.1.7")));
        assertFalse(t.contains(ip("192.168.1.6")));
        assertFalse(t.contains(ip("192.168.1.8")));
    }

    @Test
    void oddPrefixLengths() {
        CidrTrie t = trie("198.51.100.64/27");
        assertTrue(t.contains(ip("198.51.100.64")));
        assertTrue(t.contains(ip("198.51.100.95")));
        assertFalse(t.contains(ip("198.51.100.63")));
        assertFalse(t.contains(ip("198.51.100.96")));
    }

    @Test
    void ipv6NetworksIncludingSlash128() {
        CidrTrie t = trie("2001:db8::/32", "2001:db9::1/128", "fe80::/10");
        assertTrue(t.contains(ip("2001:db8::1")));
        assertTrue(t.contains(ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(t.contains(ip("2001:db7:ffff::1")));
        assertTrue(t.contains(ip("2001:db9::1")));
        assertFalse(t.contains(ip("2001:db9::2")));
        assertFalse(t.contains(ip("2001:db9::0")));
        assertTrue(t.contains(ip("febf::1")));
        assertFalse(t.contains(ip("fec0::1")));
        assertFalse(t.contains(ip("203.0.113.1")), "a v4 client is not in these v6 networks");
    }

    @Test
    void slashZeroMatchesEverythingOfItsFamily() {
        CidrTrie v4 = trie("0.0.0.0/0");
        assertTrue(v4.contains(ip("1.2.3.4")));
        assertTrue(v4.contains(ip("255.255.255.255")));
        assertTrue(v4.contains(ip("::ffff:1.2.3.4")), "mapped v4 client");
        assertFalse(v4.contains(ip("2001:db8::1")), "a real v6 client is not in 0.0.0.0/0");

        CidrTrie v6 = trie("::/0");
        assertTrue(v6.contains(ip("2001:db8::1")));
        assertTrue(v6.contains(ip("::")));
        // HAProxy compares a v4 sample with a v6 pattern as its mapped form.
        assertTrue(v6.contains(ip("1.2.3.4")));
    }

    @Test
    void mappedClientsMatchIpv4Networks() throws Exception {
        CidrTrie t = trie("203.0.113.0/24");
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 203;
        mapped[13] = 0;
        mapped[14] = 113;
        mapped[15] = 9;
        assertTrue(t.contains(mapped));
        InetAddress inet6 = Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(t.contains(inet6));
        mapped[14] = 114;
        assertFalse(t.contains(mapped));
        // Not mapped (::203.0.113.9, the deprecated "compatible" form): no match.
        byte[] compat = new byte[16];
        compat[12] = (byte) 203;
        compat[14] = 113;
        compat[15] = 9;
        assertFalse(t.contains(compat));
    }

    @Test
    void overlappingPrefixesInAnyOrder() {
        CidrTrie wideFirst = trie("10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24");
        CidrTrie narrowFirst = trie("10.1.2.0/24", "10.1.0.0/16", "10.0.0.0/8");
        for (CidrTrie t : List.of(wideFirst, narrowFirst)) {
            assertTrue(t.contains(ip("10.1.2.3")));
            assertTrue(t.contains(ip("10.1.3.3")));
            assertTrue(t.contains(ip("10.2.3.4")));
            assertFalse(t.contains(ip("11.1.2.3")));
        }
        // The covered narrower networks add no nodes once the wide one is in.
        assertEquals(trie("10.0.0.0/8").nodeCount(), wideFirst.nodeCount());
    }

    @Test
    void agreesWithCidrContainsOnRandomData() {
        Random r = new Random(42);
        List<Cidr> cidrs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            boolean v6 = r.nextBoolean();
            byte[] b = new byte[v6 ? 16 : 4];
            r.nextBytes(b);
            if (v6) {
                b[0] = 0x20; // keep them in 2000::/8 so random probes hit sometimes
            } else {
                b[0] = 10;
            }
            cidrs.add(new Cidr(b, v6 ? 8 + r.nextInt(40) : 8 + r.nextInt(17)));
        }
        CidrTrie t = new CidrTrie(cidrs);
        int hits = 0;
        for (int i = 0; i < 5000; i++) {
            boolean v6 = r.nextBoolean();
            byte[] a = new byte[v6 ? 16 : 4];
            r.nextBytes(a);
            a[0] = (byte) (v6 ? 0x20 : 10);
            boolean expected = false;
            for (Cidr c : cidrs) {
                if (c.contains(a)) {
                    expected = true;
                    break;
                }
            }
            assertEquals(expected, t.contains(a), () -> "address " + java.util.Arrays.toString(a));
            hits += expected ? 1 : 0;
        }
        assertTrue(hits > 100, "the random probe should hit often enough to mean something: " + hits);
    }

    @Test
    void badAddressLengthNeverMatches() {
        assertFalse(trie("0.0.0.0/0", "::/0").contains(new byte[5]));
    }

    // ---- ranks: the earliest network holding the address, not the longest -------------

    @Test
    void firstIsTheSmallestRankNotTheLongestPrefix() {
        CidrTrie t = CidrTrie.builder()
                .add(Cidr.parse("10.1.2.0/24"), 5)
                .add(Cidr.parse("10.0.0.0/8"), 7)
                .add(Cidr.parse("10.1.0.0/16"), 2)
                .add(Cidr.parse("2001:db8::/32"), 9)
                .add(Cidr.parse("::/0"), 11)
                .build();
        assertEquals(2, t.first(ip("10.1.2.3")), "the /16 ranks before the more specific /24");
        assertEquals(7, t.first(ip("10.2.0.1")));
        assertEquals(11, t.first(ip("11.0.0.1")), "::/0 holds IPv4 clients (mapped)");
        assertEquals(9, t.first(ip("2001:db8::1")));
        assertEquals(11, t.first(ip("2001:db9::1")));
        assertEquals(2, t.first(ip("::ffff:10.1.9.9")), "a mapped client is looked up as IPv4");
        assertEquals(CidrTrie.NONE, CidrTrie.builder().add(Cidr.parse("10.0.0.0/8"), 0).build().first(ip("2001:db8::1")));
    }

    @Test
    void mappedIpv6NetworksAreIpv4Networks() throws Exception {
        CidrTrie t = CidrTrie.builder().add(Cidr.parse("::ffff:10.1.0.0/112"), 3).build();
        assertEquals(3, t.first(ip("10.1.200.1")));
        assertEquals(3, t.first(InetAddress.getByName("10.1.0.0")));
        assertEquals(CidrTrie.NONE, t.first(ip("10.2.0.1")));
        assertTrue(trie("::ffff:0:0/96").contains(ip("1.2.3.4")));
        assertFalse(trie("::ffff:0:0/96").contains(ip("2001:db8::1")));
        assertTrue(trie("::/80").contains(ip("1.2.3.4")), "::/80 covers ::ffff:0:0/96");
        assertFalse(trie("::1:0:0:0/80").contains(ip("1.2.3.4")));
    }

    @Test
    void inetAddressLookupsAgreeWithByteLookups() throws Exception {
        CidrTrie t = trie("203.0.113.0/24", "2001:db8::/32");
        for (String a : List.of("203.0.113.9", "203.0.114.9", "0.0.0.0", "255.255.255.255", "2001:db8::5", "::1")) {
            assertEquals(t.contains(ip(a)), t.contains(InetAddress.getByName(a)), a);
            assertEquals(t.first(ip(a)), t.first(InetAddress.getByName(a)), a);
        }
        assertFalse(t.contains((InetAddress) null));
        assertEquals(CidrTrie.NONE, t.first((InetAddress) null));
        assertEquals(0x01020304, CidrTrie.ipv4(InetAddress.getByName("1.2.3.4")));
        assertEquals(0xfffefdfc, CidrTrie.ipv4(InetAddress.getByName("255.254.253.252")));
    }

    @Test
    void rankedLookupsAgreeWithABruteForceScan() {
        Random r = new Random(7);
        for (int round = 0; round < 40; round++) {
            List<Cidr> nets = new ArrayList<>();
            CidrTrie.Builder b = CidrTrie.builder();
            int n = 1 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                Cidr c = randomNetwork(r);
                nets.add(c);
                b.add(c, i);
            }
            CidrTrie t = b.build();
            for (int p = 0; p < 400; p++) {
                byte[] a = randomAddress(r);
                int expected = CidrTrie.NONE;
                for (int i = 0; i < nets.size() && expected == CidrTrie.NONE; i++) {
                    if (in128(nets.get(i), a)) {
                        expected = i;
                    }
                }
                int e = expected;
                assertEquals(e, t.first(a), () -> java.util.Arrays.toString(a) + " in " + nets);
                assertEquals(e != CidrTrie.NONE, t.contains(a));
            }
        }
    }

    /** Networks in a small space (10.0.0.0/14, 2001:db8::/46, mapped, ::/n) so they overlap. */
    private static Cidr randomNetwork(Random r) {
        switch (r.nextInt(6)) {
            case 0:
                return new Cidr(new byte[16], r.nextInt(100));
            case 1:
                return Cidr.parse("::ffff:10." + r.nextInt(4) + "." + r.nextInt(4) + ".0/" + (96 + r.nextInt(33)));
            case 2:
            case 3: {
                byte[] b = Cidr.literal("2001:db8::");
                b[5] = (byte) r.nextInt(4);
                b[15] = (byte) r.nextInt(4);
                return new Cidr(b, r.nextInt(129));
            }
            default: {
                byte[] b = {10, (byte) r.nextInt(4), (byte) r.nextInt(4), (byte) r.nextInt(256)};
                return new Cidr(b, r.nextInt(33));
            }
        }
    }

    private static byte[] randomAddress(Random r) {
        switch (r.nextInt(5)) {
            case 0: {
                byte[] b = Cidr.literal("2001:db8::");
                b[5] = (byte) r.nextInt(4);
                b[15] = (byte) r.nextInt(4);
                return b;
            }
            case 1: {
                byte[] b = new byte[16];
                b[10] = (byte) 0xff;
                b[11] = (byte) 0xff;
                b[12] = 10;
                b[13] = (byte) r.nextInt(4);
                b[14] = (byte) r.nextInt(4);
                b[15] = (byte) r.nextInt(256);
                return b;
            }
            case 2:
                return new byte[] {(byte) r.nextInt(256), 0, 0, 1};
            default:
                return new byte[] {10, (byte) r.nextInt(4), (byte) r.nextInt(4), (byte) r.nextInt(256)};
        }
    }

    /** The reference: everything in one 128-bit space, IPv4 as {@code ::ffff:a.b.c.d}. */
    private static boolean in128(Cidr c, byte[] address) {
        byte[] net = c.network();
        int prefix = c.prefix();
        if (net.length == 4) {
            net = mapped(net);
            prefix += 96;
        }
        byte[] a = address.length == 4 ? mapped(address) : address;
        for (int bit = 0; bit < prefix; bit++) {
            int m = 0x80 >>> (bit & 7);
            if ((net[bit >>> 3] & m) != (a[bit >>> 3] & m)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }
}
