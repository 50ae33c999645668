package io.pointsman.agent.importer.differential;

import io.pointsman.agent.importer.haproxy.AclExpr;
import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import io.pointsman.agent.importer.haproxy.RuleCondition;
import io.pointsman.agent.importer.haproxy.SectionKind;
import io.pointsman.proxy.config.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The requests and connections the harness sends to each frontend: built from the
 * config's own acl values (each path, host, header value, network, server name), their
 * near misses (other case, a port on the host, a suffix, a longer path), and a seeded
 * random mix of them, so every rule is exercised on both sides of its condition.
 */
final class RequestPlan {
    private static final String DEFAULT_SOURCE = "127.0.0.1";
    private static final int RANDOM_MIXES = 40;

    /** One frontend as the plan sees it. */
    record Frontend(String name, boolean http, List<Bind> binds) {
    }

    /** One listening address: whether it terminates TLS, whether it expects a PROXY header. */
    record Bind(boolean tls, boolean acceptProxy) {
    }

    private RequestPlan() {}

    /** The frontends (and listens) of a rewritten config, in file order. */
    static List<Frontend> frontends(HaproxyConfig cfg) {
        List<Frontend> out = new ArrayList<>();
        for (CfgSection s : cfg.sections()) {
            if (!s.kind().hasFrontend() || statsOnly(s)) {
                continue;
            }
            List<Bind> binds = new ArrayList<>();
            if (s.address() != null) {
                binds.add(new Bind(false, false));
            }
            for (CfgLine l : s.lines()) {
                if (l.keyword().equals("bind")) {
                    boolean tls = l.words().contains("ssl");
                    boolean ap = l.words().contains("accept-proxy");
                    for (String ignored : l.word(1).split(",")) {
                        binds.add(new Bind(tls, ap));
                    }
                }
            }
            out.add(new Frontend(s.name(), "http".equals(mode(cfg, s)), binds));
        }
        return out;
    }

    private static boolean statsOnly(CfgSection s) {
        boolean stats = false;
        for (CfgLine l : s.lines()) {
            if (l.keyword().equals("stats")) {
                stats = true;
            }
            if (l.keyword().equals("server") || l.keyword().equals("use_backend") || l.keyword().equals("default_backend")) {
                return false;
            }
        }
        return stats;
    }

    /** The proxy's mode as HAProxy resolves it: its own, else its defaults section's, else tcp. */
    static String mode(HaproxyConfig cfg, CfgSection s) {
        for (CfgSection at = s; at != null; at = parent(cfg, at)) {
            String mode = null;
            for (CfgLine l : at.lines()) {
                if (l.keyword().equals("mode")) {
                    mode = l.word(1);
                }
            }
            if (mode != null) {
                return mode;
            }
        }
        return "tcp";
    }

    private static CfgSection parent(HaproxyConfig cfg, CfgSection s) {
        List<CfgSection> all = cfg.sections();
        for (int i = all.indexOf(s) - 1; i >= 0; i--) {
            CfgSection d = all.get(i);
            if (d.kind() == SectionKind.DEFAULTS && (s.from() == null || s.from().equals(d.name()))) {
                return d;
            }
        }
        return null;
    }

