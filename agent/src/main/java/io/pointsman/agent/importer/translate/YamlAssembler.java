package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.SectionKind;
import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.agent.importer.yaml.YNode;
import io.pointsman.agent.importer.yaml.YScalar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settled drafts → proxy.yaml. Every value carries a comment with the haproxy.cfg line it
 * came from. Values every proxy shares (mode, timeouts, retries, redispatch, balance) move
 * up into {@code defaults:}, as they usually came from HAProxy's defaults section. A listen
 * that routes with acls becomes a frontend and a backend of its name (a proxy.yaml listen is
 * a port map).
 */
final class YamlAssembler {
    private static final List<String> FRONT_TIMEOUTS = List.of("client", "http_request", "http_keep_alive", "client_fin");
    private static final List<String> BACK_TIMEOUTS = List.of("connect", "server", "queue", "check", "tunnel",
            "server_fin");

    private final Translation t;
    private final GlobalKeywords.Settings global;
    private final List<ProxyDraft> drafts;
    private final Map<ProxyDraft, String> unusable;
    private final Set<ProxyDraft> backendOnly;
    private final Map<ProxyDraft, AclBook> books;
    private final Map<ProxyDraft, List<ProxyDraft.EmittedRule>> rules;
    private final String file;
    private final Map<ProxyDraft, Sourced<String>> defaults;
    private final Map<ProxyDraft, Boolean> forwardfor;
    private final ProxyDraft statsProxy;
    private final Map<ProxyDraft, Translator.RulesOut> rulesYaml;
    private final List<YMap> userlists;
    /** For a frontend that takes forwardfor from its backends: their options, when they all have the same. */
    final Map<ProxyDraft, YMap> forwardforOptionsOfTargets = new java.util.HashMap<>();
    /** global.resolvers, from the resolvers section the servers use; null when none. */
    Sourced<YMap> resolvers;
    private final List<RouteCaseGenerator.Frontend> routes = new ArrayList<>();

    /** One entry of frontends/backends/listens with the proxy it came from. */
    private record Entry(YMap map, ProxyDraft draft, String list) {
    }

    YamlAssembler(Translation t, GlobalKeywords.Settings global, List<ProxyDraft> drafts, Map<ProxyDraft, String> unusable,
            Set<ProxyDraft> backendOnly, Map<ProxyDraft, AclBook> books, Map<ProxyDraft, List<ProxyDraft.EmittedRule>> rules, Map<ProxyDraft, Sourced<String>> defaults,
            Map<ProxyDraft, Boolean> forwardfor, ProxyDraft statsProxy, Map<ProxyDraft, Translator.RulesOut> rulesYaml,
            List<YMap> userlists) {
        this.t = t;
        this.global = global;
        this.drafts = drafts;
        this.unusable = unusable;
        this.backendOnly = backendOnly;
        this.books = books;
        this.rules = rules;
        this.defaults = defaults;
        this.forwardfor = forwardfor;
        this.statsProxy = statsProxy;
        this.rulesYaml = rulesYaml;
        this.userlists = userlists;
        this.file = t.config.file();
    }

    RouteCaseGenerator.Input routes() {
        return new RouteCaseGenerator.Input(routes);
    }

