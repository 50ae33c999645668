package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.time.Duration;
import java.util.Map;

/**
 * {@code timeout NAME VALUE} and the 1.x {@code clitimeout}, {@code contimeout},
 * {@code srvtimeout}, each to {@code timeout.<name>} on the side of the proxy that uses it
 * (client-side timeouts on frontends, server-side ones on backends, both on a listen).
 */
final class TimeoutKeywords {
    /** HAProxy timeout → proxy.yaml key, and whether a frontend (true) or a backend (false) uses it. */
    private record Target(String key, boolean frontend) {
    }

    private static final Map<String, Target> TARGETS = Map.of(
            "client", new Target("client", true),
            "http-request", new Target("http_request", true),
            "http-keep-alive", new Target("http_keep_alive", true),
            "server", new Target("server", false),
            "connect", new Target("connect", false),
            "check", new Target("check", false),
            "queue", new Target("queue", false),
            "tunnel", new Target("tunnel", false),
            "client-fin", new Target("client_fin", true),
            "server-fin", new Target("server_fin", false));
    private static final Map<String, String> LEGACY = Map.of("clitimeout", "client", "contimeout", "connect",
            "srvtimeout", "server");

    private TimeoutKeywords() {}

    static void register(KeywordTable t) {
        t.on("timeout", TimeoutKeywords::timeout);
        for (String legacy : LEGACY.keySet()) {
            t.on(legacy, (l, c) -> set(l, c, LEGACY.get(legacy), l.word(1), legacy));
        }
    }

    private static void timeout(CfgLine l, ProxyContext c) {
        String name = l.word(1);
        if (name == null) {
            c.error(l, "'timeout' expects a name and a time");
            return;
        }
        if (LEGACY.containsKey(name)) {
            set(l, c, LEGACY.get(name), l.word(2), "timeout " + name);
            return;
        }
        switch (name) {
            case "tarpit" -> c.notTranslated(l, "Pointsman has no tarpit");
            case "client-hs" -> c.notTranslated(l, "timeout client-hs has no Pointsman equivalent");
            default -> set(l, c, name, l.word(2), null);
        }
    }

    private static void set(CfgLine l, ProxyContext c, String name, String value, String legacy) {
        Target target = TARGETS.get(name);
        if (target == null) {
            c.error(l, "unknown timeout '" + name + "'");
            return;
        }
        if (target.frontend() ? !c.draft.frontendSide() : !c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        Duration d;
        try {
            d = HaproxyValues.time(value);
        } catch (IllegalArgumentException e) {
            c.error(l, "timeout " + name + ": " + e.getMessage());
            return;
        }
        if (d.isZero()) {
            c.notTranslated(l, "a timeout of 0 (none) has no Pointsman equivalent; Pointsman's built-in value applies");
            return;
        }
        if (d.toNanos() % 1_000_000 != 0) {
            d = Duration.ofMillis(Math.max(1, d.toMillis()));
        }
        c.draft.timeouts.put(target.key(), new Sourced<>(HaproxyValues.duration(d), l));
        c.translated(l);
        if (legacy != null) {
            c.note(l, "'" + legacy + "' is HAProxy 1.x syntax (2.1 and later refuse it): read as 'timeout " + name + "'");
        }
    }
}
