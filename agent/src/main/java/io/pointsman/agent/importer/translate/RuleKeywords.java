package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.config.Regex;
import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.RuleCondition;
import io.pointsman.agent.importer.yaml.YMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP rules (SPEC §8): {@code http-request}, {@code http-response}, {@code redirect},
 * {@code errorfile}, {@code tcp-request connection reject}, and HAProxy 1.x's {@code block},
 * {@code reqadd}, {@code reqdel}, {@code reqrep}/{@code reqirep} on a header,
 * {@code rspadd}, {@code rspdel}, {@code rsprep}. Each line becomes one proxy.yaml rule
 * action here; its condition is translated by {@link Translator} with the proxy's acls, and
 * the rules are put in the order HAProxy evaluates them: {@code block}, {@code http-request},
 * the 1.x {@code req*} rewrites, {@code redirect}.
 */
final class RuleKeywords {
    /** The statuses HAProxy 2.6 has error pages for ({@code http_err_codes} in src/http.c). */
    private static final Set<Integer> HAPROXY_ERROR_PAGES = Set.of(200, 400, 401, 403, 404, 405, 407, 408, 410, 413,
            421, 422, 425, 429, 500, 501, 502, 503, 504);
    /** The statuses Pointsman's {@code errorfiles} take (SPEC §8). */
    private static final Set<Integer> POINTSMAN_ERROR_PAGES = Set.of(200, 400, 401, 403, 404, 405, 407, 408, 410, 413,
            425, 429, 500, 501, 502, 503, 504);
    private static final Set<String> HEADER_ACTIONS = Set.of("set-header", "add-header", "del-header",
            "replace-header");
    private static final Set<String> REDIRECT_CODES = Set.of("301", "302", "303", "307", "308");
    /** {@code ^Name:} or {@code ^Name:.*}: a 1.x regex that means "this header". */
    private static final Pattern WHOLE_HEADER = Pattern.compile("\\^([A-Za-z0-9!#$%&'*+.^_`|~-]+):(\\.\\*)?(\\$)?");
    /** {@code ^Name:\ (.*)} … : a 1.x regex on one header's value. */
    private static final Pattern HEADER_VALUE = Pattern.compile("\\^([A-Za-z0-9!#$%&'*+.^_`|~-]+):(\\\\? |\\[ \\]\\*|\\\\s\\*|\\s)?(.*)");
    /** Where HAProxy's packages put their stock error pages. */
    private static final List<String> STOCK_ERRORS = List.of("/etc/haproxy/errors/", "/usr/share/haproxy/",
            "/usr/local/etc/haproxy/errors/", "/usr/local/share/haproxy/");

    private RuleKeywords() {}

    static void register(KeywordTable t) {
        t.on("http-request", RuleKeywords::httpRequest);
        t.on("http-response", RuleKeywords::httpResponse);
        t.on("redirect", (l, c) -> {
            if (!c.draft.frontendSide() && !c.draft.backendSide()) {
                c.notApplicable(l);
                return;
            }
            redirect(l, 1, c, 3);
        });
        t.on("errorfile", RuleKeywords::errorfile);
        t.on("block", (l, c) -> add(l, c, c.draft.httpRequest, new YMap().put("deny", new YMap().put("status", 403)),
                l.words().subList(1, l.size()), 0, "'block' is HAProxy 1.x for 'http-request deny' (2.1 and later refuse it)"));
        t.on("reqadd", (l, c) -> legacyAdd(l, c, c.draft.httpRequest, 2));
        t.on("rspadd", (l, c) -> legacyAdd(l, c, c.draft.httpResponse, 2));
        t.on(Set.of("reqdel", "reqidel"), (l, c) -> legacyDel(l, c, c.draft.httpRequest));
        t.on(Set.of("rspdel", "rspidel"), (l, c) -> legacyDel(l, c, c.draft.httpResponse));
        t.on(Set.of("reqrep", "reqirep"), (l, c) -> legacyRep(l, c, c.draft.httpRequest));
        t.on(Set.of("rsprep", "rspirep"), (l, c) -> legacyRep(l, c, c.draft.httpResponse));
        t.on("tcp-request connection", RuleKeywords::tcpConnection);
    }

