package io.pointsman.proxy.config;

/**
 * Where a log target sends lines: {@code udp://host:port}, {@code tcp://host:port} (syslog
 * over UDP or TCP; the port defaults to 514), {@code unix:///dev/log} (a local datagram
 * socket, what syslog daemons listen on) or {@code stderr}. A host name is resolved on the
 * node when lines are sent, never by {@code validate}.
 *
 * @param kind  how lines travel
 * @param host  host name or IP literal (udp, tcp); null otherwise
 * @param port  port (udp, tcp); 0 otherwise
 * @param path  socket path (unix); null otherwise
 */
public record LogAddress(Kind kind, String host, int port, String path) {

    /** The transports a target can use. */
    public enum Kind { UDP, TCP, UNIX, STDERR }

    public static LogAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty log target");
        }
        String s = text.trim();
        if (s.equals("stderr")) {
            return new LogAddress(Kind.STDERR, null, 0, null);
        }
        if (s.startsWith("unix://")) {
            String path = s.substring("unix://".length());
            if (!path.startsWith("/") || path.length() < 2) {
                throw new IllegalArgumentException("bad log target '" + text + "' (expected unix:///path/to/socket)");
            }
            return new LogAddress(Kind.UNIX, null, 0, path);
        }
        Kind kind;
        if (s.startsWith("udp://")) {
            kind = Kind.UDP;
        } else if (s.startsWith("tcp://")) {
            kind = Kind.TCP;
        } else {
            throw new IllegalArgumentException("bad log target '" + text
                    + "' (expected udp://host:port, tcp://host:port, unix:///dev/log or stderr)");
        }
        String rest = s.substring(6);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        boolean hasPort = rest.startsWith("[") ? rest.contains("]:") : rest.indexOf(':') >= 0;
        HostPort hp;
        try {
            hp = HostPort.parse(hasPort ? rest : rest + ":514");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad log target '" + text + "': " + e.getMessage());
        }
        if (hp.isWildcard() || hp.port() == 0) {
            throw new IllegalArgumentException("bad log target '" + text + "' (needs a host and a port 1-65535)");
        }
        return new LogAddress(kind, hp.host(), hp.port(), null);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STDERR -> "stderr";
            case UNIX -> "unix://" + path;
            case UDP, TCP -> kind.name().toLowerCase(java.util.Locale.ROOT) + "://"
                    + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        };
    }
}
