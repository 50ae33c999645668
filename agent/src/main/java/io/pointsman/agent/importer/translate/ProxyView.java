package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import io.pointsman.agent.importer.haproxy.KeywordCatalog;
import io.pointsman.agent.importer.haproxy.SectionKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lines that make up a proxy in HAProxy: those of the defaults section it inherits from
 * (the one named by {@code from}, else the last defaults section above it, itself resolved the
 * same way), then its own. An own line replaces inherited lines of the same setting
 * ({@code timeout client} replaces {@code timeout client}, {@code no option redispatch}
 * replaces {@code option redispatch}); lines that add up ({@code acl}, {@code server},
 * {@code http-request}, {@code default-server} …) keep the inherited ones first.
 */
final class ProxyView {
    private static final Set<String> ADDITIVE = Set.of("acl", "bind", "server", "default-server", "server-template",
            "use_backend", "use-server", "http-request", "http-response", "http-after-response", "tcp-request",
            "tcp-response", "redirect", "reqadd", "reqrep", "reqirep", "reqdel", "reqidel", "reqdeny", "reqideny",
            "reqallow", "reqiallow", "reqpass", "reqipass", "reqtarpit", "reqitarpit", "reqsetbe", "reqisetbe",
            "rspadd", "rsprep", "rspirep", "rspdel", "rspidel", "rspdeny", "rspideny", "block", "log", "capture",
            "declare", "http-check", "tcp-check", "stick", "filter", "errorloc", "errorloc302", "errorloc303",
            "http-error", "monitor", "email-alert", "errorfiles");
    private static final Set<String> ADDITIVE_STATS = Set.of("auth", "http-request", "scope");

    private final HaproxyConfig config;
    private final Map<CfgSection, List<CfgLine>> cache = new IdentityHashMap<>();
    private final Map<CfgSection, CfgLine> headerBinds = new IdentityHashMap<>();

    ProxyView(HaproxyConfig config) {
        this.config = config;
    }

    /** The defaults section a proxy or defaults section inherits from, or null. */
    CfgSection parent(CfgSection s) {
        List<CfgSection> all = config.sections();
        int at = all.indexOf(s);
        if (s.from() != null) {
            for (int i = at - 1; i >= 0; i--) {
                CfgSection d = all.get(i);
                if (d.kind() == SectionKind.DEFAULTS && s.from().equals(d.name())) {
                    return d;
                }
            }
            return null;
        }
        if (s.kind() == SectionKind.DEFAULTS) {
            return null;
        }
        for (int i = at - 1; i >= 0; i--) {
            if (all.get(i).kind() == SectionKind.DEFAULTS) {
                return all.get(i);
            }
        }
        return null;
    }

    /** Every line that applies to {@code s}, inherited ones first. */
    List<CfgLine> lines(CfgSection s) {
        List<CfgLine> cached = cache.get(s);
        if (cached != null) {
            return cached;
        }
        cache.put(s, List.of()); // a from-cycle reads as nothing inherited
        List<CfgLine> own = new ArrayList<>();
        CfgLine bind = headerBind(s);
        if (bind != null) {
            own.add(bind);
        }
        own.addAll(s.lines());
        CfgSection p = parent(s);
        List<CfgLine> inherited = p == null ? List.of() : lines(p);
        Set<String> overridden = new HashSet<>();
        for (CfgLine l : own) {
            String k = key(l);
            if (k != null) {
                overridden.add(k);
            }
        }
        List<CfgLine> out = new ArrayList<>();
        for (CfgLine l : inherited) {
            String k = key(l);
            if (k == null || !overridden.contains(k)) {
                out.add(l);
            }
        }
        out.addAll(own);
        List<CfgLine> result = List.copyOf(out);
        cache.put(s, result);
        return result;
    }

    /** The {@code bind} that the 1.x header form {@code listen NAME ADDRESS} stands for. */
    CfgLine headerBind(CfgSection s) {
        if (s.address() == null) {
            return null;
        }
        return headerBinds.computeIfAbsent(s, x -> new CfgLine(x.header().number(), List.of("bind", x.address()), null,
                x.header().text(), List.of()));
    }

    /** The setting a line sets, for overriding; null for lines that add up. */
    static String key(CfgLine l) {
        String k = l.keyword();
        if (ADDITIVE.contains(k)) {
            return null;
        }
        String legacy = switch (k) {
            case "clitimeout" -> "timeout client";
            case "contimeout" -> "timeout connect";
            case "srvtimeout" -> "timeout server";
            default -> null;
        };
        if (legacy != null) {
            return legacy;
        }
        if (k.equals("timeout") && l.size() > 1) {
            return switch (l.word(1)) {
                case "clitimeout" -> "timeout client";
                case "contimeout" -> "timeout connect";
                case "srvtimeout" -> "timeout server";
                default -> "timeout " + l.word(1);
            };
        }
        if (k.equals("stats") && l.size() > 1 && ADDITIVE_STATS.contains(l.word(1))) {
            return null;
        }
        if (k.equals("errorfile") && l.size() > 1) {
            return "errorfile " + l.word(1);
        }
        if (KeywordCatalog.TWO_WORD.contains(k) && l.size() > 1 && !k.equals("balance") && !k.equals("mode")) {
            return k + " " + l.word(1);
        }
        return k;
    }
}