    /** Where {@code if}/{@code unless} starts, or the line's end. */
    private static int conditionAt(CfgLine l, int from) {
        for (int i = from; i < l.size(); i++) {
            if (l.word(i).equals("if") || l.word(i).equals("unless")) {
                return i;
            }
        }
        return l.size();
    }

    /**
     * Records one rule; false after reporting an error (a condition that does not parse).
     *
     * @param cond the words from {@code if}/{@code unless} on (empty = always)
     */
    private static boolean add(CfgLine l, ProxyContext c, List<ProxyDraft.ActionDraft> into, YMap action,
            List<String> cond, int order, String note) {
        return add(l, c, into, action, cond, order, note, null);
    }

    private static boolean add(CfgLine l, ProxyContext c, List<ProxyDraft.ActionDraft> into, YMap action,
            List<String> cond, int order, String note, String userlist) {
        RuleCondition rc = null;
        if (!cond.isEmpty()) {
            try {
                rc = RuleCondition.parse(cond);
            } catch (IllegalArgumentException e) {
                c.error(l, e.getMessage());
                return false;
            }
        }
        into.add(new ProxyDraft.ActionDraft(l, action, rc, order, userlist));
        if (note != null) {
            c.note(l, note);
        }
        return true;
    }

    private static void httpRequest(CfgLine l, ProxyContext c) {
        String action = l.word(1);
        if (action == null) {
            c.error(l, "'http-request' expects an action");
            return;
        }
        int cond = conditionAt(l, 2);
        List<String> condWords = l.words().subList(cond, l.size());
        List<String> args = l.words().subList(2, cond);
        try {
            if (headerAction(l, c, c.draft.httpRequest, action, args, condWords)) {
                return;
            }
            switch (action) {
                case "redirect" -> redirect(l, 2, c, 1);
                case "deny" -> add(l, c, c.draft.httpRequest, new YMap().put("deny", deny(args, 403)), condWords, 1, null);
                case "return" -> add(l, c, c.draft.httpRequest, new YMap().put("return", ret(args)), condWords, 1, null);
                case "auth" -> auth(l, c, args, condWords);
                case "set-path" -> {
                    need(args, 1, action);
                    add(l, c, c.draft.httpRequest, new YMap().put("set_path", new YMap().put("value",
                            LogFormat.template(args.get(0)))), condWords, 1, null);
                }
                case "replace-path" -> {
                    need(args, 2, action);
                    regex(args.get(0));
                    add(l, c, c.draft.httpRequest, new YMap().put("replace_path", new YMap().put("regex", args.get(0))
                            .put("with", LogFormat.replacement(args.get(1)))), condWords, 1, null);
                }
                case "set-query" -> {
                    need(args, 1, action);
                    add(l, c, c.draft.httpRequest, new YMap().put("set_query", new YMap().put("value",
                            LogFormat.template(args.get(0)))), condWords, 1, null);
                }
                case "track-sc0", "track-sc1", "track-sc2", "sc-inc-gpc0", "sc-inc-gpc1", "sc-set-gpt0" ->
                        c.notTranslated(l, "stick-table tracking: not translated (Pointsman's limits are declared"
                                + " per frontend, SPEC §8 limits)");
                case "allow" -> c.notTranslated(l, "Pointsman's rules have no 'allow' that stops the later rules");
                default -> c.notTranslated(l, "http-request " + action + " has no Pointsman equivalent");
            }
        } catch (IllegalArgumentException e) {
            c.notTranslated(l, e.getMessage());
        }
    }

    private static void httpResponse(CfgLine l, ProxyContext c) {
        String action = l.word(1);
        if (action == null) {
            c.error(l, "'http-response' expects an action");
            return;
        }
        int cond = conditionAt(l, 2);
        List<String> condWords = l.words().subList(cond, l.size());
        List<String> args = l.words().subList(2, cond);
        try {
            if (headerAction(l, c, c.draft.httpResponse, action, args, condWords)) {
                return;
            }
            switch (action) {
                case "deny" -> add(l, c, c.draft.httpResponse, new YMap().put("deny", deny(args, 502)), condWords, 1, null);
                default -> c.notTranslated(l, "http-response " + action + " has no Pointsman equivalent");
            }
        } catch (IllegalArgumentException e) {
            c.notTranslated(l, e.getMessage());
        }
    }