    YMap assemble() {
        YMap root = new YMap();
        root.put("version", 1);
        YMap g = globalSection();
        if (!g.isEmpty()) {
            root.put("global", g, file + ": global");
        }
        List<Entry> entries = new ArrayList<>();
        for (ProxyDraft d : drafts) {
            if (d == statsProxy) {
                continue;
            }
            String why = unusable.get(d);
            if (why != null) {
                t.outcomes.add(d.section.header(), LineOutcomes.Kind.NOT_TRANSLATED, d.label() + " is left out: " + why, null);
                continue;
            }
            switch (d.kind) {
                case FRONTEND -> entries.add(new Entry(frontend(d, null), d, "frontends"));
                case BACKEND -> entries.add(new Entry(backend(d), d, "backends"));
                default -> listen(d, entries);
            }
        }
        YMap defaultsMap = hoist(entries);
        if (!defaultsMap.isEmpty()) {
            root.put("defaults", defaultsMap, "what every proxy below shares (HAProxy's defaults section, mostly)");
        }
        if (!userlists.isEmpty()) {
            YList l = new YList();
            userlists.forEach(u -> l.add(u));
            root.put("userlists", l);
        }
        if (statsProxy != null) {
            root.put("stats", stats(statsProxy), at(statsProxy.section.header()) + ": " + statsProxy.label());
        }
        for (String list : List.of("frontends", "backends", "listens")) {
            YList l = new YList();
            for (Entry e : entries) {
                if (e.list().equals(list)) {
                    l.add(e.map(), at(e.draft().section.header()) + ": " + e.draft().label()
                            + (e.draft().kind == SectionKind.LISTEN && !list.equals("listens")
                            ? " (its " + (list.equals("frontends") ? "frontend" : "backend") + " half)" : ""));
                }
            }
            if (!l.isEmpty()) {
                root.put(list, l);
            }
        }
        return root;
    }

    private YMap globalSection() {
        YMap g = new YMap();
        if (global.maxconn() != null) {
            g.put("maxconn", global.maxconn().value(), at(global.maxconn().line()));
        }
        if (global.threads() != null) {
            g.put("threads", global.threads().value(), at(global.threads().line()));
        }
        List<ProxyDraft> nolinger = drafts.stream().filter(d -> d.nolinger != null && d.nolinger.value()).toList();
        if (!nolinger.isEmpty()) {
            CfgLine line = nolinger.get(0).nolinger.line();
            g.put("nolinger", true, at(line) + ": option nolinger");
            long traffic = drafts.stream().filter(d -> d != statsProxy).count();
            if (nolinger.size() < traffic) {
                t.outcomes.add(line, LineOutcomes.Kind.NOTE, "Pointsman's nolinger applies to every proxy, not only to "
                        + nolinger.get(0).label(), null);
            }
        }
        if (global.hardStopAfter() != null) {
            g.put("hard_stop_after", global.hardStopAfter().value(), at(global.hardStopAfter().line()));
        }
        if (resolvers != null && !resolvers.value().isEmpty()) {
            g.put("resolvers", resolvers.value(), at(resolvers.line()) + ": resolvers " + resolvers.line().word(1));
        }
        if (global.tlsDefaults() != null) {
            YMap m = new YMap();
            global.tlsDefaults().value().putPolicy(m);
            g.put("tls_defaults", m, at(global.tlsDefaults().line()) + ": ssl-default-bind-*");
        }
        if (global.serverTlsDefaults() != null) {
            YMap m = new YMap();
            global.serverTlsDefaults().value().putPolicy(m);
            g.put("server_tls_defaults", m, at(global.serverTlsDefaults().line()) + ": ssl-default-server-*");
        }
        if (!global.log().isEmpty()) {
            YList targets = new YList();
            for (Sourced<YMap> target : global.log()) {
                targets.add(target.value(), at(target.line()));
            }
            g.put("log", targets);
        }
        return g;
    }

    private void listen(ProxyDraft d, List<Entry> entries) {
        if (backendOnly.contains(d)) {
            entries.add(new Entry(backend(d), d, "backends"));
            return;
        }
        boolean routes = !rules.getOrDefault(d, List.of()).isEmpty() || defaults.containsKey(d)
                || !books.get(d).emitted().isEmpty();
        boolean servers = !d.servers.isEmpty();
        if (!routes && servers) {
            YMap m = frontendPart(d, d.name, new YMap());
            backendPart(d, m);
            rules(d, m, true);
            entries.add(new Entry(m, d, "listens"));
            routes(d, d.name, d.name);
            return;
        }
        if (!routes) {
            t.outcomes.add(d.section.header(), LineOutcomes.Kind.NOT_TRANSLATED, d.label()
                    + " is left out: no server Pointsman can use and no backend to route to", null);
            return;
        }
        entries.add(new Entry(frontend(d, servers && !defaults.containsKey(d) ? d.name : null), d, "frontends"));
        if (servers) {
            entries.add(new Entry(backend(d), d, "backends"));
        }
    }