    /** Every probe for one frontend. */
    static List<Probe> probes(HaproxyConfig cfg, Frontend f, long seed) {
        CfgSection section = null;
        for (CfgSection s : cfg.sections()) {
            if (s.kind().hasFrontend() && f.name().equals(s.name())) {
                section = s;
            }
        }
        Values v = values(cfg, section);
        List<Probe> out = new ArrayList<>();
        for (int b = 0; b < f.binds().size(); b++) {
            Bind bind = f.binds().get(b);
            String proxyV1 = bind.acceptProxy() ? "127.0.9.9" : null;
            if (!f.http()) {
                for (String src : v.sources) {
                    out.add(new Probe(f.name(), b, src, false, null, proxyV1, "GET", "/", "tcp.example", Map.of()));
                }
                for (String sni : v.hosts) {
                    out.add(new Probe(f.name(), b, DEFAULT_SOURCE, true, sni, proxyV1, "GET", "/", sni, Map.of()));
                }
                out.add(new Probe(f.name(), b, DEFAULT_SOURCE, true, null, proxyV1, "GET", "/", "tcp.example", Map.of()));
                continue;
            }
            boolean tls = bind.tls();
            for (String path : v.paths) {
                out.add(new Probe(f.name(), b, DEFAULT_SOURCE, tls, null, proxyV1, "GET", path, "www.test", Map.of()));
            }
            for (String host : v.hosts) {
                out.add(new Probe(f.name(), b, DEFAULT_SOURCE, tls, tls ? sniOf(host) : null, proxyV1, "GET", "/", host,
                        Map.of()));
            }
            for (String method : v.methods) {
                out.add(new Probe(f.name(), b, DEFAULT_SOURCE, tls, null, proxyV1, method, "/", "www.test", Map.of()));
            }
            for (Map.Entry<String, List<String>> h : v.headers.entrySet()) {
                for (String value : h.getValue()) {
                    out.add(new Probe(f.name(), b, DEFAULT_SOURCE, tls, null, proxyV1, "GET", "/", "www.test",
                            Map.of(h.getKey(), value)));
                }
            }
            for (String src : v.sources) {
                out.add(new Probe(f.name(), b, src, tls, null, proxyV1, "GET", "/", "www.test", Map.of()));
            }
            Random r = new Random(seed + b);
            List<String> paths = new ArrayList<>(v.paths);
            List<String> hosts = new ArrayList<>(v.hosts);
            List<String> sources = new ArrayList<>(v.sources);
            List<String> methods = new ArrayList<>(v.methods);
            for (int i = 0; i < RANDOM_MIXES; i++) {
                Map<String, String> headers = new LinkedHashMap<>();
                for (Map.Entry<String, List<String>> h : v.headers.entrySet()) {
                    if (r.nextBoolean()) {
                        headers.put(h.getKey(), h.getValue().get(r.nextInt(h.getValue().size())));
                    }
                }
                String host = hosts.get(r.nextInt(hosts.size()));
                out.add(new Probe(f.name(), b, sources.get(r.nextInt(sources.size())), tls, tls ? sniOf(host) : null,
                        proxyV1, methods.get(r.nextInt(methods.size())), paths.get(r.nextInt(paths.size())), host,
                        headers));
            }
        }
        return out;
    }

    private static String sniOf(String host) {
        String h = host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        return h.matches("[A-Za-z0-9.-]+") && h.contains(".") && !h.endsWith(".") ? h.toLowerCase(Locale.ROOT) : null;
    }

    /** Candidate values of each request part. */
    private static final class Values {
        final Set<String> paths = new LinkedHashSet<>(List.of("/", "/index.html", "/a/b/c.txt"));
        final Set<String> hosts = new LinkedHashSet<>(List.of("www.test"));
        final Set<String> methods = new LinkedHashSet<>(List.of("GET", "POST"));
        final Map<String, List<String>> headers = new LinkedHashMap<>();
        final Set<String> sources = new LinkedHashSet<>(List.of(DEFAULT_SOURCE, "127.51.100.77"));
    }

