package io.pointsman.proxy.runtime;

import io.pointsman.proxy.config.Capture;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.log.Captures;
import io.pointsman.proxy.log.FrontendLogging;
import io.pointsman.proxy.log.LogFormat;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.rules.ErrorPages;
import io.pointsman.proxy.rules.Forwarding;
import io.pointsman.proxy.rules.SectionRules;
import io.pointsman.proxy.stats.Counters;
import io.pointsman.proxy.tls.TlsTermination;
import java.util.List;
import java.util.Map;

/**
 * A frontend (or the frontend half of a listen) of one generation: its routing table, its
 * rules and error pages (SPEC §8), its limits and its {@code forwardfor}, all compiled
 * when the config was applied.
 */
public final class LiveFrontend {
    private final Frontend config;
    private final FrontendRouter router;
    private final Counters counters;
    private final FrontendLimits limits;
    private final SectionRules rules;
    private final Forwarding forwarding;
    /** The TLS each bind terminates; a plain bind is absent. */
    private final Map<HostPort, TlsTermination> tls;
    private final FrontendLogging logging;

    /** Without rules, limits, error pages or TLS (tests). */
    LiveFrontend(Frontend config, FrontendRouter router, Counters counters) {
        this(config, router, counters, FrontendLimits.NONE, SectionRules.NONE, Forwarding.of(config.forwardedFor()),
                Map.of());
    }

    LiveFrontend(Frontend config, FrontendRouter router, Counters counters, FrontendLimits limits, SectionRules rules,
                 Forwarding forwarding, Map<HostPort, TlsTermination> tls) {
        this.config = config;
        this.router = router;
        this.counters = counters;
        this.limits = limits;
        this.rules = rules;
        this.forwarding = forwarding;
        this.tls = Map.copyOf(tls);
        this.logging = logging(config);
    }

    /** The frontend's log settings, compiled (a normalized config has every one set; tests' may not). */
    static FrontendLogging logging(Frontend f) {
        FrontendLogging fallback = f.mode() == Mode.TCP ? FrontendLogging.TCP_DEFAULT : FrontendLogging.HTTP_DEFAULT;
        if (f.logFormat() == null && f.capture() == null && f.dontlognull() == null && f.dontlogNormal() == null
                && f.logSeparateErrors() == null) {
            return fallback;
        }
        Capture c = f.capture();
        return new FrontendLogging(
                f.logFormat() == null ? fallback.format() : LogFormat.compile(f.logFormat()),
                c == null ? Captures.NONE : new Captures(headers(c.requestHeaders()), headers(c.responseHeaders())),
                Boolean.TRUE.equals(f.dontlognull()), Boolean.TRUE.equals(f.dontlogNormal()),
                Boolean.TRUE.equals(f.logSeparateErrors()));
    }

    private static List<Captures.Header> headers(List<Capture.Header> headers) {
        List<Captures.Header> out = new java.util.ArrayList<>(headers.size());
        for (Capture.Header h : headers) {
            out.add(new Captures.Header(h.name(), h.len() == null ? 64 : h.len()));
        }
        return out;
    }

    /** How this frontend's requests or sessions are logged. */
    public FrontendLogging logging() {
        return logging;
    }

    public String name() {
        return config.name();
    }

    public Mode mode() {
        return config.mode();
    }

    public List<HostPort> binds() {
        return config.addresses();
    }

    /** The TLS a bind of this frontend terminates; null when it is plain. */
    public TlsTermination tls(HostPort bind) {
        return tls.get(bind);
    }

    public FrontendRouter router() {
        return router;
    }

    public Timeouts timeout() {
        return config.timeout();
    }

    /** Client connections at once on this frontend; 0 = only the global limit. */
    public int maxconn() {
        return config.maxconn() == null ? 0 : config.maxconn();
    }

    public boolean acceptProxy() {
        return config.acceptProxy();
    }

    /** Shared with every generation that has a frontend of this name; {@code current} is what maxconn counts. */
    public Counters counters() {
        return counters;
    }

    public Frontend config() {
        return config;
    }

    /** Its {@code limits}: counted per connection and request, read by {@code over_limit} acls. */
    public FrontendLimits limits() {
        return limits;
    }

    /** Its {@code http_request}, {@code http_response} and {@code tcp_request} rules and error pages. */
    public SectionRules rules() {
        return rules;
    }

    /** Its error pages ({@code errorfiles} over the built-in pages). */
    public ErrorPages pages() {
        return rules.pages();
    }

    /** Its {@code forwardfor}. */
    public Forwarding forwarding() {
        return forwarding;
    }
}