    // ---- frontends

    private YMap frontend(ProxyDraft d, String ownBackend) {
        YMap m = new YMap();
        frontendPart(d, d.name, m);
        AclBook book = books.get(d);
        if (book != null && !book.emitted().isEmpty()) {
            YList acls = new YList();
            for (AclBook.Emitted e : book.emitted()) {
                acls.add(e.matcher().toYaml(e.name()), e.lines().isEmpty() ? "HAProxy's predefined acl " + e.name()
                        : at(e.lines()));
            }
            m.put("acl", acls);
        }
        List<ProxyDraft.EmittedRule> rs = rules.getOrDefault(d, List.of());
        if (!rs.isEmpty()) {
            YList l = new YList();
            for (ProxyDraft.EmittedRule r : rs) {
                l.add(r.yaml(), at(r.source().line()));
            }
            m.put("use_backend", l);
        }
        Sourced<String> def = defaults.get(d);
        String defaultName = def != null ? def.value() : ownBackend;
        if (def != null) {
            m.put("default_backend", def.value(), at(def.line()));
        } else if (ownBackend != null) {
            m.put("default_backend", ownBackend, "the listen's own servers");
        }
        rules(d, m, true);
        routes(d, d.name, defaultName);
        return m;
    }

    /** http_request, http_response, tcp_request and errorfiles of a proxy (or of a listen's frontend half). */
    private void rules(ProxyDraft d, YMap m, boolean frontendHalf) {
        Translator.RulesOut r = rulesYaml.get(d);
        if (r == null) {
            return;
        }
        put(m, "http_request", r.httpRequest());
        put(m, "http_response", r.httpResponse());
        if (frontendHalf) {
            put(m, "tcp_request", r.tcpRequest());
        }
        if (!r.errorfiles().isEmpty()) {
            m.put("errorfiles", r.errorfiles());
        }
    }

    private void put(YMap m, String key, List<Sourced<YMap>> rules) {
        if (rules.isEmpty()) {
            return;
        }
        YList l = new YList();
        for (Sourced<YMap> rule : rules) {
            l.add(rule.value(), at(rule.line()));
        }
        m.put(key, l);
    }

    /** A backend's own acls (those its rules use). */
    private void backendAcls(ProxyDraft d, YMap m) {
        AclBook book = books.get(d);
        if (book != null && !book.emitted().isEmpty()) {
            YList acls = new YList();
            for (AclBook.Emitted e : book.emitted()) {
                acls.add(e.matcher().toYaml(e.name()), e.lines().isEmpty() ? "HAProxy's predefined acl " + e.name()
                        : at(e.lines()));
            }
            m.put("acl", acls);
        }
    }

    private void routes(ProxyDraft d, String frontend, String defaultBackend) {
        List<PmMatcher> matchers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        AclBook book = books.get(d);
        if (book != null) {
            for (AclBook.Emitted e : book.emitted()) {
                matchers.add(e.matcher());
                names.add(e.name());
            }
        }
        List<Integer> ruleLines = new ArrayList<>();
        List<String> ruleBackends = new ArrayList<>();
        for (ProxyDraft.EmittedRule r : rules.getOrDefault(d, List.of())) {
            ruleLines.add(r.source().line().number());
            ruleBackends.add(r.source().backend());
        }
        Sourced<String> def = defaults.get(d);
        routes.add(new RouteCaseGenerator.Frontend(frontend, d.effectiveMode(), names, matchers, ruleLines, ruleBackends,
                defaultBackend, def != null ? def.line().number() : d.section.header().number()));
    }

