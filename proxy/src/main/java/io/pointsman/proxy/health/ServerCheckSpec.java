package io.pointsman.proxy.health;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.tls.TlsContexts;
import io.pointsman.proxy.tls.TlsOrigination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one server is to be watched: what {@link HealthRegistry#reconcile} takes.
 *
 * @param backend  backend (or listen) name
 * @param server   server name, for logs and stats (not part of the identity)
 * @param address  where to connect
 * @param checked  {@code check: true}: run active checks; false = always usable ({@code no check})
 * @param disabled administratively down ({@code MAINT}): never usable, never checked
 * @param check    the backend's check settings (type, path, expected status, interval, rise, fall)
 * @param timeout  {@code timeout.check}: a check that takes longer fails
 * @param tls      TLS to the server for its checks (the backend's, unless the server or
 *                 {@code check: {tls: false}} turns it off); null = plain
 */
public record ServerCheckSpec(
        String backend,
        String server,
        HostPort address,
        boolean checked,
        boolean disabled,
        Check check,
        Duration timeout,
        TlsOrigination tls) {

    public ServerCheckSpec {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(address, "address");
        check = check == null ? Check.BUILT_IN : check.orElse(Check.BUILT_IN);
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            timeout = Duration.ofSeconds(2);
        }
        if (check.rise() < 1 || check.fall() < 1) {
            throw new IllegalArgumentException("server " + backend + "/" + server + ": rise and fall must be at least 1");
        }
        if (check.interval().isZero() || check.interval().isNegative()) {
            throw new IllegalArgumentException("server " + backend + "/" + server + ": check interval must be positive");
        }
    }

    /** A plain check. */
    public ServerCheckSpec(String backend, String server, HostPort address, boolean checked, boolean disabled,
                           Check check, Duration timeout) {
        this(backend, server, address, checked, disabled, check, timeout, null);
    }

    public ServerKey key() {
        return new ServerKey(backend, address.toString());
    }

    /** The specs of every server of a normalized config, listens included: what a swap reconciles. */
    public static List<ServerCheckSpec> of(ProxyConfig config) {
        List<ServerCheckSpec> specs = new ArrayList<>();
        for (Backend b : config.allBackends()) {
            specs.addAll(of(b));
        }
        return specs;
    }

    /**
     * Whether two configs of a backend give equal {@link #of(Backend)} specs, compared
     * field by field without building them: what a swap that changed only weights (or
     * balance, retries…) need not reconcile.
     */
    public static boolean sameSpecs(Backend a, Backend b) {
        if (a == b) {
            return true;
        }
        if (!a.name().equals(b.name()) || !Objects.equals(a.check(), b.check())
                || !Objects.equals(checkTimeout(a), checkTimeout(b)) || !Objects.equals(a.tls(), b.tls())) {
            return false;
        }
        List<Server> x = a.allServers();
        List<Server> y = b.allServers();
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            Server s = x.get(i);
            Server t = y.get(i);
            if (!s.address().equals(t.address()) || !s.name().equals(t.name())
                    || Boolean.TRUE.equals(s.check()) != Boolean.TRUE.equals(t.check())
                    || Boolean.TRUE.equals(s.disabled()) != Boolean.TRUE.equals(t.disabled())
                    || !Objects.equals(s.tls(), t.tls())) {
                return false;
            }
        }
        return true;
    }

    private static Duration checkTimeout(Backend b) {
        return b.timeout() == null ? null : b.timeout().check();
    }

    /** The specs of a normalized backend's servers (a listen: {@code listen.asBackend()}), TLS left out. */
    public static List<ServerCheckSpec> of(Backend backend) {
        return of(backend, TlsContexts.NONE);
    }

    /** The specs of a normalized backend's servers, checking over TLS where its servers speak it. */
    public static List<ServerCheckSpec> of(Backend backend, TlsContexts contexts) {
        List<ServerCheckSpec> specs = new ArrayList<>();
        Duration timeout = checkTimeout(backend);
        TlsOrigination tls = backend.tls() == null || contexts == TlsContexts.NONE ? null
                : contexts.forBackend(backend.tls());
        boolean plainChecks = backend.check() != null && Boolean.FALSE.equals(backend.check().tls());
        for (Server s : backend.allServers()) {
            specs.add(new ServerCheckSpec(backend.name(), s.name(), s.address(),
                    Boolean.TRUE.equals(s.check()), Boolean.TRUE.equals(s.disabled()), backend.check(), timeout,
                    backend.tlsTo(s) && !plainChecks ? tls : null));
        }
        return specs;
    }
}
