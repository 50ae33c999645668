package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.Set;

/** {@code option …} lines other than the health-check and redispatch ones. */
final class OptionKeywords {
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
            if (c.draft.backendSide() && !l.negated()) {
                c.draft.httpReuse = null;
            }
            c.translated(l);
        });
        t.on(CONNECTION_MODES, OptionKeywords::connectionMode);
        t.on(KEEPALIVE, OptionKeywords::tcpka);
        t.on(TUNING, (l, c) -> c.notNeeded(l, "HAProxy performance tuning with no effect on what is served;"
                + " Pointsman has no such switch"));
        t.on("option nolinger", (l, c) -> {
            c.draft.nolinger = new Sourced<>(!l.negated() && !"default".equals(l.modifier()), l);
            c.translated(l);
        });
        t.on("option abortonclose", (l, c) -> {
            if (!c.draft.backendSide()) {
                c.notApplicable(l);
                return;
            }
            c.draft.abortonclose = new Sourced<>(!l.negated() && !"default".equals(l.modifier()), l);
            c.translated(l);
        });
        t.on(Set.of("option accept-invalid-http-request", "option accept-invalid-http-response",
                "option h1-case-adjust-bogus-client", "option h1-case-adjust-bogus-server",
                "option http-restrict-req-hdr-names", "option http-drop-request-trailers",
                "option http-drop-response-trailers"), (l, c) -> c.notTranslated(l,
                "Pointsman parses HTTP strictly and does not change that per proxy"));
        t.on(Set.of("option persist", "option prefer-last-server", "option checkcache", "option originalto",
                "option http_proxy", "option transparent", "option forwarded", "option http-use-proxy-header"),
                (l, c) -> c.notTranslated(l, "no Pointsman equivalent"));
    }

    /** {@code option tcpka} (both sides), {@code clitcpka} (client sockets), {@code srvtcpka} (server sockets). */
    private static void tcpka(CfgLine l, ProxyContext c) {
        boolean on = !l.negated() && !"default".equals(l.modifier());
        String w = l.word(1);
        boolean front = !w.equals("srvtcpka") && c.draft.frontendSide();
        boolean back = !w.equals("clitcpka") && c.draft.backendSide();
        if (!front && !back) {
            c.notApplicable(l);
            return;
        }
        if (front) {
            c.draft.tcpkaFront = new Sourced<>(on, l);
        }
        if (back) {
            c.draft.tcpkaBack = new Sourced<>(on, l);
        }
        c.translated(l);
    }

    /**
     * HAProxy adds X-Forwarded-For when the frontend or the backend has the option; Pointsman
     * sets it per frontend. A backend's option is settled by {@link Translator} once the
     * frontends that use the backend are known.
     */
    private static void forwardfor(CfgLine l, ProxyContext c) {
        boolean on = !l.negated() && !"default".equals(l.modifier());
        c.draft.forwardfor = new Sourced<>(on, l);
        c.draft.forwardforOptions = null;
        if (on && l.size() > 2) {
            io.pointsman.agent.importer.yaml.YMap o = new io.pointsman.agent.importer.yaml.YMap();
            for (int i = 2; i < l.size(); i++) {
                String w = l.word(i);
                String v = l.word(i + 1);
                switch (w) {
                    case "except" -> {
                        String net = v == null ? null : AclTranslator.cidr(v);
                        if (net == null) {
                            c.error(l, "'except' expects a network");
                            return;
                        }
                        o.put("except", new io.pointsman.agent.importer.yaml.YList().add(net));
                        i++;
                    }
                    case "header" -> {
                        if (v == null) {
                            c.error(l, "'header' expects a header name");
                            return;
                        }
                        o.put("header", v);
                        i++;
                    }
                    case "if-none" -> o.put("if_none", true);
                    default -> {
                        c.error(l, "unknown option forwardfor argument '" + w + "'");
                        return;
                    }
                }
            }
            c.draft.forwardforOptions = o;
        }
        if (!c.draft.frontendSide()) {
            return; // outcome recorded when backends are matched to frontends
        }
        c.translated(l);
        if (on) {
            c.note(l, "Pointsman also adds X-Forwarded-Proto");
        }
    }

    /**
     * {@code option http-server-close}, {@code httpclose}, {@code forceclose}: a new server
     * connection per request, Pointsman's {@code http_reuse: never} (per backend: a frontend's
     * option goes to the backends it routes to, see {@link Translator}). The client side
     * stays keep-alive in Pointsman; HAProxy's httpclose closes it too.
     */
    private static void connectionMode(CfgLine l, ProxyContext c) {
        String what = l.word(1);
        boolean off = l.negated() || "default".equals(l.modifier());
        if (what.equals("http-tunnel")) {
            c.notTranslated(l, "option http-tunnel is HAProxy 1.x (2.1 and later refuse it); Pointsman handles each"
                    + " request");
            return;
        }
        if (what.equals("http-pretend-keepalive")) {
            c.notNeeded(l, "Pointsman keeps server connections alive unless http_reuse is never");
            return;
        }
        if (c.draft.backendSide()) {
            c.draft.httpReuse = off ? null : new Sourced<>("never", l);
        } else {
            c.draft.frontendServerClose = off ? null : new Sourced<>(what, l);
        }
        c.translated(l);
        if (!off && !what.equals("http-server-close")) {
            c.note(l, "becomes http_reuse: never (a new server connection per request); Pointsman keeps the client"
                    + " connection alive" + (what.equals("forceclose") ? " ('forceclose' is HAProxy 1.x)" : ""));
        }
    }

}
