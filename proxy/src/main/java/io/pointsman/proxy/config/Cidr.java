package io.pointsman.proxy.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network: {@code 203.0.113.0/24}, {@code 2001:db8::/32}, or a single
 * address (a /32 or /128). Host bits under the prefix are cleared, as HAProxy does.
 * An IPv4-mapped IPv6 client ({@code ::ffff:a.b.c.d}) matches IPv4 networks.
 */
public record Cidr(byte[] network, int prefix) {

    public Cidr {
        network = network.clone();
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("network must be 4 or 16 bytes");
        }
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("prefix /" + prefix + " out of range");
        }
        mask(network, prefix);
    }

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("bad CIDR '" + text + "' (expected an IPv4 or IPv6 address, optionally /prefix)");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix in CIDR '" + text + "'");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix /" + prefix + " out of range 0-" + max + " in '" + text + "'");
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** True for an IPv6 literal (no brackets), without any DNS lookup. */
    public static boolean isIpv6Literal(String s) {
        byte[] b = literal(s);
        return b != null && b.length == 16 && s.indexOf(':') >= 0;
    }

    /** IP literal bytes, or null when {@code s} is not an IP literal. Never resolves names. */
    public static byte[] literal(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        boolean v6 = s.indexOf(':') >= 0;
        if (v6) {
            if (!s.matches("[0-9A-Fa-f:.]+")) {
                return null;
            }
        } else if (!s.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return null;
        }
        if (!v6) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            // Only literals reach here, so this never does a DNS lookup.
            byte[] b = InetAddress.getByName(s).getAddress();
            return v6 && b.length == 4 ? toMapped(b) : b;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] toMapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private static void mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff00 >> bits);
        }
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    public boolean isIpv6() {
        return network.length == 16;
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this network. */
    public boolean contains(byte[] address) {
        byte[] a = address;
        if (a.length == 16 && network.length == 4 && isMappedV4(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xff00 >> rest;
        return (a[full] & m) == (network[full] & m);
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        try {
            String a = InetAddress.getByAddress(network).getHostAddress();
            return a + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