    private YMap frontendPart(ProxyDraft d, String name, YMap m) {
        m.put("name", name);
        m.put("mode", d.effectiveMode(), d.mode == null ? "HAProxy's default mode" : at(d.mode.line()));
        // One TLS for every bind is said once, on the frontend; else each TLS bind carries its own.
        Set<String> tlsKeys = new LinkedHashSet<>();
        boolean plain = false;
        for (ProxyDraft.BindDraft b : d.binds) {
            if (b.tls() == null) {
                plain = true;
            } else {
                tlsKeys.add(b.tls().key());
            }
        }
        boolean shared = !plain && tlsKeys.size() == 1;
        YList binds = new YList();
        Set<CfgLine> bindLines = new LinkedHashSet<>();
        for (ProxyDraft.BindDraft b : d.binds) {
            if (b.tls() == null || shared) {
                binds.add(b.address());
            } else {
                binds.add(new YMap().put("address", b.address()).put("tls", b.tls().toYaml()), at(b.line())
                        + ": ssl crt …");
            }
            bindLines.add(b.line());
        }
        m.put("bind", binds, at(new ArrayList<>(bindLines)));
        if (shared) {
            m.put("tls", d.binds.get(0).tls().toYaml(), at(d.binds.get(0).line())
                    + ": ssl crt … (the key is read from the crt file)");
        }
        if (d.maxconn != null) {
            m.put("maxconn", d.maxconn.value(), at(d.maxconn.line()));
        }
        if (forwardfor.getOrDefault(d, false)) {
            CfgLine src = d.forwardfor != null && d.forwardfor.value() ? d.forwardfor.line() : null;
            YMap options = src != null ? d.forwardforOptions : forwardforOptionsOfTargets.get(d);
            String comment = src != null ? at(src) + ": option forwardfor" : "option forwardfor of every backend it routes to";
            if (options == null || options.isEmpty()) {
                m.put("forwardfor", true, comment);
            } else {
                m.put("forwardfor", options, comment);
            }
        }
        if (!d.binds.isEmpty() && d.binds.get(0).acceptProxy()) {
            m.put("accept_proxy", true, at(d.binds.get(0).line()) + ": accept-proxy");
        }
        for (Map.Entry<String, Sourced<Object>> e : d.logging.entrySet()) {
            m.put(e.getKey(), YNode.of(e.getValue().value()), at(e.getValue().line()));
        }
        if (!d.captureRequest.isEmpty() || !d.captureResponse.isEmpty()) {
            YMap cap = new YMap();
            List<CfgLine> lines = new ArrayList<>();
            for (String side : List.of("request_headers", "response_headers")) {
                List<Sourced<String[]>> list = side.startsWith("request") ? d.captureRequest : d.captureResponse;
                if (list.isEmpty()) {
                    continue;
                }
                YList l = new YList();
                for (Sourced<String[]> h : list) {
                    l.add(new YMap().put("name", h.value()[0]).put("len", Integer.parseInt(h.value()[1])));
                    lines.add(h.line());
                }
                cap.put(side, l);
            }
            m.put("capture", cap, at(lines));
        }
        if (d.tcpkaFront != null && d.tcpkaFront.value()) {
            m.put("tcpka", true, at(d.tcpkaFront.line()));
        }
        timeouts(d, m, d.kind == SectionKind.LISTEN ? both() : FRONT_TIMEOUTS);
        return m;
    }

    private static List<String> both() {
        List<String> all = new ArrayList<>(FRONT_TIMEOUTS);
        all.addAll(BACK_TIMEOUTS);
        return all;
    }

    private void timeouts(ProxyDraft d, YMap m, List<String> keys) {
        YMap tm = new YMap();
        for (String k : keys) {
            Sourced<String> v = d.timeouts.get(k);
            if (v != null) {
                tm.put(k, v.value(), at(v.line()));
            }
        }
        if (!tm.isEmpty()) {
            m.put("timeout", tm);
        }
    }

    // ---- backends

    private YMap backend(ProxyDraft d) {
        YMap m = new YMap();
        m.put("name", d.name);
        m.put("mode", d.effectiveMode(), d.mode == null ? "HAProxy's default mode" : at(d.mode.line()));
        backendPart(d, m);
        if (d.kind == SectionKind.BACKEND || backendOnly.contains(d)) {
            backendAcls(d, m);
            rules(d, m, false);
        }
        return m;
    }