    private static Values values(HaproxyConfig cfg, CfgSection s) {
        Values v = new Values();
        List<AclExpr> exprs = new ArrayList<>();
        List<CfgLine> lines = new ArrayList<>();
        CfgSection d = parent(cfg, s);
        if (d != null) {
            lines.addAll(d.lines());
        }
        lines.addAll(s.lines());
        for (CfgLine l : lines) {
            try {
                if (l.keyword().equals("acl") && l.size() > 2) {
                    exprs.add(AclExpr.parse(l.words().subList(2, l.size())));
                }
                int cond = Math.max(l.words().indexOf("if"), l.words().indexOf("unless"));
                if (cond > 0) {
                    RuleCondition c = RuleCondition.parse(l.words().subList(cond, l.size()));
                    c.anyOf().forEach(g -> g.forEach(t -> {
                        if (t.inline() != null) {
                            exprs.add(t.inline());
                        }
                    }));
                }
            } catch (IllegalArgumentException e) {
                // the importer reports it; the plan just has fewer values
            }
        }
        for (AclExpr e : exprs) {
            String fetch = e.fetch();
            if ("found".equals(e.method()) && !e.args().isEmpty() && fetch.contains("hdr")) {
                v.headers.computeIfAbsent(e.args().get(0), k -> new ArrayList<>(List.of("nomatch"))).add("1");
            }
            for (String value : e.values()) {
                if (fetch.startsWith("cook") || fetch.startsWith("req.cook")) {
                    String name = e.args().isEmpty() ? "c" : e.args().get(0);
                    List<String> vs = v.headers.computeIfAbsent("Cookie", k -> new ArrayList<>(List.of("other=1")));
                    vs.add(name + "=" + value);
                    vs.add(name + "=" + value + "x");
                    vs.add("a=b; " + name + "=" + value.toUpperCase(Locale.ROOT));
                    continue;
                }
                if (fetch.startsWith("url_param") || fetch.startsWith("urlp")) {
                    String name = e.args().isEmpty() ? "p" : e.args().get(0);
                    v.paths.add("/search?" + name + "=" + value);
                    v.paths.add("/search?x=1&" + name + "=" + value.toUpperCase(Locale.ROOT));
                    v.paths.add("/search?" + name + "x=" + value);
                    continue;
                }
                if (fetch.startsWith("src")) {
                    String inside = inside(value);
                    if (inside != null) {
                        v.sources.add(inside);
                    }
                } else if (fetch.startsWith("path") || fetch.startsWith("url")) {
                    path(v, fetch, value);
                } else if (fetch.startsWith("hdr") || fetch.startsWith("req.hdr") || fetch.contains("ssl_sni")
                        || fetch.startsWith("ssl_fc_sni")) {
                    String name = e.args().isEmpty() ? "host" : e.args().get(0).toLowerCase(Locale.ROOT);
                    if (name.equals("host") || fetch.contains("ssl_sni") || fetch.startsWith("ssl_fc_sni")) {
                        host(v, value);
                    } else {
                        List<String> vs = v.headers.computeIfAbsent(e.args().get(0), k -> new ArrayList<>(List.of("nomatch")));
                        vs.add(value);
                        vs.add(value.toUpperCase(Locale.ROOT));
                    }
                } else if (fetch.equals("method")) {
                    v.methods.add(value);
                }
            }
        }
        return v;
    }

    private static void path(Values v, String fetch, String value) {
        String p = value.replace("(?i)", "").replaceAll("^\\^", "").replaceAll("\\$$", "").replace("\\.", ".")
                .replace(".*", "x");
        if (fetch.endsWith("_end") || (p.startsWith(".") && !p.startsWith("./"))) {
            v.paths.add("/file" + p);
            v.paths.add("/file" + p.toUpperCase(Locale.ROOT));
            v.paths.add("/file" + p + "x");
            return;
        }
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        v.paths.add(p);
        v.paths.add(p + "x");
        v.paths.add(p + "/deeper?q=1");
        v.paths.add(p.toUpperCase(Locale.ROOT));
        if (p.length() > 2) {
            v.paths.add(p.substring(0, p.length() - 1));
        }
    }

    private static void host(Values v, String value) {
        String h = value.startsWith(".") ? "www" + value : value;
        v.hosts.add(h);
        v.hosts.add(h.toUpperCase(Locale.ROOT));
        v.hosts.add(h + ":8080");
        v.hosts.add("x." + h);
        v.hosts.add(h + ".other.test");
        if (value.startsWith(".")) {
            v.hosts.add(value.substring(1));
        }
    }

    /** An address inside a network (the network's second address), or null when it is not IPv4. */
    static String inside(String cidr) {
        int slash = cidr.indexOf('/');
        byte[] b = Cidr.literal(slash < 0 ? cidr : cidr.substring(0, slash));
        if (b == null || b.length != 4) {
            return null;
        }
        if (slash >= 0) {
            Cidr c;
            try {
                c = Cidr.parse(cidr);
            } catch (IllegalArgumentException e) {
                return null;
            }
            b = c.network();
            if (c.prefix() < 32) {
                b[3] |= 1;
            }
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