    /**
     * The header actions {@code http-request} and {@code http-response} share: set-, add-,
     * del- and replace-header, into {@code into}. False for any other action.
     */
    private static boolean headerAction(CfgLine l, ProxyContext c, List<ProxyDraft.ActionDraft> into, String action,
                                        List<String> args, List<String> condWords) {
        if (!HEADER_ACTIONS.contains(action)) {
            return false;
        }
        YMap yaml = switch (action) {
            case "set-header", "add-header" -> {
                need(args, 2, action);
                yield new YMap().put(action.replace('-', '_'), new YMap()
                        .put("name", args.get(0)).put("value", LogFormat.template(args.get(1))));
            }
            case "del-header" -> {
                need(args, 1, action);
                // HAProxy 2.6: del-header <name> [-m str|beg|end|sub|reg]; str, the default, is by name
                boolean byName = args.size() == 1 || args.size() == 3 && args.get(1).equals("-m")
                        && args.get(2).equals("str");
                if (!byName) {
                    if (args.size() != 3 || !args.get(1).equals("-m")) {
                        c.error(l, "'" + l.keyword() + " del-header' expects a header name, then -m and a match"
                                + " method or a condition");
                        yield null;
                    }
                    throw new IllegalArgumentException("del-header -m " + args.get(2)
                            + " has no Pointsman equivalent (it removes a header by name)");
                }
                yield new YMap().put("del_header", new YMap().put("name", args.get(0)));
            }
            case "replace-header" -> {
                need(args, 3, action);
                yield new YMap().put("replace_header", replaceHeader(args));
            }
            default -> throw new IllegalStateException(action);
        };
        if (yaml != null) {
            add(l, c, into, yaml, condWords, 1, null);
        }
        return true;
    }

    /**
     * {@code [http-request] redirect location|prefix|scheme X [code N] [drop-query] [if|unless …]}.
     *
     * @param at where the target type is among the words
     */
    private static void redirect(CfgLine l, int at, ProxyContext c, int order) {
        int cond = conditionAt(l, at);
        String type = l.word(at);
        String target = l.word(at + 1);
        if (type == null || target == null || !Set.of("location", "prefix", "scheme").contains(type)) {
            c.error(l, "redirect expects 'location', 'prefix' or 'scheme' and a value");
            return;
        }
        YMap r = new YMap();
        try {
            r.put(type, LogFormat.template(target));
        } catch (IllegalArgumentException e) {
            c.notTranslated(l, "redirect " + type + " " + target + ": " + e.getMessage());
            return;
        }
        for (int i = at + 2; i < cond; i++) {
            String w = l.word(i);
            switch (w) {
                case "code" -> {
                    String code = l.word(++i);
                    if (code == null || !REDIRECT_CODES.contains(code)) {
                        c.error(l, "redirect code must be 301, 302, 303, 307 or 308");
                        return;
                    }
                    r.put("code", Integer.parseInt(code));
                }
                case "drop-query" -> {
                    if (!type.equals("location")) {
                        r.put("drop_query", true);
                    }
                }
                case "append-slash", "set-cookie", "clear-cookie", "ignore-empty" -> {
                    c.notTranslated(l, "redirect " + w + " has no Pointsman equivalent");
                    return;
                }
                default -> {
                    c.error(l, "unknown redirect option '" + w + "'");
                    return;
                }
            }
        }
        add(l, c, c.draft.httpRequest, new YMap().put("redirect", r), l.words().subList(cond, l.size()), order, null);
    }