    private void backendPart(ProxyDraft d, YMap m) {
        m.put("balance", d.balance == null ? "roundrobin" : d.balance.value(),
                d.balance == null ? "HAProxy's default" : at(d.balance.line()));
        List<ProxyDraft.ServerDraft> checked = d.servers.stream().filter(s -> s.check).toList();
        if (!checked.isEmpty()) {
            ProxyDraft.ServerDraft timing = checked.get(0);
            String common = null;
            java.util.Map<String, Integer> counts = new LinkedHashMap<>();
            for (ProxyDraft.ServerDraft s : checked) {
                counts.merge(Translator.ServerTiming.of(s), 1, Integer::sum);
            }
            int best = 0;
            for (java.util.Map.Entry<String, Integer> e : counts.entrySet()) {
                if (e.getValue() > best) {
                    best = e.getValue();
                    common = e.getKey();
                }
            }
            for (ProxyDraft.ServerDraft s : checked) {
                if (Translator.ServerTiming.of(s).equals(common)) {
                    timing = s;
                    break;
                }
            }
            m.put("check", check(d, timing), checkComment(d));
        }
        ProxyDraft.ServerDraft slow = majority(d.servers, s -> String.valueOf(s.slowstartMs));
        if (slow != null && slow.slowstartMs != null) {
            m.put("slowstart", HaproxyValues.duration(Duration.ofMillis(slow.slowstartMs)), at(slow.line) + ": slowstart");
        }
        ProxyDraft.ServerDraft down = majority(d.servers, s -> String.valueOf(s.onMarkedDown));
        if (down != null && down.onMarkedDown != null) {
            m.put("on_marked_down", down.onMarkedDown, at(down.line) + ": on-marked-down");
        }
        if (d.logHealthChecks != null && d.logHealthChecks.value()) {
            m.put("log_health_checks", true, at(d.logHealthChecks.line()));
        }
        if (d.tcpkaBack != null && d.tcpkaBack.value() && !(d.kind == SectionKind.LISTEN && m.has("tcpka"))) {
            m.put("tcpka", true, at(d.tcpkaBack.line()));
        }
        if (d.serverTls != null) {
            m.put(d.kind == SectionKind.LISTEN && m.has("bind") ? "server_tls" : "tls",
                    TlsOptions.serverYaml(d.serverTls.value(), t.serverVerify), at(d.serverTls.line()) + ": ssl …");
        }
        String sendProxy = d.servers.isEmpty() ? "none" : d.servers.get(0).sendProxy;
        if (!sendProxy.equals("none")) {
            m.put("send_proxy", sendProxy, at(d.servers.get(0).line) + ": send-proxy" + (sendProxy.equals("v2") ? "-v2" : ""));
        }
        if (d.kind == SectionKind.BACKEND) {
            timeouts(d, m, BACK_TIMEOUTS);
        }
        m.put("retries", d.retries == null ? 3 : d.retries.value(), d.retries == null ? "HAProxy's default" : at(d.retries.line()));
        m.put("redispatch", d.redispatch != null && d.redispatch.value(), d.redispatch == null
                ? "HAProxy's default: no option redispatch" : at(d.redispatch.line()));
        if (d.httpReuse != null && "http".equals(d.effectiveMode())) {
            m.put("http_reuse", d.httpReuse.value(), at(d.httpReuse.line()));
        }
        if (d.retryOn != null) {
            boolean http = "http".equals(d.effectiveMode());
            YList events = new YList();
            List<String> dropped = new ArrayList<>();
            for (String e : d.retryOn.value()) {
                if (http || e.equals("conn_failure") || e.equals("none")) {
                    events.add(e);
                } else {
                    dropped.add(e);
                }
            }
            if (!dropped.isEmpty()) {
                t.outcomes.add(d.retryOn.line(), LineOutcomes.Kind.NOTE, "in mode tcp (" + d.label() + ") only"
                        + " connect failures are retried: " + String.join(", ", dropped) + " left out", null);
            }
            if (!events.isEmpty()) {
                m.put("retry_on", events, at(d.retryOn.line()));
            }
        }
        if (d.abortonclose != null && d.abortonclose.value()) {
            m.put("abortonclose", true, at(d.abortonclose.line()));
        }
        YList servers = new YList();
        for (ProxyDraft.ServerDraft s : d.servers) {
            if (s.templateCount != null) {
                YMap tm = new YMap().put("prefix", s.name).put("count", s.templateCount).put("address", s.address);
                if (s.weight != null && s.weight != 1) {
                    tm.put("weight", s.weight);
                }
                if (s.check) {
                    tm.put("check", true);
                }
                if (s.maxconn != null && s.maxconn > 0) {
                    tm.put("maxconn", s.maxconn);
                }
                if (s.backup) {
                    tm.put("backup", true);
                }
                m.put("server_template", tm, at(s.line) + ": server-template");
                continue;
            }
            YMap sm = new YMap().put("name", s.name).put("address", s.address);
            if (s.weight != null && s.weight != 1) {
                sm.put("weight", s.weight);
            }
            if (s.check) {
                sm.put("check", true);
            }
            if (s.backup) {
                sm.put("backup", true);
            }
            if (s.maxconn != null && s.maxconn > 0) {
                sm.put("maxconn", s.maxconn);
            }
            if (s.maxqueue != null && s.maxqueue > 0) {
                sm.put("maxqueue", s.maxqueue);
            }
            if (s.disabled) {
                sm.put("disabled", true);
            }
            if (d.serverTls != null && !s.tls.on()) {
                sm.put("tls", false);
            }
            servers.add(sm, at(s.line));
        }
        if (!servers.isEmpty() || !m.has("server_template")) {
            m.put("servers", servers);
        }
    }

