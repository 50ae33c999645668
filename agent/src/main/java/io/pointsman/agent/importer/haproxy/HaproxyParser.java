package io.pointsman.agent.importer.haproxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads haproxy.cfg the way HAProxy's {@code readcfgfile()} (src/cfgparse.c) does: one
 * line at a time, split by {@link LineSplitter}; {@code [scope]} lines; {@code .if},
 * {@code .elif}, {@code .else}, {@code .endif} blocks and {@code .warning}/{@code .notice}/
 * {@code .diag}/{@code .alert}; the {@code no} and {@code default} prefixes; a section keyword
 * opens a section that lasts until the next one. It also does what HAProxy's section parsers
 * do first: every keyword is checked against {@link KeywordCatalog}; an unknown keyword, a
 * keyword a defaults section may not hold or a proxy keyword HAProxy refuses in that kind of
 * proxy is an {@link ParseFinding.Kind#ERROR}; one HAProxy only warns about and ignores is
 * {@link ParseFinding.Kind#IGNORED} and left out of the section.
 *
 * <p>{@code setenv}, {@code presetenv}, {@code unsetenv} and {@code resetenv} in
 * {@code global} change the environment later lines expand, as they do in HAProxy.
 * Never throws on any input.
 */
public final class HaproxyParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final Set<String> MODIFIABLE = Set.of("option", "log", "busy-polling", "set-dumpable",
            "strict-limits", "insecure-fork-wanted", "numa-cpu-mapping");
    /** Keywords HAProxy 2.x allows in a defaults section only when it has a name. */
    private static final Set<String> NAMED_DEFAULTS_ONLY = Set.of("acl", "http-request", "http-response",
            "http-after-response", "tcp-request", "tcp-response");
    /** Keywords HAProxy refuses (rather than ignores) in a proxy without the capability. */
    private static final Set<String> FATAL_OUTSIDE = Set.of("server", "default-server", "server-template", "bind");
    /** Options HAProxy 2.x refuses after {@code no} or {@code default} (src/cfgparse-listen.c). */
    private static final Set<String> NOT_NEGATABLE = Set.of("forwardfor", "httpchk", "httplog", "httpslog", "tcplog",
            "ssl-hello-chk", "smtpchk", "pgsql-check", "redis-check", "mysql-check", "ldap-check", "spop-check",
            "tcp-check", "external-check", "tcpka", "originalto", "http_proxy");
    private static final int MAX_FATAL = 50;

    private final String file;
    private final UnaryOperator<String> baseEnv;
    private final Map<String, String> envOverlay = new HashMap<>();
    private final KeywordCatalog catalog = KeywordCatalog.get();
    private final List<ParseFinding> findings = new ArrayList<>();
    private final List<CfgSection> sections = new ArrayList<>();
    private final Map<String, CfgSection> namedDefaults = new HashMap<>();
    private final Map<String, CfgSection> frontendNames = new HashMap<>();
    private final Map<String, CfgSection> backendNames = new HashMap<>();
    private final Map<String, CfgSection> otherNames = new HashMap<>();

    private SectionKind kind;
    private String name;
    private String from;
    private CfgLine header;
    private String headerAddress;
    private List<CfgLine> lines;
    private int fatal;

    private HaproxyParser(String file, UnaryOperator<String> env) {
        this.file = file;
        this.baseEnv = env;
    }

    /**
     * @param file  how messages name the file, e.g. {@code haproxy.cfg}
     * @param bytes the file's content
     * @param env   the environment "${VAR}" expands from (null = unset)
     */
    public static HaproxyConfig parse(String file, byte[] bytes, UnaryOperator<String> env) {
        HaproxyParser p = new HaproxyParser(file, env);
        p.run(new String(bytes, StandardCharsets.ISO_8859_1));
        return new HaproxyConfig(file, p.sections, p.findings);
    }

    private String env(String variable) {
        if (envOverlay.containsKey(variable)) {
            return envOverlay.get(variable);
        }
        return baseEnv.apply(variable);
    }

    private void run(String text) {
        Deque<Cond> conds = new ArrayDeque<>();
        int number = 0;
        int start = 0;
        while (start < text.length() && fatal < MAX_FATAL) {
            int nl = text.indexOf('\n', start);
            String raw = nl < 0 ? text.substring(start) : text.substring(start, nl);
            number++;
            if (nl < 0) {
                findings.add(new ParseFinding(number, "", ParseFinding.Kind.NOTE, "the last line has no newline:"
                        + " the file may have been truncated (HAProxy 2.3 and later refuse such a file)"));
            }
            start = nl < 0 ? text.length() : nl + 1;
            line(number, raw, conds);
        }
        if (fatal >= MAX_FATAL) {
            error(number, "", "too many errors (" + fatal + "), stopping here");
        }
        if (!conds.isEmpty()) {
            error(number, ".if", "'.if' block not terminated");
        }
        closeSection();
    }

    /** State of one .if level: whether lines are kept now, and whether a branch was taken. */
    private record Cond(boolean active, boolean taken, boolean parentActive, boolean sawElse) {
    }

    private void line(int number, String raw, Deque<Cond> conds) {
        int nul = raw.indexOf('\0');
        if (nul >= 0) {
            error(number, "", "stray NUL character at position " + (nul + 1));
            return;
        }
        String trimmed = stripLeading(raw);
        boolean active = conds.isEmpty() || conds.peek().active();
        if (trimmed.startsWith("[")) {
            if (active) {
                scope(number, trimmed);
            }
            return;
        }
        LineSplitter.Result split = LineSplitter.split(trimmed, this::env,
                new LineSplitter.Context(number, file, name != null ? name : kind != null ? kind.keyword() : null));
        if (!split.ok()) {
            if (active) {
                error(number, "", split.error() + " at position " + (split.column() + raw.length() - trimmed.length()));
            }
            return;
        }
        List<String> words = split.words();
        if (words.isEmpty()) {
            return;
        }
        String w0 = words.get(0);
        if (w0.startsWith(".")) {
            if (directive(number, words, conds)) {
                return;
            }
        }
        if (!(conds.isEmpty() || conds.peek().active())) {
            return;
        }
        if (w0.startsWith(".")) {
            switch (w0) {
                case ".warning", ".notice", ".diag" -> findings.add(new ParseFinding(number, w0, ParseFinding.Kind.NOTE,
                        "HAProxy prints: " + utf8(words.size() > 1 ? words.get(1) : "")));
                case ".alert" -> error(number, w0, "HAProxy stops here: " + utf8(words.size() > 1 ? words.get(1) : ""));
                default -> error(number, w0, "unknown directive '" + utf8(w0) + "'");
            }
            return;
        }
        String modifier = null;
        if (w0.equals("no") || w0.equals("default")) {
            modifier = w0;
            words = words.subList(1, words.size());
            if (words.isEmpty() || !MODIFIABLE.contains(words.get(0))) {
                error(number, w0, "'no' and 'default' go only before option, log, busy-polling, set-dumpable,"
                        + " strict-limits, insecure-fork-wanted and numa-cpu-mapping");
                return;
            }
            if (words.get(0).equals("option") && words.size() > 1 && NOT_NEGATABLE.contains(words.get(1))) {
                error(number, w0 + " option " + utf8(words.get(1)), "negation/default is not supported for option '"
                        + utf8(words.get(1)) + "'");
                return;
            }
        }
        List<String> decoded = new ArrayList<>(words.size());
        for (String w : words) {
            decoded.add(utf8(w));
        }
        CfgLine line = new CfgLine(number, decoded, modifier, utf8(raw), split.envUsed());
        SectionKind opens = modifier == null ? SectionKind.of(line.keyword()) : null;
        if (opens != null) {
            openSection(opens, line);
            return;
        }
        if (kind == null) {
            error(number, line.keyword(), "unknown keyword '" + line.keyword() + "' out of section");
            return;
        }
        if (keywordAllowed(line)) {
            lines.add(line);
            if (kind == SectionKind.GLOBAL) {
                environment(line);
            }
        }
    }

    /** Handles .if/.elif/.else/.endif; false when the line is not one of them. */
    private boolean directive(int number, List<String> words, Deque<Cond> conds) {
        String w0 = words.get(0);
        boolean active = conds.isEmpty() || conds.peek().active();
        switch (w0) {
            case ".if" -> {
                if (conds.size() >= 32) {
                    error(number, w0, "too many nested '.if', max is 32");
                    return true;
                }
                boolean v = active && eval(number, w0, words);
                conds.push(new Cond(active && v, v, active, false));
                return true;
            }
            case ".elif" -> {
                if (conds.isEmpty()) {
                    error(number, w0, "lone '.elif' with no matching '.if'");
                    return true;
                }
                Cond c = conds.pop();
                if (c.sawElse()) {
                    error(number, w0, "'.elif' after '.else' is not permitted");
                }
                boolean v = c.parentActive() && !c.taken() && eval(number, w0, words);
                conds.push(new Cond(v, c.taken() || v, c.parentActive(), c.sawElse()));
                return true;
            }
            case ".else" -> {
                if (conds.isEmpty()) {
                    error(number, w0, "lone '.else' with no matching '.if'");
                    return true;
                }
                Cond c = conds.pop();
                if (c.sawElse()) {
                    error(number, w0, "'.else' after '.else' is not permitted");
                }
                conds.push(new Cond(c.parentActive() && !c.taken(), true, c.parentActive(), true));
                return true;
            }
            case ".endif" -> {
                if (conds.isEmpty()) {
                    error(number, w0, "lone '.endif' with no matching '.if'");
                } else {
                    conds.pop();
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private boolean eval(int number, String directive, List<String> words) {
        String expr = utf8(String.join(" ", words.subList(1, words.size())));
        try {
            boolean v = CfgCondition.evaluate(expr, this::env);
            if (expr.contains("version_")) {
                findings.add(new ParseFinding(number, directive, ParseFinding.Kind.NOTE, "'" + expr + "' evaluated"
                        + " as HAProxy " + CfgCondition.ASSUMED_VERSION + " would: " + v));
            }
            return v;
        } catch (IllegalArgumentException e) {
            error(number, directive, e.getMessage());
            return false;
        }
    }

    private void scope(int number, String line) {
        int close = line.indexOf(']');
        if (close <= 1) {
            error(number, "[", "empty scope name is forbidden");
            return;
        }
        String rest = stripLeading(line.substring(close + 1));
        if (!rest.isEmpty() && rest.charAt(0) != '#') {
            error(number, "[", "character '" + rest.charAt(0) + "' is not permitted after scope declaration");
        }
    }

    private void openSection(SectionKind opens, CfgLine line) {
        closeSection();
        kind = opens;
        header = line;
        name = null;
        from = null;
        headerAddress = null;
        lines = new ArrayList<>();
        List<String> w = line.words();
        int n = line.number();
        switch (opens) {
            case GLOBAL -> { }
            case DEFAULTS -> {
                int i = 1;
                if (w.size() > i && !w.get(i).equals("from")) {
                    name = w.get(i++);
                }
                i = fromClause(line, i);
                extra(line, i);
            }
            case FRONTEND, BACKEND, LISTEN -> {
                if (w.size() < 2) {
                    error(n, opens.keyword(), "'" + opens.keyword() + "' needs a name");
                    return;
                }
                name = w.get(1);
                int i = 2;
                if (w.size() > i && !w.get(i).equals("from")) {
                    if (opens == SectionKind.BACKEND) {
                        error(n, opens.keyword(), "a backend takes no listening address");
                    } else {
                        headerAddress = w.get(i);
                        findings.add(new ParseFinding(n, opens.keyword(), ParseFinding.Kind.NOTE, "the listening"
                                + " address on the '" + opens.keyword() + "' line is HAProxy 1.x syntax (2.x wants a"
                                + " 'bind' line, and refuses this one); read as 'bind " + headerAddress + "'"));
                    }
                    i++;
                }
                i = fromClause(line, i);
                extra(line, i);
            }
            default -> {
                if (w.size() > 1) {
                    name = w.get(1);
                } else if (opens == SectionKind.USERLIST || opens == SectionKind.PEERS || opens == SectionKind.RESOLVERS
                        || opens == SectionKind.MAILERS || opens == SectionKind.HTTP_ERRORS || opens == SectionKind.RING
                        || opens == SectionKind.CACHE || opens == SectionKind.PROGRAM) {
                    error(n, opens.keyword(), "'" + opens.keyword() + "' needs a name");
                }
            }
        }
        if (name != null && !NAME.matcher(name).matches()) {
            error(n, opens.keyword(), "invalid character in the name '" + name + "' (letters, digits, '_', '.', ':', '-')");
        }
        uniqueName(line);
    }

    private int fromClause(CfgLine line, int i) {
        List<String> w = line.words();
        if (w.size() > i && w.get(i).equals("from")) {
            if (w.size() <= i + 1) {
                error(line.number(), kind.keyword(), "'from' needs the name of a defaults section");
                return i + 1;
            }
            from = w.get(i + 1);
            if (!namedDefaults.containsKey(from)) {
                error(line.number(), kind.keyword(), "defaults section '" + from + "' not found"
                        + " (it must be declared, with that name, before this section)");
            }
            return i + 2;
        }
        return i;
    }

    private void extra(CfgLine line, int i) {
        if (line.size() > i) {
            error(line.number(), kind.keyword(), "unexpected '" + line.word(i) + "' on the '" + kind.keyword() + "' line");
        }
    }

    private void uniqueName(CfgLine line) {
        if (name == null) {
            return;
        }
        CfgSection probe = new CfgSection(kind, name, from, line, null, List.of());
        String clash = null;
        if (kind.hasFrontend() && frontendNames.containsKey(name)) {
            clash = frontendNames.get(name).label() + " (line " + frontendNames.get(name).header().number() + ")";
        } else if (kind.hasBackend() && backendNames.containsKey(name)) {
            clash = backendNames.get(name).label() + " (line " + backendNames.get(name).header().number() + ")";
        } else if (!kind.isProxy() && kind != SectionKind.DEFAULTS && otherNames.containsKey(kind + " " + name)) {
            clash = otherNames.get(kind + " " + name).label() + " (line "
                    + otherNames.get(kind + " " + name).header().number() + ")";
        }
        if (clash != null) {
            error(line.number(), kind.keyword(), "'" + kind.keyword() + " " + name + "' has the same name as " + clash);
            return;
        }
        if (kind.hasFrontend()) {
            frontendNames.put(name, probe);
        }
        if (kind.hasBackend()) {
            backendNames.put(name, probe);
        }
        if (!kind.isProxy() && kind != SectionKind.DEFAULTS) {
            otherNames.put(kind + " " + name, probe);
        }
    }

    private void closeSection() {
        if (kind == null) {
            return;
        }
        CfgSection s = new CfgSection(kind, name, from, header, headerAddress, lines);
        sections.add(s);
        if (kind == SectionKind.DEFAULTS && name != null) {
            namedDefaults.put(name, s);
        }
        kind = null;
    }

    /** Whether a keyword may stand in the current section; reports it when not. */
    private boolean keywordAllowed(CfgLine line) {
        String k = line.keyword();
        int n = line.number();
        if (kind == SectionKind.GLOBAL) {
            if (!catalog.isGlobal(k)) {
                error(n, k, "unknown keyword '" + k + "' in 'global' section");
                return false;
            }
            return true;
        }
        if (!kind.takesProxyKeywords()) {
            if (!catalog.knownIn(kind, k)) {
                error(n, k, "unknown keyword '" + k + "' in '" + kind.keyword() + "' section");
                return false;
            }
            return true;
        }
        KeywordCatalog.ProxyKeyword pk = catalog.proxyKeyword(line);
        if (pk == null) {
            if (catalog.isFamily(k)) {
                error(n, line.label(), line.size() < 2 ? "'" + k + "' needs an argument"
                        : "unknown " + k + " '" + line.word(1) + "'");
            } else {
                error(n, k, "unknown keyword '" + k + "' in '" + kind.keyword() + "' section"
                        + (catalog.isGlobal(k) ? " (it belongs in 'global')" : ""));
            }
            return false;
        }
        if (kind == SectionKind.DEFAULTS && name == null && NAMED_DEFAULTS_ONLY.contains(k)) {
            error(n, k, "'" + k + "' not allowed in an anonymous 'defaults' section (name the section)");
            return false;
        }
        if (pk.allowedIn(kind)) {
            return true;
        }
        if (kind == SectionKind.DEFAULTS || FATAL_OUTSIDE.contains(k)) {
            error(n, line.label(), "'" + line.label() + "' not allowed in '" + kind.keyword() + "' section");
            return false;
        }
        String capability = kind.hasFrontend() ? "backend" : "frontend";
        findings.add(new ParseFinding(n, line.label(), ParseFinding.Kind.IGNORED, "HAProxy ignores it in a "
                + kind.keyword() + " (no " + capability + " capability)"));
        return false;
    }

    /** setenv/presetenv/unsetenv/resetenv change what later "${VAR}" expand to. */
    private void environment(CfgLine line) {
        switch (line.keyword()) {
            case "setenv" -> {
                if (line.size() >= 3) {
                    envOverlay.put(line.word(1), line.word(2));
                }
            }
            case "presetenv" -> {
                if (line.size() >= 3 && env(line.word(1)) == null) {
                    envOverlay.put(line.word(1), line.word(2));
                }
            }
            case "unsetenv" -> {
                for (int i = 1; i < line.size(); i++) {
                    envOverlay.put(line.word(i), null);
                }
            }
            default -> { }
        }
    }

    private void error(int line, String keyword, String message) {
        fatal++;
        findings.add(new ParseFinding(line, keyword, ParseFinding.Kind.ERROR, message));
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && LineSplitter.blank(s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    /** Words are bytes as ISO-8859-1 chars; configs are UTF-8 text in practice. */
    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