    private static YMap deny(List<String> args, int status) {
        YMap d = new YMap();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("deny_status") && i + 1 < args.size()) {
                status = Integer.parseInt(number(args.get(++i)));
            } else {
                throw new IllegalArgumentException("deny " + args.get(i) + " (a custom deny response) has no Pointsman"
                        + " equivalent");
            }
        }
        return d.put("status", status);
    }

    private static YMap ret(List<String> args) {
        YMap r = new YMap();
        int status = 200;
        for (int i = 0; i < args.size(); i++) {
            String w = args.get(i);
            String v = i + 1 < args.size() ? args.get(i + 1) : null;
            if (v == null) {
                throw new IllegalArgumentException("return " + w + " expects a value");
            }
            switch (w) {
                case "status" -> status = Integer.parseInt(number(v));
                case "content-type" -> r.put("content_type", v);
                case "string" -> r.put("body", LogFormat.literal(v));
                case "lf-string" -> r.put("body", LogFormat.template(v));
                default -> throw new IllegalArgumentException("return " + w + " has no Pointsman equivalent"
                        + " (files and headers of a return)");
            }
            i++;
        }
        YMap out = new YMap().put("status", status);
        for (YMap.Entry e : r.entries()) {
            out.put(e.key(), e.value());
        }
        return out;
    }

    /**
     * {@code http-request auth [realm R] if !{ http_auth(L) }} (or {@code unless}): the
     * http_auth terms name the userlist; {@link Translator} takes them out of the condition.
     */
    private static void auth(CfgLine l, ProxyContext c, List<String> args, List<String> cond) {
        String realm = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("realm") && i + 1 < args.size()) {
                realm = args.get(++i);
            } else {
                throw new IllegalArgumentException("auth " + args.get(i) + " has no Pointsman equivalent");
            }
        }
        YMap a = new YMap().put("userlist", "?");
        if (realm != null) {
            a.put("realm", realm);
        }
        if (cond.isEmpty()) {
            throw new IllegalArgumentException("an auth rule with no http_auth condition asks forever: no Pointsman"
                    + " equivalent");
        }
        add(l, c, c.draft.httpRequest, new YMap().put("auth", a), cond, 1, null, "?");
    }

    private static YMap replaceHeader(List<String> args) {
        regex(args.get(1));
        return new YMap().put("name", args.get(0)).put("regex", args.get(1)).put("with", LogFormat.replacement(args.get(2)));
    }

    private static void errorfile(CfgLine l, ProxyContext c) {
        String code = l.word(1);
        String file = l.word(2);
        if (code == null || file == null || !code.matches("\\d{3}")) {
            c.error(l, "'errorfile' expects a status code and a file");
            return;
        }
        int status = Integer.parseInt(code);
        if (!HAPROXY_ERROR_PAGES.contains(status)) {
            c.error(l, "status code '" + code + "' not handled (HAProxy has no error page for it)");
            return;
        }
        if (STOCK_ERRORS.stream().anyMatch(file::startsWith) && file.endsWith("/" + code + ".http")) {
            c.notNeeded(l, "HAProxy's stock error page; Pointsman answers with its own");
            return;
        }
        if (!POINTSMAN_ERROR_PAGES.contains(status)) {
            c.notTranslated(l, "Pointsman has no error page for status " + code);
            return;
        }
        if (!file.startsWith("/")) {
            c.notTranslated(l, "'" + file + "' is relative to the directory HAProxy starts in (or its default-path):"
                    + " Pointsman reads error pages by absolute path");
            return;
        }
        c.draft.errorfiles.put(Integer.parseInt(code), new Sourced<>(file, l));
        c.translated(l);
    }

    /** {@code tcp-request connection reject if …}. */
    private static void tcpConnection(CfgLine l, ProxyContext c) {
        if (!c.draft.frontendSide()) {
            c.notApplicable(l);
            return;
        }
        if (!"reject".equals(l.word(2))) {
            c.notTranslated(l, "tcp-request connection " + l.word(2) + " has no Pointsman equivalent");
            return;
        }
        RuleCondition rc = null;
        if (l.size() > 3) {
            try {
                rc = RuleCondition.parse(l.words().subList(3, l.size()));
            } catch (IllegalArgumentException e) {
                c.error(l, e.getMessage());
                return;
            }
        }
        c.draft.tcpRequest.add(new ProxyDraft.ActionDraft(l, new YMap().put("reject", true), rc, 1, null));
    }

    /** 1.x {@code reqadd "Name: value"} / {@code rspadd}: add_header. */
    private static void legacyAdd(CfgLine l, ProxyContext c, List<ProxyDraft.ActionDraft> into, int order) {
        String line = l.word(1);
        int colon = line == null ? -1 : line.indexOf(':');
        if (colon <= 0) {
            c.error(l, "'" + l.keyword() + "' expects a header line 'Name: value'");
            return;
        }
        String value = line.substring(colon + 1).strip();
        YMap a = new YMap().put("add_header", new YMap().put("name", line.substring(0, colon).strip())
                .put("value", LogFormat.literal(value)));
        add(l, c, into, a, l.words().subList(2, l.size()), order, "'" + l.keyword() + "' is HAProxy 1.x (2.1 and later"
                + " refuse it): read as " + (into == c.draft.httpRequest ? "http-request" : "http-response") + " add-header");
    }

    /** 1.x {@code reqdel ^Name:} / {@code rspdel}: del_header, when the regex means one whole header. */
    private static void legacyDel(CfgLine l, ProxyContext c, List<ProxyDraft.ActionDraft> into) {
        String regex = l.word(1);
        Matcher m = regex == null ? null : WHOLE_HEADER.matcher(regex);
        if (m == null || !m.matches()) {
            c.notTranslated(l, "'" + l.keyword() + " " + regex + "' is HAProxy 1.x header deletion by regex; only"
                    + " '^Name:' (one whole header) has a Pointsman equivalent");
            return;
        }
        add(l, c, into, new YMap().put("del_header", new YMap().put("name", m.group(1))), l.words().subList(2, l.size()),
                2, "'" + l.keyword() + "' is HAProxy 1.x (2.1 and later refuse it): read as del-header " + m.group(1));
    }

    /** 1.x {@code reqrep ^Name:\ (.*) Name:\ \1x}: replace_header on one header's value. */
    private static void legacyRep(CfgLine l, ProxyContext c, List<ProxyDraft.ActionDraft> into) {
        String regex = l.word(1);
        String with = l.word(2);
        Matcher m = regex == null ? null : HEADER_VALUE.matcher(regex);
        if (with == null || m == null || !m.matches()) {
            c.notTranslated(l, "'" + l.keyword() + "' rewriting the request line or several headers has no Pointsman"
                    + " equivalent (only '^Name:\\ regex' on one header is translated)");
            return;
        }
        String name = m.group(1);
        String prefix = with.startsWith(name + ":") ? with.substring(name.length() + 1).replaceFirst("^\\s+", "") : null;
        if (prefix == null) {
            c.notTranslated(l, "'" + l.keyword() + "' that renames header " + name + " has no Pointsman equivalent");
            return;
        }
        String valueRegex = (l.keyword().contains("i") ? "(?i)" : "") + "^" + m.group(3);
        try {
            regex(valueRegex);
            YMap a = new YMap().put("replace_header", new YMap().put("name", name).put("regex", valueRegex)
                    .put("with", LogFormat.replacement(prefix)));
            add(l, c, into, a, l.words().subList(3, l.size()), 2, "'" + l.keyword() + "' is HAProxy 1.x (2.1 and later"
                    + " refuse it): read as replace-header " + name);
        } catch (IllegalArgumentException e) {
            c.notTranslated(l, e.getMessage());
        }
    }

    private static void need(List<String> args, int n, String action) {
        if (args.size() < n) {
            throw new IllegalArgumentException(action + " expects " + n + " argument" + (n == 1 ? "" : "s"));
        }
    }

    private static String number(String s) {
        if (!s.matches("\\d{3}")) {
            throw new IllegalArgumentException("'" + s + "' is not a status code");
        }
        return s;
    }

    private static void regex(String r) {
        try {
            Regex.parse(r);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (Java reads regexes; this one it cannot)");
        }
    }
}
