package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a parsed config with inherited values: {@code defaults} first, then the
 * built-in defaults. After {@link #normalize(ProxyConfig)} every field the runtime
 * reads is non-null except the ones documented as optional ({@code tls} (a bind's is the
 * TLS it serves, see {@link Bind}; a backend's is with {@code server_tls_defaults}),
 * {@code maxconn} of a frontend, {@code forwardfor} (null = off), {@code default_backend},
 * {@code hard_stop_after}, {@code stats}, {@code keepalived}, {@code sync}). Listens are
 * kept as listens. {@code defaults.errorfiles} go to every frontend and listen, a status
 * they set themselves overriding it.
 */
public final class Normalizer {
    public static final int DEFAULT_MAXCONN = 8192;
    public static final int DEFAULT_MAX_OLD_GENERATIONS = 8;

    private Normalizer() {}

    public static ProxyConfig normalize(ProxyConfig c) {
        Global g = c.global() == null ? new Global(null, null, null, null, null) : c.global();
        Global global = new Global(
                or(g.maxconn(), DEFAULT_MAXCONN),
                or(g.threads(), 0),
                or(g.nolinger(), false),
                g.hardStopAfter(),
                or(g.maxOldGenerations(), DEFAULT_MAX_OLD_GENERATIONS),
                g.tlsDefaults(),
                g.serverTlsDefaults());
        Defaults d = c.defaults() == null ? new Defaults(null, null, null, null, null) : c.defaults();
        Defaults defaults = new Defaults(
                or(d.mode(), Mode.HTTP),
                (d.timeout() == null ? Timeouts.NONE : d.timeout()).orElse(Timeouts.BUILT_IN),
                or(d.retries(), 3),
                or(d.redispatch(), true),
                or(d.balance(), Balance.ROUNDROBIN),
                or(d.httpReuse(), HttpReuse.SAFE),
                d.retryOn().isEmpty() ? RetryOn.DEFAULT : d.retryOn(),
                or(d.abortonclose(), false),
                d.errorfiles());

        List<Frontend> frontends = new ArrayList<>();
        for (Frontend f : c.frontends()) {
            frontends.add(new Frontend(f.name(), or(f.mode(), defaults.mode()), binds(f.bind(), f.tls(), global),
                    f.tls(), f.maxconn(), f.forwardedFor(), or(f.acceptProxy(), false),
                    timeouts(f.timeout(), defaults), f.acl(), f.useBackend(), f.defaultBackend(), f.httpRequest(),
                    f.httpResponse(), f.tcpRequest(), f.limits(), errorfiles(f.errorfiles(), defaults)));
        }
        List<Backend> backends = new ArrayList<>();
        for (Backend b : c.backends()) {
            backends.add(new Backend(b.name(), or(b.mode(), defaults.mode()), or(b.balance(), defaults.balance()),
                    check(b.check()), or(b.sendProxy(), SendProxy.NONE), timeouts(b.timeout(), defaults),
                    or(b.retries(), defaults.retries()), or(b.redispatch(), defaults.redispatch()),
                    or(b.httpReuse(), defaults.httpReuse()), retryOn(b.retryOn(), defaults),
                    or(b.abortonclose(), defaults.abortonclose()), servers(b.servers()), b.acl(), b.httpRequest(),
                    b.httpResponse(), b.errorfiles(), serverTls(b.tls(), global)));
        }
        List<Listen> listens = new ArrayList<>();
        for (Listen l : c.listens()) {
            listens.add(new Listen(l.name(), or(l.mode(), defaults.mode()), binds(l.bind(), l.tls(), global),
                    l.tls(), l.maxconn(), l.forwardedFor(), or(l.acceptProxy(), false),
                    timeouts(l.timeout(), defaults), or(l.balance(), defaults.balance()), check(l.check()),
                    or(l.sendProxy(), SendProxy.NONE), or(l.retries(), defaults.retries()),
                    or(l.redispatch(), defaults.redispatch()), or(l.httpReuse(), defaults.httpReuse()),
                    retryOn(l.retryOn(), defaults), or(l.abortonclose(), defaults.abortonclose()),
                    servers(l.servers()), l.acl(), l.httpRequest(), l.httpResponse(), l.tcpRequest(), l.limits(),
                    errorfiles(l.errorfiles(), defaults), serverTls(l.serverTls(), global)));
        }
        Stats stats = c.stats() == null ? null : new Stats(c.stats().bind(), or(c.stats().uri(), "/stats"),
                or(c.stats().refresh(), Duration.ofSeconds(20)), c.stats().auth());
        return new ProxyConfig(or(c.version(), 1), global, defaults, stats, frontends, backends, listens,
                c.keepalived(), c.sync(), c.userlists(), c.bgp());
    }

    /** Each bind with the TLS it serves: its own keys over the frontend's over {@code tls_defaults}; null = plain. */
    private static List<Bind> binds(List<Bind> binds, Tls frontendTls, Global global) {
        List<Bind> out = new ArrayList<>(binds.size());
        for (Bind b : binds) {
            Tls tls = Tls.merge(b.tls(), frontendTls);
            out.add(new Bind(b.address(), tls == null ? null : tls.withDefaults(global.tlsDefaults())));
        }
        return out;
    }

    private static Timeouts timeouts(Timeouts own, Defaults defaults) {
        return (own == null ? Timeouts.NONE : own).orElse(defaults.timeout());
    }

    /** The error files of {@code defaults}, each status overridden by the section's own (as HAProxy inherits them). */
    private static java.util.Map<Integer, String> errorfiles(java.util.Map<Integer, String> own, Defaults defaults) {
        if (defaults.errorfiles().isEmpty()) {
            return own;
        }
        java.util.Map<Integer, String> all = new java.util.TreeMap<>(defaults.errorfiles());
        all.putAll(own);
        return all;
    }

    /** A list left empty was not written: the defaults' (which always has one after normalizing). */
    private static List<RetryOn> retryOn(List<RetryOn> own, Defaults defaults) {
        return own.isEmpty() ? defaults.retryOn() : own;
    }

    private static Check check(Check own) {
        return (own == null ? Check.BUILT_IN : own.orElse(Check.BUILT_IN));
    }

    /** TLS to a backend's servers: its keys over {@code server_tls_defaults}; null (plain) when it has no {@code tls:}. */
    private static ServerTls serverTls(ServerTls own, Global global) {
        return own == null ? null : own.withDefaults(global.serverTlsDefaults());
    }

    private static List<Server> servers(List<Server> servers) {
        List<Server> out = new ArrayList<>();
        for (Server s : servers) {
            out.add(new Server(s.name(), s.address(), or(s.weight(), 1), or(s.check(), false),
                    or(s.backup(), false), or(s.maxconn(), 0), or(s.disabled(), false), s.tls()));
        }
        return out;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
