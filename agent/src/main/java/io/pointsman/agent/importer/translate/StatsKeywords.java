package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;

/**
 * {@code stats …} in a proxy: collected, and decided by {@link Translator}: a proxy that only
 * serves the stats page becomes proxy.yaml's {@code stats:} section (Pointsman's stats page
 * has a listener of its own); stats inside a proxy that also carries traffic cannot be.
 */
final class StatsKeywords {
    private StatsKeywords() {}

    static void register(KeywordTable t) {
        t.on("stats", StatsKeywords::stats);
    }

    private static void stats(CfgLine l, ProxyContext c) {
        ProxyDraft.StatsDraft s = c.draft.stats;
        String what = l.word(1);
        if (what == null) {
            c.error(l, "'stats' expects an argument");
            return;
        }
        s.lines.add(l);
        switch (what) {
            case "enable" -> s.enable = l;
            case "uri" -> {
                if (l.word(2) == null) {
                    c.error(l, "'stats uri' expects a URI");
                    return;
                }
                s.uri = new Sourced<>(l.word(2), l);
            }
            case "refresh" -> {
                if (l.word(2) == null) {
                    c.error(l, "'stats refresh' expects a time");
                    return;
                }
                s.refresh = new Sourced<>(l.word(2), l);
            }
            case "auth" -> {
                String ua = l.word(2);
                if (ua == null || !ua.contains(":")) {
                    c.error(l, "'stats auth' expects 'user:password'");
                    return;
                }
                s.auth.add(new Sourced<>(new String[] {ua.substring(0, ua.indexOf(':')), ua.substring(ua.indexOf(':') + 1)}, l));
            }
            default -> { }
        }
    }
}
