package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.AclExpr;
import io.pointsman.agent.importer.haproxy.CfgLine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The acls of one frontend as proxy.yaml acls. An HAProxy acl name may have several lines,
 * which HAProxy ORs: lines that became the same kind of matcher merge into one acl; lines
 * of different kinds become {@code NAME}, {@code NAME-2}, … and a condition naming the acl
 * names all of them ({@link ConditionTranslator}). Anonymous acls ({@code { … }}) get a
 * name from their line. HAProxy's predefined acls ({@code TRUE}, {@code METH_GET},
 * {@code LOCALHOST} …) are used when the config declares no acl of that name.
 */
final class AclBook {
    /** What an HAProxy acl name stands for. */
    record Resolution(List<String> names, Boolean constant, String failure) {
        static Resolution of(List<String> names) {
            return new Resolution(List.copyOf(names), null, null);
        }

        static Resolution constant(boolean v) {
            return new Resolution(List.of(), v, null);
        }

        static Resolution fail(String why) {
            return new Resolution(List.of(), null, why);
        }
    }

    /** A proxy.yaml acl to write, with the lines it came from. */
    record Emitted(String name, PmMatcher matcher, List<CfgLine> lines) {
    }

    private final List<ProxyDraft.AclDef> defs;
    private final AclTranslator translator;
    private final boolean http;
    private final Map<String, Resolution> cache = new HashMap<>();
    private final Map<String, Emitted> emitted = new LinkedHashMap<>();
    private final Set<String> taken = new HashSet<>();
    private final Set<CfgLine> used = new HashSet<>();

    AclBook(List<ProxyDraft.AclDef> defs, AclTranslator translator, boolean http) {
        this.defs = defs;
        this.translator = translator;
        this.http = http;
        for (ProxyDraft.AclDef d : defs) {
            taken.add(d.name());
        }
    }

    /** Every acl to write, in the order first used. */
    List<Emitted> emitted() {
        return List.copyOf(emitted.values());
    }

    /** acl lines some translated rule used. */
    Set<CfgLine> usedLines() {
        return used;
    }

    /** Whether an acl of that name is declared before {@code line} (HAProxy wants that), or is predefined. */
    boolean declaredBefore(String name, List<CfgLine> view, CfgLine line) {
        int at = view.indexOf(line);
        for (ProxyDraft.AclDef d : defs) {
            if (d.name().equals(name) && view.indexOf(d.line()) < at) {
                return true;
            }
        }
        return Predefined.exists(name);
    }

    Resolution resolve(String name) {
        Resolution r = cache.get(name);
        if (r == null) {
            r = compute(name);
            cache.put(name, r);
        }
        return r;
    }

    private Resolution compute(String name) {
        List<ProxyDraft.AclDef> lines = new ArrayList<>();
        for (ProxyDraft.AclDef d : defs) {
            if (d.name().equals(name)) {
                lines.add(d);
            }
        }
        if (lines.isEmpty()) {
            return Predefined.resolve(name, http, this);
        }
        Map<String, PmMatcher> bySignature = new LinkedHashMap<>();
        Map<String, List<CfgLine>> sources = new LinkedHashMap<>();
        for (ProxyDraft.AclDef d : lines) {
            if (d.expr() == null) {
                return Resolution.fail("acl '" + name + "' (line " + d.line().number() + ") does not parse");
            }
            AclTranslator.Result t = translator.translate(d.expr(), http);
            if (t.failure() != null) {
                return Resolution.fail("acl '" + name + "' (line " + d.line().number() + "): " + t.failure());
            }
            if (t.constant() != null) {
                used.add(d.line());
                continue;
            }
            bySignature.merge(t.matcher().signature(), t.matcher(), PmMatcher::merge);
            sources.computeIfAbsent(t.matcher().signature(), k -> new ArrayList<>()).add(d.line());
        }
        if (bySignature.isEmpty()) {
            return Resolution.constant(false);
        }
        List<String> names = new ArrayList<>();
        int i = 1;
        for (Map.Entry<String, PmMatcher> e : bySignature.entrySet()) {
            String pm = i == 1 ? name : fresh(name + "-" + i);
            emit(pm, e.getValue(), sources.get(e.getKey()));
            names.add(pm);
            i++;
        }
        return Resolution.of(names);
    }

