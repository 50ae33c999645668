package io.pointsman.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One listening address of a frontend or listen (HAProxy {@code bind}), with the TLS
 * that this address alone terminates. In YAML a bind is an address string (short for
 * {@code {address: …}}), or {@code {address, tls}}.
 *
 * @param tls as written: this bind's own {@code tls:}, absent = the frontend's. After
 *            {@link Normalizer#normalize} it is the TLS this address serves (the bind's
 *            keys over the frontend's over {@code global.tls_defaults}), null = plain
 */
@ScalarOrMap
public record Bind(HostPort address, Tls tls) {

    /** {@code "*:443"}: a bind with no TLS of its own. */
    public static Bind parse(String address) {
        return plain(HostPort.parse(address));
    }

    public static Bind plain(HostPort address) {
        return new Bind(address, null);
    }

    public static List<Bind> plain(List<HostPort> addresses) {
        List<Bind> out = new ArrayList<>(addresses.size());
        for (HostPort a : addresses) {
            out.add(plain(a));
        }
        return out;
    }

    /** The addresses of {@code binds}, in order. */
    public static List<HostPort> addresses(List<Bind> binds) {
        List<HostPort> out = new ArrayList<>(binds.size());
        for (Bind b : binds) {
            out.add(b.address());
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return tls == null ? String.valueOf(address) : address + " (tls)";
    }
}
