package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.config.Cidr;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * HAProxy addresses ({@code str2sa_range()} in src/tools.c) as proxy.yaml addresses:
 * {@code ipv4@}/{@code ipv6@}/{@code tcp@} prefixes, {@code *:80}, {@code :80},
 * {@code :::80}, {@code [::1]:80} and {@code ::1:80} (the last colon starts the port).
 */
final class Addresses {
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Set<String> SOCKET_PREFIXES = Set.of("unix@", "abns@", "abnsz@", "fd@", "sockpair@", "udp@",
            "udp4@", "udp6@", "quic4@", "quic6@", "uxst@", "uxdg@", "rhttp@", "mptcp@", "mptcp4@", "mptcp6@");

    /**
     * A translated address ({@code value}) or why not ({@code failure}, {@code invalid} when
     * HAProxy refuses the address too); {@code note} is worth telling.
     */
    record Result(String value, String failure, String note, boolean invalid) {
        static Result ok(String value, String note) {
            return new Result(value, null, note, false);
        }

        /** An address HAProxy takes and Pointsman cannot. */
        static Result fail(String why) {
            return new Result(null, why, null, false);
        }

        /** An address HAProxy refuses to start with. */
        static Result invalid(String why) {
            return new Result(null, why, null, true);
        }
    }

    private Addresses() {}

    /** A listening address of a {@code bind} line. */
    static Result bind(String text) {
        Split s = split(text);
        if (s.failure != null) {
            return Result.fail(s.failure);
        }
        if (s.port == null || s.port.isEmpty()) {
            return Result.invalid("'" + text + "': missing port number");
        }
        if (s.port.contains("-")) {
            return Result.fail("'" + text + "': a port range; Pointsman binds one port per address (list each)");
        }
        Integer port = HaproxyValues.integer(s.port);
        if (port == null || port < 1 || port > 65535) {
            return badPort(text, s.port, port);
        }
        String host = s.host;
        if (host.isEmpty() || host.equals("*") || host.equals("0.0.0.0")) {
            return Result.ok("*:" + port, s.v6only ? null : "HAProxy's '" + text + "' listens on every IPv4 address;"
                    + " Pointsman's '*:" + port + "' on every IPv4 and IPv6 address");
        }
        if (host.equals("::")) {
            return Result.ok("*:" + port, null);
        }
        return host(host, port, text);
    }

    /** A server address. */
    static Result server(String text) {
        Split s = split(text);
        if (s.failure != null) {
            return Result.fail(s.failure);
        }
        if (s.port == null || s.port.isEmpty()) {
            if (s.host.isEmpty() || s.host.equals("*")) {
                return Result.invalid("'" + text + "': a server needs a host");
            }
            Result r = host(s.host, 1, text);
            // no port: the port the client connected to, as in HAProxy
            return r.failure() != null ? r : Result.ok(r.value().substring(0, r.value().lastIndexOf(':')), null);
        }
        if (s.port.startsWith("+") || s.port.startsWith("-")) {
            return Result.fail("'" + text + "': a port offset from the client's destination port has no Pointsman equivalent");
        }
        Integer port = HaproxyValues.integer(s.port);
        if (port == null || port < 1 || port > 65535) {
            return badPort(text, s.port, port);
        }
        if (s.host.isEmpty() || s.host.equals("*")) {
            return Result.invalid("'" + text + "': a server needs a host");
        }
        return host(s.host, port, text);
    }

    /** The host of an address this class made ({@code host:port}, {@code [v6]:port}, {@code host}, {@code [v6]}). */
    static String hostOf(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    private static Result badPort(String text, String written, Integer port) {
        String why = "'" + text + "': bad port '" + written + "'";
        return port == null || port > 65535 ? Result.invalid(why) : Result.fail(why);
    }

    private static Result host(String host, int port, String text) {
        if (host.indexOf(':') >= 0) {
            if (!Cidr.isIpv6Literal(host)) {
                return Result.invalid("'" + text + "': bad IPv6 address '" + host + "'");
            }
            return Result.ok("[" + host + "]:" + port, null);
        }
        if (!HOST_NAME.matcher(host).matches()) {
            return Result.fail("'" + text + "': bad host '" + host + "'");
        }
        return Result.ok(host + ":" + port, null);
    }

    private record Split(String host, String port, boolean v6only, String failure) {
    }

    private static Split split(String text) {
        String t = text;
        boolean v6only = false;
        for (String p : SOCKET_PREFIXES) {
            if (t.startsWith(p)) {
                return new Split(null, null, false, "'" + text + "': " + p.substring(0, p.length() - 1)
                        + " sockets are not supported by Pointsman (TCP addresses only)");
            }
        }
        if (t.startsWith("/")) {
            return new Split(null, null, false, "'" + text + "': UNIX sockets are not supported by Pointsman (TCP addresses only)");
        }
        if (t.startsWith("ipv4@") || t.startsWith("tcp4@")) {
            t = t.substring(5);
        } else if (t.startsWith("ipv6@") || t.startsWith("tcp6@")) {
            t = t.substring(5);
            v6only = true;
        } else if (t.startsWith("tcp@")) {
            t = t.substring(4);
        }
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                return new Split(null, null, false, "'" + text + "': missing ']'");
            }
            String host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return new Split(null, null, false, "'" + text + "': expected ':' after ']'");
            }
            return new Split(host, rest.isEmpty() ? null : rest.substring(1), v6only, null);
        }
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            return new Split(t, null, v6only, null);
        }
        return new Split(t.substring(0, colon), t.substring(colon + 1), v6only, null);
    }
}
