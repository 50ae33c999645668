package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.Set;

/**
 * Logging in a proxy: {@code option httplog}/{@code tcplog}, {@code log-format},
 * {@code option dontlognull}/{@code dontlog-normal}/{@code log-separate-errors},
 * {@code option log-health-checks}, {@code capture request|response header}, and
 * {@code log global} (Pointsman sends every proxy's lines to {@code global.log}, which
 * {@link GlobalKeywords} translates).
 */
final class LogKeywords {
    private LogKeywords() {}

    static void register(KeywordTable t) {
        t.on("option httplog", (l, c) -> format(l, c, l.word(2) == null ? "httplog" : null));
        t.on("option httpslog", (l, c) -> format(l, c, null));
        t.on("option tcplog", (l, c) -> format(l, c, "tcplog"));
        t.on("log-format", LogKeywords::logFormat);
        t.on("option dontlognull", (l, c) -> flag(l, c, "dontlognull"));
        t.on("option dontlog-normal", (l, c) -> flag(l, c, "dontlog_normal"));
        t.on("option log-separate-errors", (l, c) -> flag(l, c, "log_separate_errors"));
        t.on("option logasap", (l, c) -> c.notTranslated(l, "Pointsman logs a request when it ends"));
        t.on("option log-health-checks", (l, c) -> {
            if (!c.draft.backendSide()) {
                c.notApplicable(l);
                return;
            }
            c.draft.logHealthChecks = new Sourced<>(on(l), l);
            c.translated(l);
        });
        t.on("log", LogKeywords::log);
        t.on("capture", LogKeywords::capture);
        t.on(Set.of("log-format-sd", "error-log-format", "log-tag", "log-steps", "declare", "unique-id-format",
                "unique-id-header"), (l, c) -> c.notTranslated(l, l.keyword() + " has no Pointsman equivalent"));
    }

    private static boolean on(CfgLine l) {
        return !l.negated() && !"default".equals(l.modifier());
    }

    /** @param format httplog/tcplog, or null when this variant has no Pointsman equivalent */
    private static void format(CfgLine l, ProxyContext c, String format) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l); // HAProxy ignores it in a backend too
            return;
        }
        if (format == null) {
            c.notTranslated(l, l.label() + (l.word(2) != null ? " " + l.word(2) : "") + " has no Pointsman format;"
                    + " Pointsman has httplog, tcplog, json and custom log_format strings");
            return;
        }
        if (!on(l)) {
            c.draft.logging.remove("log_format");
            c.translated(l);
            return;
        }
        c.draft.logging.put("log_format", new Sourced<>(format, l));
        c.translated(l);
    }

    private static void logFormat(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        String f = l.word(1);
        if (f == null) {
            c.error(l, "'log-format' expects a format");
            return;
        }
        try {
            io.pointsman.proxy.log.LogFormat.compile(f);
        } catch (IllegalArgumentException e) {
            c.notTranslated(l, "log-format: " + e.getMessage());
            return;
        }
        c.draft.logging.put("log_format", new Sourced<>(f, l));
        c.translated(l);
    }

    private static void flag(CfgLine l, ProxyContext c, String key) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        c.draft.logging.put(key, new Sourced<>(on(l), l));
        c.translated(l);
    }

    /**
     * {@code log global}: the proxy logs where the global section says, as every proxy does
     * in Pointsman. A proxy's own targets cannot be, unless they are the global ones.
     */
    private static void log(CfgLine l, ProxyContext c) {
        if ("global".equals(l.word(1)) && !l.negated()) {
            c.translated(l);
            return;
        }
        if (l.negated()) {
            c.notTranslated(l, "a proxy without logs: Pointsman logs every proxy to global.log");
            return;
        }
        c.notTranslated(l, "a proxy's own log target: Pointsman sends every proxy's lines to global.log");
    }

    /** {@code capture request header NAME len N}, {@code capture response header NAME len N}. */
    private static void capture(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        String what = l.word(1);
        if (("request".equals(what) || "response".equals(what)) && "header".equals(l.word(2)) && l.size() >= 6
                && "len".equals(l.word(4)) && HaproxyValues.integer(l.word(5)) != null) {
            ("request".equals(what) ? c.draft.captureRequest : c.draft.captureResponse)
                    .add(new Sourced<>(new String[] {l.word(3), l.word(5)}, l));
            c.translated(l);
            return;
        }
        if ("cookie".equals(what)) {
            c.notTranslated(l, "capture cookie has no Pointsman equivalent");
            return;
        }
        c.error(l, "'capture' expects 'request header NAME len N', 'response header NAME len N' or 'cookie NAME len N'");
    }
}
