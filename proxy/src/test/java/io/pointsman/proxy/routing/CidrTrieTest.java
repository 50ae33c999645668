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
}
