package io.pointsman.proxy.runtime;

import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.rules.ErrorPages;
import io.pointsman.proxy.rules.Forwarding;
import io.pointsman.proxy.rules.SectionRules;
import io.pointsman.proxy.stats.Counters;
import java.util.List;

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

    /** Without rules, limits or error pages (tests). */
    LiveFrontend(Frontend config, FrontendRouter router, Counters counters) {
        this(config, router, counters, FrontendLimits.NONE, SectionRules.NONE, Forwarding.of(config.forwardedFor()));
    }

    LiveFrontend(Frontend config, FrontendRouter router, Counters counters, FrontendLimits limits, SectionRules rules,
                 Forwarding forwarding) {
        this.config = config;
        this.router = router;
        this.counters = counters;
        this.limits = limits;
        this.rules = rules;
        this.forwarding = forwarding;
    }

    public String name() {
        return config.name();
    }

    public Mode mode() {
        return config.mode();
    }

    public List<HostPort> binds() {
        return config.bind();
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
