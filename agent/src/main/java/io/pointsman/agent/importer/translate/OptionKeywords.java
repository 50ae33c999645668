package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.Set;

/** {@code option …} lines other than the health-check and redispatch ones. */
final class OptionKeywords {
    private static final Set<String> LOGS = Set.of("option httplog", "option tcplog", "option httpslog",
            "option dontlognull", "option dontlog-normal", "option log-separate-errors", "option logasap",
            "option log-health-checks");
    private static final Set<String> CONNECTION_MODES = Set.of("option httpclose", "option http-server-close",
            "option forceclose", "option http-tunnel", "option http-pretend-keepalive");
    private static final Set<String> TUNING = Set.of("option splice-auto", "option splice-request",
            "option splice-response", "option tcp-smart-accept", "option tcp-smart-connect", "option http-no-delay",
            "option contstats", "option socket-stats", "option independent-streams", "option independant-streams",
            "option http-use-htx", "option http-ignore-probes", "option idle-close-on-response",
            "option disable-h2-upgrade", "option http-buffer-request", "option use-small-buffers");
    private static final Set<String> KEEPALIVE = Set.of("option tcpka", "option clitcpka", "option srvtcpka");

    private OptionKeywords() {}

    static void register(KeywordTable t) {
        t.on("option forwardfor", OptionKeywords::forwardfor);
        t.on("option http-keep-alive", (l, c) -> {
            c.translated(l);
            if (l.negated()) {
                c.note(l, "Pointsman keeps connections alive on both sides");
            }
        });
        t.on(CONNECTION_MODES, OptionKeywords::connectionMode);
        t.on(LOGS, (l, c) -> {
            boolean backendOption = l.word(1).equals("log-health-checks");
            if (backendOption ? !c.draft.backendSide() : !c.draft.frontendSide()) {
                c.notApplicable(l); // HAProxy ignores it there too
                return;
            }
            c.notTranslated(l, "access-log settings are not supported by Pointsman yet (SPEC §10);"
                    + " Pointsman logs every request and connection to stderr, httplog-style");
        });
        t.on(KEEPALIVE, (l, c) -> c.notTranslated(l, "TCP keep-alive is not supported by Pointsman yet (SPEC §10 tcpka)"));
        t.on(TUNING, (l, c) -> c.notNeeded(l, "HAProxy performance tuning with no effect on what is served;"
                + " Pointsman has no such switch"));
        t.on("option nolinger", (l, c) -> {
            c.draft.nolinger = new Sourced<>(!l.negated() && !"default".equals(l.modifier()), l);
            c.translated(l);
        });
        t.on("option abortonclose", (l, c) -> c.notTranslated(l,
                "not supported by Pointsman yet (SPEC §8 abortonclose)"));
        t.on(Set.of("option accept-invalid-http-request", "option accept-invalid-http-response",
                "option h1-case-adjust-bogus-client", "option h1-case-adjust-bogus-server",
                "option http-restrict-req-hdr-names", "option http-drop-request-trailers",
                "option http-drop-response-trailers"), (l, c) -> c.notTranslated(l,
                "Pointsman parses HTTP strictly and does not change that per proxy"));
        t.on(Set.of("option persist", "option prefer-last-server", "option checkcache", "option originalto",
                "option http_proxy", "option transparent", "option forwarded", "option http-use-proxy-header"),
                (l, c) -> c.notTranslated(l, "no Pointsman equivalent"));
    }

    /**
     * HAProxy adds X-Forwarded-For when the frontend or the backend has the option; Pointsman
     * sets it per frontend. A backend's option is settled by {@link Translator} once the
     * frontends that use the backend are known.
     */
    private static void forwardfor(CfgLine l, ProxyContext c) {
        boolean on = !l.negated() && !"default".equals(l.modifier());
        c.draft.forwardfor = new Sourced<>(on, l);
        if (on && l.size() > 2) {
            c.notTranslated(l, "'" + l.rest(2) + "' is not supported by Pointsman yet (SPEC §8 forwardfor options):"
                    + " Pointsman adds X-Forwarded-For for every client");
        }
        if (!c.draft.frontendSide()) {
            return; // outcome recorded when backends are matched to frontends
        }
        c.translated(l);
        if (on) {
            c.note(l, "Pointsman also adds X-Forwarded-Proto");
        }
    }

    private static void connectionMode(CfgLine l, ProxyContext c) {
        if (l.negated() || "default".equals(l.modifier())) {
            c.translated(l);
            return;
        }
        String what = l.word(1);
        if (what.equals("forceclose") || what.equals("http-tunnel")) {
            c.notTranslated(l, "option " + what + " is HAProxy 1.x (2.0/2.1 and later refuse it); Pointsman keeps"
                    + " connections alive on both sides");
            return;
        }
        if (what.equals("http-pretend-keepalive")) {
            c.notNeeded(l, "Pointsman keeps server connections alive");
            return;
        }
        c.notTranslated(l, "option " + what + ": Pointsman keeps client and server connections alive"
                + " (not closing them per request is not supported yet, SPEC §8 http_reuse)");
    }
}