    /** The first server with the value most servers have (ties: the first seen). */
    private static ProxyDraft.ServerDraft majority(List<ProxyDraft.ServerDraft> servers,
            java.util.function.Function<ProxyDraft.ServerDraft, String> key) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (ProxyDraft.ServerDraft s : servers) {
            counts.merge(key.apply(s), 1, Integer::sum);
        }
        String best = null;
        int n = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > n) {
                best = e.getKey();
                n = e.getValue();
            }
        }
        for (ProxyDraft.ServerDraft s : servers) {
            if (key.apply(s).equals(best)) {
                return s;
            }
        }
        return null;
    }

    private YMap check(ProxyDraft d, ProxyDraft.ServerDraft timing) {
        ProxyDraft.CheckDraft k = d.check;
        YMap c = new YMap();
        boolean script = k.tcpCheck != null && !k.script.isEmpty() && k.scriptBroken == null;
        String type = k.unsupported != null ? "tcp" : k.tcpCheck != null ? (script ? "script" : "tcp")
                : k.type == null ? "tcp" : k.type.value();
        c.put("type", type);
        if (type.equals("http")) {
            if (k.method != null && !k.method.value().equals("GET")) {
                c.put("method", k.method.value());
            }
            c.put("path", k.path == null ? "/" : k.path.value());
            if (k.version != null && !k.version.value().equals("HTTP/1.1")) {
                c.put("version", k.version.value());
            }
            if (k.host != null) {
                c.put("host", k.host.value());
            }
            if (!k.headers.isEmpty()) {
                YMap h = new YMap();
                k.headers.forEach(h::put);
                c.put("headers", h);
            }
            if (k.expectStatus != null) {
                c.put("expect_status", k.expectStatus.value());
            }
            if (k.expectBody != null) {
                c.put("expect_body", k.expectBody.value());
            }
            if (k.expectBodyReg != null) {
                c.put("expect_body_reg", k.expectBodyReg.value());
            }
            if (k.disableOn404 != null) {
                c.put("disable_on_404", true);
            }
        }
        if (type.equals("smtp") && k.method != null) {
            c.put("method", k.method.value());
        }
        if ((type.equals("smtp")) && k.host != null) {
            c.put("host", k.host.value());
        }
        if ((type.equals("mysql") || type.equals("pgsql")) && k.user != null) {
            c.put("user", k.user.value());
        }
        if (script) {
            YList steps = new YList();
            for (Sourced<String[]> step : k.script) {
                steps.add(new YMap().put(step.value()[0], step.value()[1]));
            }
            c.put("script", steps);
        }
        Integer port = timing.checkPort != null ? timing.checkPort : k.port != null ? k.port.value() : null;
        if (port != null) {
            c.put("port", port);
        }
        if (timing.interMs != 2000) {
            c.put("interval", HaproxyValues.duration(Duration.ofMillis(timing.interMs)));
        }
        if (timing.fastinterMs != null) {
            c.put("fast_interval", HaproxyValues.duration(Duration.ofMillis(timing.fastinterMs)));
        }
        if (timing.downinterMs != null) {
            c.put("down_interval", HaproxyValues.duration(Duration.ofMillis(timing.downinterMs)));
        }
        if (timing.rise != 2) {
            c.put("rise", timing.rise);
        }
        if (timing.fall != 3) {
            c.put("fall", timing.fall);
        }
        if (d.serverTls != null && d.plainChecks) {
            c.put("tls", false);
        }
        return c;
    }

    private String checkComment(ProxyDraft d) {
        List<CfgLine> lines = new ArrayList<>();
        if (d.check.type != null) {
            lines.add(d.check.type.line());
        }
        if (d.check.expectStatus != null) {
            lines.add(d.check.expectStatus.line());
        }
        return lines.isEmpty() ? "servers with 'check'" : at(lines);
    }

    // ---- stats

    private YMap stats(ProxyDraft d) {
        ProxyDraft.StatsDraft s = d.stats;
        YMap m = new YMap();
        ProxyDraft.BindDraft bind = d.binds.get(0);
        m.put("bind", bind.address(), at(bind.line()));
        String uri = s.uri == null ? "/haproxy?stats" : s.uri.value();
        if (uri.contains("?")) {
            uri = uri.substring(0, uri.indexOf('?'));
        }
        if (uri.isEmpty()) {
            uri = "/";
        }
        m.put("uri", uri, s.uri == null ? "HAProxy's default: /haproxy?stats" : at(s.uri.line()));
        if (s.refresh != null) {
            try {
                m.put("refresh", HaproxyValues.duration(HaproxyValues.time(s.refresh.value())), at(s.refresh.line()));
            } catch (IllegalArgumentException e) {
                // Reported as an error when the stats proxy was settled: nothing is written.
            }
        }
        if (!s.auth.isEmpty()) {
            String[] ua = s.auth.get(0).value();
            m.put("auth", new YMap().put("user", ua[0]).put("password", "${env:POINTSMAN_STATS_PASSWORD:-" + ua[1] + "}"),
                    at(s.auth.get(0).line()) + ": set POINTSMAN_STATS_PASSWORD on the nodes, then drop the default");
            if (s.admin != null) {
                m.put("admin", true, at(s.admin) + ": stats admin");
            }
        }
        return m;
    }

    // ---- defaults

    /**
     * Moves values up into {@code defaults:}: for each key, the value most proxies have,
     * when more than half of the proxies it concerns have it. Proxies with that value drop
     * their own; the others keep theirs. Every proxy states mode, retries, redispatch and
     * balance, so moving those changes nothing; a proxy without a timeout gets the defaults'
     * value in place of Pointsman's built-in one (HAProxy had none: the report says so).
     */
    private static YMap hoist(List<Entry> entries) {
        YMap out = new YMap();
        hoistKey(entries, out, "mode", e -> true);
        YMap timeouts = new YMap();
        for (String k : FRONT_TIMEOUTS) {
            hoistTimeout(entries, timeouts, k, e -> !e.list().equals("backends"));
        }
        for (String k : BACK_TIMEOUTS) {
            hoistTimeout(entries, timeouts, k, e -> !e.list().equals("frontends"));
        }
        if (!timeouts.isEmpty()) {
            out.put("timeout", timeouts);
        }
        hoistKey(entries, out, "retries", e -> !e.list().equals("frontends"));
        hoistKey(entries, out, "redispatch", e -> !e.list().equals("frontends"));
        hoistKey(entries, out, "balance", e -> !e.list().equals("frontends"));
        // Absent means Pointsman's default, which is HAProxy's: these move up only when every backend agrees.
        for (String key : List.of("http_reuse", "retry_on", "abortonclose")) {
            hoistUnanimous(entries, out, key, e -> !e.list().equals("frontends"));
        }
        return out;
    }

    private static void hoistKey(List<Entry> entries, YMap out, String key, java.util.function.Predicate<Entry> concerns) {
        Map<Object, List<Entry>> byValue = new LinkedHashMap<>();
        int n = 0;
        for (Entry e : entries) {
            if (!concerns.test(e) || !e.map().has(key)) {
                continue;
            }
            n++;
            byValue.computeIfAbsent(((YScalar) e.map().get(key)).value(), k -> new ArrayList<>()).add(e);
        }
        Map.Entry<Object, List<Entry>> best = null;
        for (Map.Entry<Object, List<Entry>> v : byValue.entrySet()) {
            if (best == null || v.getValue().size() > best.getValue().size()) {
                best = v;
            }
        }
        if (best == null || best.getValue().size() * 2 <= n) {
            return;
        }
        String comment = best.getValue().get(0).map().entry(key).comment();
        out.put(key, YNode.of(best.getKey()), comment);
        for (Entry e : best.getValue()) {
            e.map().remove(key);
        }
    }

    private static void hoistUnanimous(List<Entry> entries, YMap out, String key,
            java.util.function.Predicate<Entry> concerns) {
        String value = null;
        String comment = null;
        int n = 0;
        for (Entry e : entries) {
            if (!concerns.test(e)) {
                continue;
            }
            n++;
            YMap.Entry x = e.map().entry(key);
            if (x == null) {
                return;
            }
            String v = io.pointsman.agent.importer.yaml.YamlText.write(new YMap().put(key, x.value()));
            if (value != null && !value.equals(v)) {
                return;
            }
            value = v;
            comment = comment == null ? x.comment() : comment;
        }
        if (n < 2) {
            return;
        }
        YNode first = null;
        for (Entry e : entries) {
            if (concerns.test(e)) {
                first = first == null ? e.map().get(key) : first;
                e.map().remove(key);
            }
        }
        out.put(key, first, comment);
    }

    private static void hoistTimeout(List<Entry> entries, YMap out, String key, java.util.function.Predicate<Entry> concerns) {
        Map<Object, List<Entry>> byValue = new LinkedHashMap<>();
        int n = 0;
        for (Entry e : entries) {
            if (!concerns.test(e)) {
                continue;
            }
            n++;
            YNode tm = e.map().get("timeout");
            if (tm instanceof YMap t && t.has(key)) {
                byValue.computeIfAbsent(((YScalar) t.get(key)).value(), k -> new ArrayList<>()).add(e);
            }
        }
        Map.Entry<Object, List<Entry>> best = null;
        for (Map.Entry<Object, List<Entry>> v : byValue.entrySet()) {
            if (best == null || v.getValue().size() > best.getValue().size()) {
                best = v;
            }
        }
        if (best == null || best.getValue().size() * 2 <= n) {
            return;
        }
        YMap first = (YMap) best.getValue().get(0).map().get("timeout");
        out.put(key, YNode.of(best.getKey()), first.entry(key).comment());
        for (Entry e : best.getValue()) {
            YMap tm = (YMap) e.map().get("timeout");
            tm.remove(key);
            if (tm.isEmpty()) {
                e.map().remove("timeout");
            }
        }
    }

    // ---- comments

    private String at(CfgLine line) {
        return line == null ? file : file + ":" + line.number();
    }

    private String at(List<CfgLine> lines) {
        Set<Integer> numbers = new TreeSet<>();
        for (CfgLine l : lines) {
            numbers.add(l.number());
        }
        List<String> parts = new ArrayList<>();
        for (Integer n : numbers) {
            parts.add(Integer.toString(n));
        }
        return numbers.isEmpty() ? file : file + ":" + String.join(",", parts);
    }
}
