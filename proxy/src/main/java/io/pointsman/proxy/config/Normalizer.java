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
        List<LogTarget> log = new ArrayList<>();
        for (LogTarget t : g.log()) {
            log.add(logTarget(t));
        }
        Global global = new Global(
                or(g.maxconn(), DEFAULT_MAXCONN),
                or(g.threads(), 0),
                or(g.nolinger(), false),
                g.hardStopAfter(),
                or(g.maxOldGenerations(), DEFAULT_MAX_OLD_GENERATIONS),
                log,
                resolvers(g.resolvers()),
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
                d.errorfiles(),
                d.logFormat(),
                or(d.dontlognull(), false),
                or(d.dontlogNormal(), false),
                or(d.logSeparateErrors(), false),
                or(d.logHealthChecks(), false),
                or(d.tcpka(), false));

        List<Frontend> frontends = new ArrayList<>();
        for (Frontend f : c.frontends()) {
            Mode mode = or(f.mode(), defaults.mode());
            frontends.add(new Frontend(f.name(), mode, binds(f.bind(), f.tls(), global), f.tls(), f.maxconn(),
                    f.forwardedFor(), or(f.acceptProxy(), false), timeouts(f.timeout(), defaults),
                    f.acl(), f.useBackend(), f.defaultBackend(), f.httpRequest(), f.httpResponse(), f.tcpRequest(),
                    f.limits(), errorfiles(f.errorfiles(), defaults), logFormat(f.logFormat(), mode, defaults),
                    or(f.dontlognull(), defaults.dontlognull()), or(f.dontlogNormal(), defaults.dontlogNormal()),
                    or(f.logSeparateErrors(), defaults.logSeparateErrors()), capture(f.capture()),
                    or(f.tcpka(), defaults.tcpka())));
        }
        List<Backend> backends = new ArrayList<>();
        for (Backend b : c.backends()) {
            backends.add(new Backend(b.name(), or(b.mode(), defaults.mode()), or(b.balance(), defaults.balance()),
                    check(b.check()), or(b.sendProxy(), SendProxy.NONE), timeouts(b.timeout(), defaults),
                    or(b.retries(), defaults.retries()), or(b.redispatch(), defaults.redispatch()),
                    or(b.httpReuse(), defaults.httpReuse()), retryOn(b.retryOn(), defaults),
                    or(b.abortonclose(), defaults.abortonclose()), servers(b.servers()), b.acl(), b.httpRequest(),
                    b.httpResponse(), b.errorfiles(), or(b.logHealthChecks(), defaults.logHealthChecks()),
                    b.slowstart(), or(b.onMarkedDown(), OnMarkedDown.NONE), or(b.tcpka(), defaults.tcpka()),
                    b.serverTemplate(), serverTls(b.tls(), global)));
        }
        List<Listen> listens = new ArrayList<>();
        for (Listen l : c.listens()) {
            Mode mode = or(l.mode(), defaults.mode());
            listens.add(new Listen(l.name(), mode, binds(l.bind(), l.tls(), global), l.tls(), l.maxconn(),
                    l.forwardedFor(), or(l.acceptProxy(), false), timeouts(l.timeout(), defaults),
                    or(l.balance(), defaults.balance()), check(l.check()), or(l.sendProxy(), SendProxy.NONE),
                    or(l.retries(), defaults.retries()), or(l.redispatch(), defaults.redispatch()),
                    or(l.httpReuse(), defaults.httpReuse()), retryOn(l.retryOn(), defaults),
                    or(l.abortonclose(), defaults.abortonclose()), servers(l.servers()), l.acl(), l.httpRequest(),
                    l.httpResponse(), l.tcpRequest(), l.limits(), errorfiles(l.errorfiles(), defaults),
                    logFormat(l.logFormat(), mode, defaults),
                    or(l.dontlognull(), defaults.dontlognull()), or(l.dontlogNormal(), defaults.dontlogNormal()),
                    or(l.logSeparateErrors(), defaults.logSeparateErrors()), capture(l.capture()),
                    or(l.logHealthChecks(), defaults.logHealthChecks()), l.slowstart(),
                    or(l.onMarkedDown(), OnMarkedDown.NONE), or(l.tcpka(), defaults.tcpka()), l.serverTemplate(),
                    serverTls(l.serverTls(), global)));
        }
        Stats stats = c.stats() == null ? null : new Stats(c.stats().bind(), or(c.stats().uri(), "/stats"),
                or(c.stats().refresh(), Duration.ofSeconds(20)), c.stats().auth(), c.stats().admin());
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

    private static Resolvers resolvers(Resolvers r) {
        if (r == null) {
            return Resolvers.SYSTEM;
        }
        return new Resolvers(r.nameservers(), or(r.interval(), Resolvers.DEFAULT_INTERVAL),
                or(r.holdValid(), Resolvers.DEFAULT_HOLD_VALID));
    }

    /** A log target with every field set: rfc3164 (raw on stderr), local0, info, tag pointsman. */
    static LogTarget logTarget(LogTarget t) {
        LogTarget.Syntax format = t.format() != null ? t.format()
                : t.target() != null && t.target().kind() == LogAddress.Kind.STDERR ? LogTarget.Syntax.RAW
                : LogTarget.Syntax.RFC3164;
        return new LogTarget(t.target(), format, or(t.facility(), LogTarget.Facility.LOCAL0),
                or(t.level(), LogTarget.Severity.INFO), or(t.tag(), "pointsman"), t.hostname());
    }

    /** The format's own text, else the defaults', else the mode's (httplog, tcplog). */
    private static String logFormat(String own, Mode mode, Defaults defaults) {
        if (own != null) {
            return own;
        }
        if (defaults.logFormat() != null && !(mode == Mode.TCP && defaults.logFormat().equals("httplog"))) {
            return defaults.logFormat(); // as HAProxy: option httplog in defaults is tcplog on a tcp frontend
        }
        return mode == Mode.TCP ? "tcplog" : "httplog";
    }

    private static Capture capture(Capture c) {
        if (c == null) {
            return new Capture(List.of(), List.of());
        }
        return new Capture(captureHeaders(c.requestHeaders()), captureHeaders(c.responseHeaders()));
    }

    /** HAProxy makes {@code len} mandatory; here it defaults to 64 characters. */
    private static List<Capture.Header> captureHeaders(List<Capture.Header> headers) {
        List<Capture.Header> out = new ArrayList<>();
        for (Capture.Header h : headers) {
            out.add(new Capture.Header(h.name(), or(h.len(), 64)));
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
                    or(s.backup(), false), or(s.maxconn(), 0), or(s.disabled(), false), or(s.maxqueue(), 0), s.tls()));
        }
        return out;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