    /** An anonymous acl of a rule line. */
    Resolution inline(AclExpr expr, CfgLine line) {
        AclTranslator.Result t = translator.translate(expr, http);
        if (t.failure() != null) {
            return Resolution.fail("{ " + expr.fetchText() + " … }: " + t.failure());
        }
        if (t.constant() != null) {
            return Resolution.constant(t.constant());
        }
        String pm = fresh("line" + line.number());
        emit(pm, t.matcher(), List.of(line));
        return Resolution.of(List.of(pm));
    }

    /** A matcher standing for a predefined acl (METH_GET, LOCALHOST …). */
    Resolution predefined(String name, PmMatcher m) {
        String pm = fresh(name);
        emit(pm, m, List.of());
        return Resolution.of(List.of(pm));
    }

    private void emit(String pm, PmMatcher m, List<CfgLine> lines) {
        emitted.put(pm, new Emitted(pm, m, List.copyOf(lines)));
        taken.add(pm);
        used.addAll(lines);
    }

    private String fresh(String base) {
        String n = base.replaceAll("[^A-Za-z0-9_.:-]", "_");
        if (!taken.contains(n) && !emitted.containsKey(n)) {
            return n;
        }
        for (int k = 2; ; k++) {
            String c = n + "-" + k;
            if (!taken.contains(c) && !emitted.containsKey(c)) {
                return c;
            }
        }
    }

    /** HAProxy's predefined acls (src/acl.c, src/http_acl.c). */
    static final class Predefined {
        private static final Set<String> NAMES = Set.of("TRUE", "FALSE", "HTTP", "HTTP_1.0", "HTTP_1.1", "HTTP_CONTENT",
                "HTTP_URL_ABS", "HTTP_URL_SLASH", "HTTP_URL_STAR", "LOCALHOST", "METH_CONNECT", "METH_DELETE", "METH_GET",
                "METH_HEAD", "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE", "RDP_COOKIE", "REQ_CONTENT",
                "WAIT_END");

        private Predefined() {}

        static boolean exists(String name) {
            return NAMES.contains(name);
        }

        static Resolution resolve(String name, boolean http, AclBook book) {
            switch (name) {
                case "TRUE":
                    return Resolution.constant(true);
                case "FALSE":
                    return Resolution.constant(false);
                case "HTTP":
                    return http ? Resolution.constant(true)
                            : Resolution.fail("HTTP (is the traffic HTTP?) in mode tcp has no Pointsman matcher");
                case "LOCALHOST":
                    return book.predefined(name, PmMatcher.of("src", List.of("127.0.0.0/8"), false, null));
                case "METH_GET":
                    return http ? book.predefined(name, PmMatcher.of("method", List.of("GET", "HEAD"), false, null))
                            : Resolution.fail("METH_GET needs mode http");
                case "METH_CONNECT", "METH_DELETE", "METH_HEAD", "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE":
                    return http ? book.predefined(name, PmMatcher.of("method", List.of(name.substring(5)), false, null))
                            : Resolution.fail(name + " needs mode http");
                case "HTTP_URL_SLASH":
                    return http ? book.predefined(name, PmMatcher.of("path_beg", List.of("/"), false, null))
                            : Resolution.fail(name + " needs mode http");
                default:
                    if (exists(name)) {
                        return Resolution.fail("the predefined acl " + name + " has no Pointsman matcher");
                    }
                    return Resolution.fail("no acl named '" + name + "'");
            }
        }
    }
}
