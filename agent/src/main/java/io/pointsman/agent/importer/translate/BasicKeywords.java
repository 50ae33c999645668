package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.Set;

/** {@code mode}, {@code maxconn}, {@code retries}, {@code balance}, {@code option redispatch} and the proxy's own identity lines. */
final class BasicKeywords {
    private BasicKeywords() {}

    static void register(KeywordTable t) {
        t.on("mode", BasicKeywords::mode);
        t.on("maxconn", BasicKeywords::maxconn);
        t.on("retries", BasicKeywords::retries);
        t.on("balance", BasicKeywords::balance);
        t.on("option redispatch", BasicKeywords::redispatch);
        t.on(Set.of("redispatch", "redisp"), BasicKeywords::redispatch);
        t.on("description", (l, c) -> c.notNeeded(l, "a description for HAProxy's stats page; comments in proxy.yaml do this"));
        t.on("id", (l, c) -> c.notNeeded(l, "numeric proxy ids are HAProxy's; Pointsman names proxies"));
        t.on("enabled", (l, c) -> c.translated(l));
        t.on("disabled", (l, c) -> {
            c.draft.omitted = "disabled (line " + l.number() + "): HAProxy does not start it";
            c.translated(l);
        });
        t.on("backlog", (l, c) -> c.notNeeded(l, "the kernel's accept backlog; Pointsman keeps the system default"));
        t.on("fullconn", (l, c) -> c.notTranslated(l, "dynamic server maxconn (minconn/fullconn) has no Pointsman equivalent"));
        t.on("hash-type", (l, c) -> c.notTranslated(l, "Pointsman's source balancing always uses its own consistent hash"));
        t.on("bind-process", (l, c) -> c.notNeeded(l, "Pointsman is one process"));
        t.on("http-reuse", BasicKeywords::httpReuse);
        t.on("retry-on", BasicKeywords::retryOn);
    }

    private static void mode(CfgLine l, ProxyContext c) {
        String m = l.word(1);
        if (m == null) {
            c.error(l, "'mode' expects one of 'tcp', 'http' or 'health'");
            return;
        }
        switch (m) {
            case "http", "tcp" -> {
                c.draft.mode = new Sourced<>(m, l);
                c.translated(l);
            }
            case "health" -> c.notTranslated(l, "mode health (answers OK and closes) has no Pointsman equivalent;"
                    + " Pointsman's /healthz on the status listener serves health checks");
            default -> c.error(l, "unknown proxy mode '" + m + "'");
        }
    }

    private static void maxconn(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        Integer n = HaproxyValues.integer(l.word(1));
        if (n == null) {
            c.error(l, "'maxconn' expects a number");
            return;
        }
        c.draft.maxconn = new Sourced<>(n, l);
        c.translated(l);
    }

    private static void retries(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        Integer n = HaproxyValues.integer(l.word(1));
        if (n == null) {
            c.error(l, "'retries' expects a number");
            return;
        }
        c.draft.retries = new Sourced<>(n, l);
        c.translated(l);
    }

    private static void redispatch(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        if ("default".equals(l.modifier())) {
            c.draft.redispatch = null;
            c.translated(l);
            return;
        }
        c.draft.redispatch = new Sourced<>(!l.negated(), l);
        c.translated(l);
        if (!l.negated()) {
            String every = l.keyword().equals("option") ? l.word(2) : null;
            c.note(l, every == null || every.equals("-1")
                    ? "HAProxy redispatches on the last retry only; Pointsman tries another server on every retry"
                    : "HAProxy redispatches every " + every + " retries; Pointsman tries another server on every retry");
        }
    }

    private static void httpReuse(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        String mode = l.word(1);
        switch (mode == null ? "" : mode) {
            case "safe", "never", "always" -> {
                c.draft.httpReuse = new Sourced<>(mode, l);
                c.translated(l);
            }
            case "aggressive" -> {
                c.draft.httpReuse = new Sourced<>("always", l);
                c.translated(l);
                c.note(l, "aggressive becomes always (Pointsman reuses idle connections only; HAProxy's aggressive"
                        + " also reuses connections a server may have closed)");
            }
            default -> c.error(l, "'http-reuse' expects never, safe, aggressive or always");
        }
    }

    /** {@code retry-on EVENT...}: HAProxy's dashed names as proxy.yaml's snake_case ones. */
    private static void retryOn(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        if (l.size() < 2) {
            c.error(l, "'retry-on' expects at least one event");
            return;
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.List<String> left = new java.util.ArrayList<>();
        for (String w : l.words().subList(1, l.size())) {
            String name = w.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            if (name.equals("0rtt_rejected")) {
                left.add(w + " (Pointsman sends no TLS early data to servers)");
                continue;
            }
            try {
                out.add(io.pointsman.proxy.config.RetryOn.parse(name).name());
            } catch (IllegalArgumentException e) {
                c.error(l, "retry-on: unknown keyword '" + w + "'");
                return;
            }
        }
        if (out.isEmpty()) {
            c.notTranslated(l, String.join("; ", left));
            return;
        }
        c.draft.retryOn = new Sourced<>(out, l);
        c.translated(l);
        if (!left.isEmpty()) {
            c.note(l, "left out of the list: " + String.join("; ", left));
        }
    }

    private static void balance(CfgLine l, ProxyContext c) {
        if (!c.draft.backendSide()) {
            c.notApplicable(l);
            return;
        }
        String algo = l.word(1);
        if (algo == null) {
            c.error(l, "'balance' expects an algorithm");
            return;
        }
        String base = algo.contains("(") ? algo.substring(0, algo.indexOf('(')) : algo;
        switch (base) {
            case "roundrobin", "leastconn", "first" -> {
                c.draft.balance = new Sourced<>(base, l);
                c.translated(l);
            }
            case "static-rr" -> {
                c.draft.balance = new Sourced<>("roundrobin", l);
                c.translated(l);
                c.note(l, "static-rr becomes roundrobin (they differ only when weights change at run time)");
            }
            case "source" -> {
                c.draft.balance = new Sourced<>("source", l);
                c.translated(l);
                c.note(l, "a client sticks to one server as in HAProxy, but Pointsman's consistent hash may pick"
                        + " another server than HAProxy's map-based hash did (and the same one on every node)");
            }
            case "random" -> {
                c.draft.balance = new Sourced<>("random", l);
                c.translated(l);
                c.note(l, "Pointsman picks one weighted random server; HAProxy draws " + (algo.contains("(")
                        ? algo.substring(algo.indexOf('(') + 1, algo.length() - 1) : "2")
                        + " and keeps the least loaded");
            }
            case "uri", "url_param", "hdr", "rdp-cookie" -> c.notTranslated(l, "balance " + base
                    + ": Pointsman balances by roundrobin, leastconn, source, first or random");
            default -> c.error(l, "unknown balance algorithm '" + algo + "'");
        }
    }
}
