package io.pointsman.proxy.config;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An address as written in proxy.yaml: {@code host:port}, {@code *:port} (every IPv4
 * and IPv6 address), or {@code [v6]:port}. {@code host} is kept as written (an IP
 * literal or a name to resolve off the event loop); {@code *} is {@link #isWildcard()}.
 * A server may be written without a port ({@code 10.0.0.5}, {@code [2001:db8::5]}): port
 * {@link #NO_PORT}, meaning the port the client connected to (validation refuses it
 * everywhere else).
 */
public record HostPort(String host, int port) {
    /** No port was written. */
    public static final int NO_PORT = -1;

    /** Compiled once: a config of 10,000 servers parses 10,000 addresses. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < NO_PORT || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 0-65535");
        }
    }

    /** Whether a port was written. */
    public boolean hasPort() {
        return port != NO_PORT;
    }

    /** As {@link #parse}, but a port is required (a listening address, a command-line option). */
    public static HostPort parseWithPort(String text) {
        HostPort h = parse(text);
        if (!h.hasPort()) {
            throw new IllegalArgumentException("bad address '" + text + "' (expected host:port, *:port or [v6]:port)");
        }
        return h;
    }

    public static HostPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address");
        }
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close > 0 && close == s.length() - 1 && Cidr.isIpv6Literal(s.substring(1, close))) {
                return new HostPort(s.substring(1, close), NO_PORT);
            }
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("bad address '" + text + "' (expected [v6]:port)");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!Cidr.isIpv6Literal(host)) {
                throw new IllegalArgumentException("bad IPv6 address '" + host + "' in '" + text + "'");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 && HOST_NAME.matcher(s).matches() && !s.chars().allMatch(Character::isDigit)) {
                return new HostPort(s, NO_PORT);
            }
            if (colon <= 0) {
                throw new IllegalArgumentException("bad address '" + text + "' (expected host:port, *:port or [v6]:port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("bad address '" + text + "' (write IPv6 addresses as [v6]:port)");
            }
            if (!host.equals("*") && !HOST_NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("bad host '" + host + "' in '" + text + "'");
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + port + "' in '" + text + "'");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("port " + p + " out of range 0-65535 in '" + text + "'");
        }
        return new HostPort(host, p);
    }

    public boolean isWildcard() {
        return host.equals("*");
    }

    public boolean isIpv6() {
        return host.indexOf(':') >= 0;
    }

    /**
     * Whether two listening addresses want one socket: the same port (not 0, which is an
     * ephemeral one) and the same host, or either one on every address ({@code *},
     * {@code 0.0.0.0}, {@code ::}). Pointsman binds such a pair once: config validation
     * refuses the second.
     */
    public boolean bindsOverlap(HostPort o) {
        if (port != o.port || port == 0) {
            return false;
        }
        byte[] a = isWildcard() ? null : Cidr.literal(host);
        byte[] b = o.isWildcard() ? null : Cidr.literal(o.host);
        if (everyAddress(this, a) || everyAddress(o, b)) {
            return true;
        }
        if (a != null && b != null) {
            return Arrays.equals(a, b);
        }
        return host.equalsIgnoreCase(o.host);
    }

    private static boolean everyAddress(HostPort h, byte[] literal) {
        if (h.isWildcard()) {
            return true;
        }
        if (literal == null) {
            return false;
        }
        for (byte x : literal) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        String h = isIpv6() ? "[" + host + "]" : host;
        return port == NO_PORT ? h : h + ":" + port;
    }
}
