package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keyword → handler, for the keywords of frontends, backends, listens and defaults. Each
 * keyword family registers its handlers in one place ({@link BasicKeywords},
 * {@link TimeoutKeywords}, {@link BindKeywords}, {@link ServerKeywords},
 * {@link RoutingKeywords}, {@link StatsKeywords}, {@link OptionKeywords}, {@link RuleKeywords}, {@link LogKeywords},
 * {@link UnsupportedKeywords}). A line is looked up by its two first words
 * ({@code option httpchk}, {@code timeout client}), then by its first.
 */
final class KeywordTable {
    private final Map<String, Handler> handlers = new HashMap<>();

    static KeywordTable proxies() {
        KeywordTable t = new KeywordTable();
        UnsupportedKeywords.register(t);
        BasicKeywords.register(t);
        TimeoutKeywords.register(t);
        BindKeywords.register(t);
        ServerKeywords.register(t);
        RoutingKeywords.register(t);
        StatsKeywords.register(t);
        OptionKeywords.register(t);
        RuleKeywords.register(t);
        LogKeywords.register(t);
        return t;
    }

    void on(String keyword, Handler h) {
        handlers.put(keyword, h);
    }

    void on(Set<String> keywords, Handler h) {
        for (String k : keywords) {
            handlers.put(k, h);
        }
    }

    /** The handler for a line, or null when none is registered. */
    Handler lookup(CfgLine line) {
        if (line.size() > 1) {
            Handler h = handlers.get(line.keyword() + " " + line.word(1));
            if (h != null) {
                return h;
            }
        }
        return handlers.get(line.keyword());
    }
}
