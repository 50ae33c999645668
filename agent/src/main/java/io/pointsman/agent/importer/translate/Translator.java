package io.pointsman.agent.importer.translate;

import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import io.pointsman.agent.importer.haproxy.SectionKind;
import io.pointsman.agent.importer.report.Finding;
import io.pointsman.agent.importer.yaml.YList;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.proxy.config.HostPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * haproxy.cfg (parsed) → proxy.yaml (as a {@link YMap}) and the report. The steps:
 * <ol>
 *   <li>{@code global} ({@link GlobalKeywords}); sections Pointsman has no counterpart for
 *       are reported once, on their first line;</li>
 *   <li>each frontend, backend and listen: its lines, defaults included ({@link ProxyView}),
 *       each through its keyword's handler ({@link KeywordTable}) into a {@link ProxyDraft};</li>
 *   <li>backends settled: servers, per-backend check timing and PROXY protocol, whether
 *       anything is left to route to;</li>
 *   <li>the stats page: a proxy that only serves it becomes {@code stats:};</li>
 *   <li>frontends settled: binds, TLS, acls and conditions ({@link AclBook},
 *       {@link ConditionTranslator}), rules to backends that made it;</li>
 *   <li>proxy.yaml assembled ({@link YamlAssembler}), with every value's line in a comment.</li>
 * </ol>
 */
public final class Translator {
    private final Translation t;
    private final ProxyView view;
    private final Map<String, ProxyDraft> backendsByName = new LinkedHashMap<>();
    private final List<ProxyDraft> drafts = new ArrayList<>();
    /** Why a backend-side draft cannot be routed to; absent = it can. */
    private final Map<ProxyDraft, String> unusable = new HashMap<>();
    /** Listens with no address Pointsman can listen on: written as backends only. */
    private final Set<ProxyDraft> backendOnly = new HashSet<>();
    private final Map<ProxyDraft, AclBook> books = new HashMap<>();
    private final Map<ProxyDraft, List<ProxyDraft.EmittedRule>> rulesOut = new HashMap<>();
    private final Map<ProxyDraft, Sourced<String>> defaultOut = new HashMap<>();
    private final Map<ProxyDraft, Boolean> forwardfor = new HashMap<>();
    private final Map<ProxyDraft, YMap> forwardforOptionsOfTargets = new HashMap<>();
    private final Map<ProxyDraft, RulesOut> rulesYaml = new HashMap<>();
    /** acl name → why a rule using it was left out, per proxy. */
    private final Map<ProxyDraft, Map<String, String>> failedAcls = new HashMap<>();

    /** The crypt(3) hashes Pointsman checks (as RuleValidator accepts them): bcrypt and sha-crypt. */
    private static final java.util.regex.Pattern CRYPT_HASH = java.util.regex.Pattern.compile(
            "\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}"
                    + "|\\$[56]\\$(rounds=\\d{1,9}\\$)?[^$:\\n]{0,16}\\$[./A-Za-z0-9]{43}([./A-Za-z0-9]{43})?");

    /** A proxy's translated rules, per proxy.yaml key. */
    record RulesOut(List<Sourced<YMap>> httpRequest, List<Sourced<YMap>> httpResponse, List<Sourced<YMap>> tcpRequest,
            YMap errorfiles) {
    }
    private ProxyDraft statsProxy;

    private Translator(HaproxyConfig config, Path baseDir) {
        this.t = new Translation(config, baseDir);
        this.view = new ProxyView(config);
    }

    /** The result of one translation. */
    public record Result(YMap proxyYaml, List<Finding> findings, RouteCaseGenerator.Input routes) {
    }

    /**
     * @param baseDir haproxy.cfg's directory, for relative pattern files ({@code acl … -f FILE})
     */
    public static Result translate(HaproxyConfig config, Path baseDir) {
        Translator tr = new Translator(config, baseDir);
        return tr.run();
    }

    private Result run() {
        List<CfgLine> globalLines = new ArrayList<>();
        for (CfgSection s : t.config.sections()) {
            if (s.kind() == SectionKind.GLOBAL) {
                globalLines.addAll(s.lines());
                t.outcomes.add(s.header(), LineOutcomes.Kind.IN_SECTION, null, null);
            }
        }
        GlobalKeywords.Settings global = GlobalKeywords.translate(globalLines, t);
        otherSections();
        KeywordTable table = KeywordTable.proxies();
        for (CfgSection s : t.config.sections()) {
            if (!s.kind().isProxy()) {
                continue;
            }
            ProxyDraft d = new ProxyDraft(s);
            if (disabled(s)) {
                continue;
            }
            drafts.add(d);
            if (d.backendSide()) {
                backendsByName.put(d.name, d);
            }
            ProxyContext c = new ProxyContext(d, t);
            t.outcomes.add(s.header(), LineOutcomes.Kind.TRANSLATED, null, null);
            for (CfgLine line : view.lines(s)) {
                Handler h = table.lookup(line);
                if (h == null) {
                    c.notTranslated(line, "no Pointsman equivalent");
                } else {
                    h.handle(line, c);
                }
            }
        }
        for (ProxyDraft d : drafts) {
            if (d.backendSide()) {
                settleServers(d);
            }
        }
        // Before any rule names a backend: a template left out here may leave one without servers.
        Sourced<YMap> resolvers = resolvers();
        srvTemplatesNeedNameservers(resolvers);
        settleStats();
        settleAddresses();
        for (ProxyDraft d : drafts) {
            if (d.frontendSide()) {
                settleFrontend(d);
            }
        }
        for (ProxyDraft d : drafts) {
            settleRules(d);
        }
        for (ProxyDraft d : drafts) {
            AclBook book = books.get(d);
            if (book != null) {
                markAcls(d, book, failedAcls.getOrDefault(d, Map.of()));
            } else {
                markAcls(d, new AclBook(d.acls, new AclTranslator(t.baseDir), "http".equals(d.effectiveMode())));
            }
        }
        settleForwardfor();
        settleServerClose();
        missingTimeouts();
        YamlAssembler assembler = new YamlAssembler(t, global, drafts, unusable, backendOnly, books, rulesOut, defaultOut,
                forwardfor, statsProxy, rulesYaml, userlists());
        assembler.forwardforOptionsOfTargets.putAll(forwardforOptionsOfTargets);
        assembler.resolvers = resolvers;
        YMap yaml = assembler.assemble();
        List<Finding> findings = TranslationReport.findings(t, view);
        return new Result(yaml, findings, assembler.routes());
    }

    /** A proxy with {@code disabled} among its own lines is not started by HAProxy: left out whole. */
    private boolean disabled(CfgSection s) {
        for (CfgLine l : view.lines(s)) {
            if (l.keyword().equals("disabled")) {
                t.outcomes.add(s.header(), LineOutcomes.Kind.NOTE, s.label() + " is disabled (line " + l.number()
                        + "): HAProxy does not start it, so it is left out", null);
                t.outcomes.add(s.header(), LineOutcomes.Kind.TRANSLATED, null, null);
                for (CfgLine x : s.lines()) {
                    t.outcomes.add(x, LineOutcomes.Kind.IN_SECTION, null, null);
                }
                return true;
            }
        }
        return false;
    }

    private void otherSections() {
        for (CfgSection s : t.config.sections()) {
            String why = switch (s.kind()) {
                case GLOBAL, FRONTEND, BACKEND, LISTEN, USERLIST, RESOLVERS -> null;
                case DEFAULTS -> "";
                case PEERS -> "peers synchronise stick tables between HAProxy processes; Pointsman has no stick tables";
                case MAILERS -> "e-mail alerts have no Pointsman equivalent (SPEC §11 notifications)";
                case HTTP_ERRORS -> "http-errors sections have no Pointsman equivalent: write each page as an errorfile line";
                case CACHE -> "Pointsman does not cache responses";
                case PROGRAM -> "process management: run it as its own systemd unit";
                case RING -> "log rings are not supported by Pointsman (SPEC §10 log targets)";
                default -> "no Pointsman equivalent";
            };
            if (why == null) {
                continue;
            }
            if (s.kind() == SectionKind.DEFAULTS) {
                t.outcomes.add(s.header(), LineOutcomes.Kind.IN_SECTION, null, null);
                continue;
            }
            LineOutcomes.Kind kind = s.kind() == SectionKind.PROGRAM || s.kind() == SectionKind.PEERS
                    ? LineOutcomes.Kind.NOT_NEEDED : LineOutcomes.Kind.NOT_TRANSLATED;
            t.outcomes.add(s.header(), kind, why + (s.lines().isEmpty() ? "" : " (the section's " + s.lines().size()
                    + " line" + (s.lines().size() == 1 ? "" : "s") + " with it)"), null);
            for (CfgLine l : s.lines()) {
                t.outcomes.add(l, LineOutcomes.Kind.IN_SECTION, null, null);
            }
        }
    }

    // ---- backends

    private void settleServers(ProxyDraft d) {
        ProxyContext c = new ProxyContext(d, t);
        Map<String, ProxyDraft.ServerDraft> byAddress = new HashMap<>();
        Map<String, ProxyDraft.ServerDraft> byName = new HashMap<>();
        List<ProxyDraft.ServerDraft> usable = new ArrayList<>();
        for (ProxyDraft.ServerDraft s : d.servers) {
            if (s.failure != null) {
                c.notTranslated(s.line, s.failure);
                continue;
            }
            boolean hasPort = (s.templateCount != null && s.address.startsWith("_"))
                    || (!s.address.endsWith("]") && s.address.matches(".*:\\d+"));
            String templateProblem = s.templateCount == null ? null : templateProblem(d, c, s);
            if (templateProblem != null) {
                c.notTranslated(s.line, templateProblem);
                continue;
            }
            if (s.check && !hasPort && s.checkPort == null && d.check.port == null) {
                c.notTranslated(s.line, "a checked server without a port needs a check port ('port N'), as in HAProxy");
                continue;
            }
            if (byName.containsKey(s.name)) {
                c.error(s.line, "server name '" + s.name + "' is already used in " + d.label() + " (line "
                        + byName.get(s.name).line.number() + ")");
                continue;
            }
            byName.put(s.name, s);
            ProxyDraft.ServerDraft same = byAddress.putIfAbsent(s.address, s);
            if (same != null) {
                c.notTranslated(s.line, "same address as server '" + same.name + "' (line " + same.line.number()
                        + "): Pointsman keeps one server per address in a backend");
                continue;
            }
            usable.add(s);
        }
        // PROXY protocol is per backend in Pointsman: the servers' most common setting wins.
        String sendProxy = mostCommon(usable, s -> s.sendProxy);
        List<ProxyDraft.ServerDraft> kept = new ArrayList<>();
        for (ProxyDraft.ServerDraft s : usable) {
            if (!s.sendProxy.equals(sendProxy)) {
                c.notTranslated(s.line, "send-proxy " + s.sendProxy + " differs from the other servers' ("
                        + sendProxy + "): Pointsman sends the PROXY protocol per backend");
                continue;
            }
            kept.add(s);
        }
        settleServerTls(d, c, kept);
        // Check timing is per backend in Pointsman too.
        List<ProxyDraft.ServerDraft> checked = kept.stream().filter(s -> s.check).toList();
        String timing = mostCommon(checked, ServerTiming::of);
        for (ProxyDraft.ServerDraft s : kept) {
            c.translated(s.line);
            if (!s.left.isEmpty()) {
                c.notTranslated(s.line, String.join("; ", s.left));
            }
            for (String n : s.notes) {
                c.note(s.line, n);
            }
            if (s.check && timing != null && !timing.equals(ServerTiming.of(s))) {
                c.notTranslated(s.line, "check settings " + ServerTiming.of(s) + " differ from the other servers' ("
                        + timing + "); Pointsman has one check per backend");
            }

        }
        d.servers.retainAll(kept);
        for (String setting : List.of("slowstart", "on-marked-down")) {
            String common = mostCommon(kept, x -> String.valueOf(setting.equals("slowstart") ? x.slowstartMs
                    : x.onMarkedDown));
            for (ProxyDraft.ServerDraft x : kept) {
                String v = String.valueOf(setting.equals("slowstart") ? x.slowstartMs : x.onMarkedDown);
                if (!v.equals(common)) {
                    c.notTranslated(x.line, setting + " " + v + " differs from the other servers' (" + common
                            + "): Pointsman sets it per backend");
                }
            }
        }
        long backups = kept.stream().filter(s -> s.backup).count();
        if (backups > 1 && (d.allbackups == null || !d.allbackups.value())) {
            ProxyDraft.ServerDraft first = kept.stream().filter(s -> s.backup).findFirst().orElseThrow();
            c.note(first.line, "without 'option allbackups' HAProxy sends to the first backup server only;"
                    + " Pointsman balances over every backup server");
        }
        if (d.check.scriptBroken != null && d.check.tcpCheck != null) {
            c.notTranslated(d.check.tcpCheck, "its tcp-check steps are not all translatable (line "
                    + d.check.scriptBroken.number() + "): servers are checked with a TCP connect instead");
        }
        if (kept.isEmpty() && d.kind == SectionKind.BACKEND) {
            unusable.put(d, d.servers.isEmpty() && d.stats.enabled()
                    ? "it serves the stats page, which Pointsman serves on a listener of its own (stats.bind)"
                    : "no server Pointsman can use (HAProxy answers 503; Pointsman needs at least one server)");
        }
    }

    /** Why a server-template cannot be this backend's server_template, or null when it can. */
    private String templateProblem(ProxyDraft d, ProxyContext c, ProxyDraft.ServerDraft template) {
        for (ProxyDraft.ServerDraft other : d.servers) {
            if (other == template) {
                break;
            }
            if (other.templateCount != null && other.failure == null) {
                return "Pointsman has one server_template per backend (line " + other.line.number() + " is it)";
            }
        }
        for (ProxyDraft.ServerDraft other : d.servers) {
            if (other.templateCount == null && other.name.startsWith(template.name)
                    && other.name.substring(template.name.length()).matches("[1-9]\\d*")
                    && Integer.parseInt(other.name.substring(template.name.length())) <= template.templateCount) {
                return "its server names clash with server '" + other.name + "' (line " + other.line.number() + ")";
            }
        }
        if (!template.name.matches("[A-Za-z0-9._-]+")) {
            return "prefix '" + template.name + "': Pointsman's server names are letters, digits, '.', '_' and '-'";
        }
        if (template.address.startsWith("_") && !hasNameserver(template.resolvers)) {
            return "an SRV name needs a resolvers section with a nameserver (resolvers NAME on the line):"
                    + " Pointsman asks it for SRV records";
        }
        if (template.resolvers == null) {
            c.note(template.line, "without 'resolvers' HAProxy resolves the name once at start and gives every"
                    + " server its first address; Pointsman gives one server per address and resolves again every"
                    + " resolvers.interval");
        }
        return null;
    }

    /**
     * An SRV template is asked of global.resolvers' nameservers: when the resolvers section
     * that became global.resolvers has none Pointsman can use, the template is left out.
     */
    private void srvTemplatesNeedNameservers(Sourced<YMap> resolvers) {
        if (resolvers != null && resolvers.value().has("nameservers")) {
            return;
        }
        for (ProxyDraft d : drafts) {
            boolean removed = d.servers.removeIf(s -> {
                if (s.templateCount != null && s.address.startsWith("_")) {
                    t.outcomes.add(s.line, LineOutcomes.Kind.NOT_TRANSLATED, "an SRV name needs a resolvers section"
                            + " with a nameserver Pointsman can ask (UDP)", null);
                    return true;
                }
                return false;
            });
            if (removed && d.servers.isEmpty() && d.kind == SectionKind.BACKEND) {
                unusable.put(d, "no server Pointsman can use (HAProxy answers 503; Pointsman needs at least one server)");
            }
        }
    }

    /** Whether the resolvers section of that name exists and names a nameserver. */
    private boolean hasNameserver(String resolvers) {
        if (resolvers == null) {
            return false;
        }
        for (CfgSection s : t.config.sections(SectionKind.RESOLVERS)) {
            if (s.name().equals(resolvers)) {
                return s.lines().stream().anyMatch(l -> l.keyword().equals("nameserver") && l.word(2) != null
                        && !l.word(2).startsWith("tcp"));
            }
        }
        return false;
    }

    /**
     * TLS to servers is per backend in Pointsman ({@code tls:}, with {@code tls: false} on a
     * plain server): the TLS servers' most common settings win, a server with others is left
     * out. Whether checks speak TLS is per backend too ({@code check: {tls: false}}).
     */
    private void settleServerTls(ProxyDraft d, ProxyContext c, List<ProxyDraft.ServerDraft> kept) {
        String globalVerify = t.serverVerify;
        for (java.util.Iterator<ProxyDraft.ServerDraft> it = kept.iterator(); it.hasNext(); ) {
            ProxyDraft.ServerDraft s = it.next();
            TlsOptions.Server tls = s.tls;
            boolean usesTls = tls.on() || (s.check && tls.checkSsl == 1);
            if (usesTls && TlsOptions.effectiveVerify(tls, globalVerify).equals("required") && tls.ca == null) {
                c.error(s.line, "verify required" + (tls.verify == null ? " (HAProxy's default, ssl-server-verify)" : "")
                        + " needs a ca-file: HAProxy refuses this server (set 'verify none' or a ca-file)");
                it.remove();
            }
        }
        List<ProxyDraft.ServerDraft> tlsServers = kept.stream().filter(s -> s.tls.on()).toList();
        String key = mostCommon(tlsServers, s -> TlsOptions.serverKey(s.tls, globalVerify));
        if (!tlsServers.isEmpty()) {
            for (java.util.Iterator<ProxyDraft.ServerDraft> it = kept.iterator(); it.hasNext(); ) {
                ProxyDraft.ServerDraft s = it.next();
                if (s.templateCount != null && !s.tls.on()) {
                    c.notTranslated(s.line, "a plain server-template in a backend that speaks TLS to its servers:"
                            + " Pointsman's server_template follows the backend's tls");
                    it.remove();
                }
            }
        }
        for (ProxyDraft.ServerDraft s : tlsServers) {
            if (!TlsOptions.serverKey(s.tls, globalVerify).equals(key)) {
                c.notTranslated(s.line, "its TLS settings differ from the other TLS servers' of " + d.label()
                        + ": Pointsman sets TLS to servers per backend");
                kept.remove(s);
            } else if (d.serverTls == null) {
                d.serverTls = new Sourced<>(s.tls.copy(), s.line);
            }
        }
        if (d.serverTls != null && "http".equals(d.effectiveMode())) {
            List<String> dropped = d.serverTls.value().keepHttpAlpn();
            if (!dropped.isEmpty()) {
                c.notTranslated(d.serverTls.line(), "alpn " + String.join(",", dropped) + ": Pointsman speaks HTTP/1.1"
                        + " to servers, so it offers http/1.1 and http/1.0 only");
            }
        }
        // HAProxy checks over TLS with check-ssl, or on the server's own port when the server has ssl.
        List<ProxyDraft.ServerDraft> checkedTls = new ArrayList<>();
        for (ProxyDraft.ServerDraft s : kept) {
            if (!s.check) {
                continue;
            }
            boolean ownPort = s.checkPort != null || d.check.port != null;
            boolean checkTls = s.tls.checksOverTls(ownPort);
            if (!s.tls.on() && checkTls) {
                c.notTranslated(s.line, "check-ssl: Pointsman checks over TLS only the servers it speaks TLS to; this"
                        + " one is checked in plaintext");
            } else if (s.tls.on()) {
                checkedTls.add(s);
            }
        }
        String plain = mostCommon(checkedTls, s -> String.valueOf(!s.tls.checksOverTls(s.checkPort != null
                || d.check.port != null)));
        d.plainChecks = "true".equals(plain);
        for (ProxyDraft.ServerDraft s : checkedTls) {
            boolean p = !s.tls.checksOverTls(s.checkPort != null || d.check.port != null);
            if (p != d.plainChecks) {
                c.notTranslated(s.line, "HAProxy checks it " + (p ? "in plaintext" : "over TLS") + " and the other"
                        + " servers " + (p ? "over TLS" : "in plaintext") + ": Pointsman checks a backend's servers one way");
            }
        }
        for (ProxyDraft.ServerDraft s : tlsServers) {
            if (!kept.contains(s)) {
                continue;
            }
            String name = s.tls.sni != null ? s.tls.sni : s.tls.verifyhost;
            String host = s.address == null ? null : Addresses.hostOf(s.address);
            if (s.tls.sni == null && s.tls.verifyhost != null) {
                c.note(s.line, "verifyhost " + s.tls.verifyhost + " becomes sni: Pointsman also sends the name in"
                        + " the ClientHello (HAProxy checks it without sending it)");
            } else if (name == null && host != null && io.pointsman.proxy.config.Cidr.literal(host) == null) {
                boolean verify = TlsOptions.effectiveVerify(s.tls, globalVerify).equals("required");
                c.note(s.line, "Pointsman sends the server's host name '" + host + "' in SNI" + (verify
                        ? " and checks the certificate against it (HAProxy without sni sends none and checks the chain"
                        + " only)" : " (HAProxy without sni sends none)"));
            }
        }
    }

    /** The check settings Pointsman has once per backend, as one comparable text. */
    static final class ServerTiming {
        private ServerTiming() {}

        static String of(ProxyDraft.ServerDraft s) {
            return "inter " + s.interMs + "ms rise " + s.rise + " fall " + s.fall
                    + (s.fastinterMs != null ? " fastinter " + s.fastinterMs + "ms" : "")
                    + (s.downinterMs != null ? " downinter " + s.downinterMs + "ms" : "")
                    + (s.checkPort != null ? " port " + s.checkPort : "");
        }
    }

    private static <T> String mostCommon(List<T> items, java.util.function.Function<T, String> key) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (T i : items) {
            counts.merge(key.apply(i), 1, Integer::sum);
        }
        String best = null;
        int n = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() > n) {
                best = e.getKey();
                n = e.getValue();
            }
        }
        return best;
    }

    // ---- stats

    private void settleStats() {
        for (ProxyDraft d : drafts) {
            ProxyDraft.StatsDraft s = d.stats;
            if (!s.enabled()) {
                continue;
            }
            ProxyContext c = new ProxyContext(d, t);
            boolean statsOnly = d.frontendSide() && d.servers.isEmpty() && d.rules.isEmpty() && d.defaultBackend == null
                    && !hasServerLines(d);
            String why = null;
            if (d.kind == SectionKind.BACKEND) {
                why = "the stats page is served from a backend here; Pointsman serves it on a listener of its own"
                        + " (stats.bind): send the browser there";
            } else if (!statsOnly) {
                why = "the stats page inside a proxy that also carries traffic: Pointsman serves it on a listener"
                        + " of its own (stats.bind)";
            } else if (statsProxy != null) {
                why = "a second stats page: Pointsman has one (" + statsProxy.label() + ")";
            } else if (d.binds.isEmpty()) {
                why = "the stats proxy has no address Pointsman can listen on";
            } else if (d.binds.stream().anyMatch(b -> b.tls() != null)) {
                why = "the stats page over TLS is not supported by Pointsman";
            }
            if (why != null) {
                for (CfgLine l : s.lines) {
                    c.notTranslated(l, why);
                }
                continue;
            }
            statsProxy = d;
            for (CfgLine l : s.lines) {
                String what = l.word(1);
                switch (what) {
                    case "enable", "show-node" -> c.translated(l);
                    case "uri", "refresh" -> { }
                    case "auth" -> {
                        if (s.auth.stream().noneMatch(a -> a.line() == l)) {
                            continue; // unreadable: its error is already reported
                        }
                        if (s.auth.get(0).line() == l) {
                            c.translated(l);
                            c.note(l, "the password is in proxy.yaml as the default of ${env:POINTSMAN_STATS_PASSWORD}:"
                                    + " set that variable on the nodes and delete the default from git");
                        } else {
                            c.notTranslated(l, "Pointsman's stats page has one user (the first 'stats auth')");
                        }
                    }
                    case "realm" -> {
                        c.translated(l);
                        c.note(l, "Pointsman's basic-auth realm is its own");
                    }
                    case "hide-version" -> c.notNeeded(l, "Pointsman's stats page shows no version");
                    case "show-legends", "show-desc" -> c.notTranslated(l, "Pointsman's stats page has no legends"
                            + " or descriptions");
                    case "admin" -> {
                        if (s.auth.isEmpty()) {
                            c.notTranslated(l, "Pointsman gives the stats page's server actions only to users who"
                                    + " passed stats auth, and there is none");
                        } else {
                            s.admin = l;
                            c.translated(l);
                            if (!"TRUE".equals(l.word(3)) || l.size() > 4) {
                                c.note(l, "Pointsman gives the actions to every user who passed stats auth; the"
                                        + " condition '" + l.rest(2) + "' is not kept");
                            }
                        }
                    }
                    default -> c.notTranslated(l, "stats " + what + " has no Pointsman equivalent");
                }
            }
            if (s.uri != null) {
                c.translated(s.uri.line());
                if (s.uri.value().contains("?")) {
                    c.note(s.uri.line(), "Pointsman matches the path: the page is at "
                            + s.uri.value().substring(0, s.uri.value().indexOf('?')) + " (and " + s.uri.value()
                            + " still reaches it)");
                }
            }
            if (s.refresh != null) {
                try {
                    HaproxyValues.time(s.refresh.value());
                    c.translated(s.refresh.line());
                } catch (IllegalArgumentException e) {
                    c.error(s.refresh.line(), "stats refresh: " + e.getMessage());
                }
            }
            for (ProxyDraft.BindDraft b : d.binds) {
                if (b != d.binds.get(0)) {
                    c.notTranslated(b.line(), "the stats page listens on one address in Pointsman");
                }
            }
        }
    }

    private boolean hasServerLines(ProxyDraft d) {
        for (CfgLine l : view.lines(d.section)) {
            if (l.keyword().equals("server")) {
                return true;
            }
        }
        return false;
    }

    // ---- frontends

    /**
     * Which proxies have no address to listen on, decided before any rule names a backend
     * (a rule may name a listen written further down). A frontend without one is left out;
     * a listen without one is a backend, as in HAProxy (where a listen with no bind line is
     * only reached through other proxies' use_backend).
     */
    private void settleAddresses() {
        settleOverlappingBinds();
        for (ProxyDraft d : drafts) {
            if (!d.frontendSide() || d == statsProxy || !d.binds.isEmpty() || unusable.containsKey(d)) {
                continue;
            }
            if (d.kind == SectionKind.LISTEN && !d.servers.isEmpty()) {
                backendOnly.add(d);
            } else {
                unusable.put(d, "no address Pointsman can listen on");
            }
        }
    }

    /**
     * HAProxy binds one address twice, or an address and the wildcard on its port, with
     * SO_REUSEPORT (Linux then gives a connection to the more specific one, or spreads
     * them); Pointsman binds a socket once. The first bind keeps the address, the stats
     * page's before all others.
     */
    private void settleOverlappingBinds() {
        record Taken(HostPort address, ProxyDraft.BindDraft bind, ProxyDraft owner) {
        }
        List<Taken> taken = new ArrayList<>();
        List<ProxyDraft> order = new ArrayList<>();
        if (statsProxy != null) {
            order.add(statsProxy);
        }
        drafts.stream().filter(d -> d != statsProxy && d.frontendSide() && !unusable.containsKey(d)).forEach(order::add);
        for (ProxyDraft d : order) {
            ProxyContext c = new ProxyContext(d, t);
            for (java.util.Iterator<ProxyDraft.BindDraft> it = d.binds.iterator(); it.hasNext(); ) {
                ProxyDraft.BindDraft b = it.next();
                if (d == statsProxy && b != d.binds.get(0)) {
                    it.remove();
                    c.notTranslated(b.line(), "'" + b.address() + "': Pointsman's stats page listens on one address ("
                            + d.binds.get(0).address() + ")");
                    continue;
                }
                HostPort address = HostPort.parse(b.address());
                Taken clash = taken.stream().filter(x -> x.address().bindsOverlap(address)).findFirst().orElse(null);
                if (clash == null) {
                    taken.add(new Taken(address, b, d));
                    continue;
                }
                it.remove();
                if (clash.owner() == d && clash.address().equals(address)) {
                    c.note(b.line(), "'" + b.address() + "' is bound once (it is listed twice)");
                } else {
                    c.notTranslated(b.line(), "'" + b.address() + "' overlaps '" + clash.bind().address() + "' of "
                            + clash.owner().label() + " (line " + clash.bind().line().number() + "): HAProxy binds"
                            + " both (SO_REUSEPORT), Pointsman binds an address and port once");
                }
            }
        }
    }

    private void settleFrontend(ProxyDraft d) {
        ProxyContext c = new ProxyContext(d, t);
        if (d == statsProxy) {
            for (ProxyDraft.BindDraft b : d.binds) {
                c.translated(b.line());
            }
            return;
        }
        if (backendOnly.contains(d)) {
            boolean hadBinds = view.lines(d.section).stream().anyMatch(l -> "bind".equals(l.keyword()));
            List<CfgLine> routing = new ArrayList<>(d.sniHelpers);
            d.rules.forEach(r -> routing.add(r.line()));
            if (d.defaultBackend != null) {
                routing.add(d.defaultBackend.line());
            }
            for (CfgLine l : routing) {
                if (hadBinds) {
                    c.notTranslated(l, "none of " + d.label() + "'s binds is translated, so it is only a backend"
                            + " and its routing rules have no frontend");
                } else {
                    c.notNeeded(l, d.label() + " has no bind line, so it is only a backend: its routing rules route"
                            + " nothing (in HAProxy too)");
                }
            }
            return;
        }
        // TLS is per bind in Pointsman too; in mode http it offers HTTP/1.x alone in ALPN.
        if (c.http()) {
            Set<CfgLine> reported = new HashSet<>();
            for (ProxyDraft.BindDraft b : d.binds) {
                if (b.tls() == null) {
                    continue;
                }
                List<String> dropped = b.tls().keepHttpAlpn();
                if (!dropped.isEmpty() && reported.add(b.line())) {
                    c.notTranslated(b.line(), "alpn " + String.join(",", dropped) + ": Pointsman speaks HTTP/1.1 to"
                            + " clients, so it offers http/1.1 and http/1.0 only");
                }
            }
        }
        long proxied = d.binds.stream().filter(ProxyDraft.BindDraft::acceptProxy).count();
        if (proxied > 0 && proxied < d.binds.size()) {
            d.binds.removeIf(b -> {
                if (!b.acceptProxy()) {
                    c.notTranslated(b.line(), "other binds of this frontend expect the PROXY protocol and this one"
                            + " does not: Pointsman sets accept_proxy per frontend");
                    return true;
                }
                return false;
            });
        }
        boolean tlsEverywhere = !d.binds.isEmpty() && d.binds.stream().allMatch(b -> b.tls() != null);
        AclBook book = new AclBook(d.acls, new AclTranslator(t.baseDir, tlsEverywhere), c.http());
        books.put(d, book);
        List<ProxyDraft.EmittedRule> rules = new ArrayList<>();
        Map<String, String> failedAcls = this.failedAcls.computeIfAbsent(d, k -> new HashMap<>());
        List<CfgLine> lines = view.lines(d.section);
        for (ProxyDraft.RuleDraft r : d.rules) {
            String target = backendRef(r.backend(), r.line(), c, "use_backend");
            if (target == null) {
                continue;
            }
            if (r.condition() == null) {
                rules.add(new ProxyDraft.EmittedRule(r, new YMap().put("backend", target)));
                c.translated(r.line());
                continue;
            }
            boolean undeclared = false;
            for (var g : r.condition().anyOf()) {
                for (var term : g) {
                    if (term.name() != null && !book.declaredBefore(term.name(), lines, r.line())) {
                        c.error(r.line(), "no such ACL: '" + term.name() + "' (an acl must be declared before the"
                                + " rule that uses it)");
                        undeclared = true;
                    }
                }
            }
            if (undeclared) {
                continue;
            }
            ConditionTranslator.Result ct = ConditionTranslator.translate(r.condition(), book, r.line());
            if (ct.failure() != null) {
                c.notTranslated(r.line(), ct.failure());
                for (var g : r.condition().anyOf()) {
                    for (var term : g) {
                        if (term.name() != null) {
                            failedAcls.putIfAbsent(term.name(), "used by line " + r.line().number() + ", which is not"
                                    + " translated: " + ct.failure());
                        }
                    }
                }
                continue;
            }
            c.translated(r.line());
            if (ct.always() != null) {
                if (!ct.always()) {
                    c.note(r.line(), "the condition never holds, so the rule is left out");
                    continue;
                }
                rules.add(new ProxyDraft.EmittedRule(r, new YMap().put("backend", target)));
                continue;
            }
            YMap rule = new YMap().put("backend", target);
            rule.put(ct.unless() ? "unless" : "if", ct.text());
            rules.add(new ProxyDraft.EmittedRule(r, rule));
        }
        rulesOut.put(d, rules);
        if (d.defaultBackend != null) {
            String target = backendRef(d.defaultBackend.value(), d.defaultBackend.line(), c, "default_backend");
            if (target != null) {
                defaultOut.put(d, new Sourced<>(target, d.defaultBackend.line()));
                c.translated(d.defaultBackend.line());
            }
        }
        boolean sni = book.emitted().stream().anyMatch(e -> e.matcher().key().equals("sni"));
        for (CfgLine l : d.sniHelpers) {
            if (sni) {
                c.notNeeded(l, "Pointsman reads the TLS ClientHello before it routes by sni");
            } else {
                c.notTranslated(l, "tcp-request content rules have no Pointsman equivalent");
            }
        }
    }

    // ---- http rules

    /**
     * A proxy's rules: each condition translated with the proxy's acls (a rule whose
     * condition cannot be is left out, and said so), in the order HAProxy evaluates them.
     */
    private void settleRules(ProxyDraft d) {
        if (d == statsProxy || unusable.containsKey(d)) {
            return;
        }
        boolean http = "http".equals(d.effectiveMode());
        ProxyContext c = new ProxyContext(d, t);
        AclBook book = books.computeIfAbsent(d, k -> new AclBook(d.acls, new AclTranslator(t.baseDir), http));
        Map<String, String> failed = failedAcls.computeIfAbsent(d, k -> new HashMap<>());
        List<CfgLine> lines = view.lines(d.section);
        List<ProxyDraft.ActionDraft> request = new ArrayList<>(d.httpRequest);
        request.sort(java.util.Comparator.comparingInt(ProxyDraft.ActionDraft::order));
        List<Sourced<YMap>> req = rules(c, book, failed, lines, request, http, "HTTP rules need mode http");
        List<Sourced<YMap>> res = rules(c, book, failed, lines, d.httpResponse, http, "HTTP rules need mode http");
        List<Sourced<YMap>> tcp = rules(c, book, failed, lines, d.tcpRequest, !http && !backendOnly.contains(d),
                http ? "tcp-request connection reject in mode http has no Pointsman equivalent (tcp_request is mode"
                        + " tcp's)" : d.label() + " has no address to listen on: no connection reaches it directly");
        YMap errorfiles = new YMap();
        for (Map.Entry<Integer, Sourced<String>> e : d.errorfiles.entrySet()) {
            if (http) {
                errorfiles.put(Integer.toString(e.getKey()), e.getValue().value(), null);
            } else {
                c.notApplicable(e.getValue().line());
            }
        }
        rulesYaml.put(d, new RulesOut(req, res, tcp, errorfiles));
    }

    private List<Sourced<YMap>> rules(ProxyContext c, AclBook book, Map<String, String> failed, List<CfgLine> lines,
            List<ProxyDraft.ActionDraft> drafts, boolean modeOk, String modeWhy) {
        List<Sourced<YMap>> out = new ArrayList<>();
        for (ProxyDraft.ActionDraft a : drafts) {
            if (!modeOk) {
                c.notTranslated(a.line(), modeWhy);
                continue;
            }
            io.pointsman.agent.importer.haproxy.RuleCondition cond = a.condition();
            YMap action = a.action();
            if (a.userlist() != null) {
                AuthSplit split = splitAuth(cond, a.line(), c);
                if (split == null) {
                    continue;
                }
                YMap inner = (YMap) action.get("auth");
                inner.put("userlist", split.userlist());
                cond = split.rest();
            }
            boolean undeclared = false;
            if (cond != null) {
                for (var g : cond.anyOf()) {
                    for (var term : g) {
                        if (term.name() != null && !book.declaredBefore(term.name(), lines, a.line())) {
                            c.error(a.line(), "no such ACL: '" + term.name() + "'");
                            undeclared = true;
                        }
                    }
                }
            }
            if (undeclared) {
                continue;
            }
            YMap rule = new YMap();
            for (YMap.Entry e : action.entries()) {
                rule.put(e.key(), e.value());
            }
            if (cond != null) {
                ConditionTranslator.Result ct = ConditionTranslator.translate(cond, book, a.line());
                if (ct.failure() != null) {
                    c.notTranslated(a.line(), ct.failure());
                    for (var g : cond.anyOf()) {
                        for (var term : g) {
                            if (term.name() != null) {
                                failed.putIfAbsent(term.name(), "used by line " + a.line().number() + ", which is not"
                                        + " translated: " + ct.failure());
                            }
                        }
                    }
                    continue;
                }
                if (ct.always() != null && !ct.always()) {
                    c.translated(a.line());
                    c.note(a.line(), "the condition never holds, so the rule is left out");
                    continue;
                }
                if (ct.always() == null) {
                    rule.put(ct.unless() ? "unless" : "if", ct.text());
                }
            }
            c.translated(a.line());
            out.add(new Sourced<>(rule, a.line()));
        }
        return out;
    }

    /** The userlist an auth rule checks, and its condition without the http_auth terms. */
    private record AuthSplit(String userlist, io.pointsman.agent.importer.haproxy.RuleCondition rest) {
    }

    /**
     * {@code http-request auth if !{ http_auth(L) } [other terms]} or {@code unless { http_auth(L) }}:
     * the http_auth terms name the userlist and are what {@code auth} itself checks; what is
     * left is the rule's condition. Other shapes are left out, with the reason.
     */
    private AuthSplit splitAuth(io.pointsman.agent.importer.haproxy.RuleCondition cond, CfgLine line, ProxyContext c) {
        String why = "an auth rule translates when its condition is 'if !http_auth(L) [other terms]' or"
                + " 'unless http_auth(L)'";
        if (cond == null || cond.anyOf().size() != 1) {
            c.notTranslated(line, why);
            return null;
        }
        String userlist = null;
        List<io.pointsman.agent.importer.haproxy.RuleCondition.Term> rest = new ArrayList<>();
        for (var term : cond.anyOf().get(0)) {
            String list = httpAuth(c.draft, term);
            if (list == null) {
                rest.add(term);
                continue;
            }
            if (term.negated() == cond.unless() || (userlist != null && !userlist.equals(list))) {
                c.notTranslated(line, why);
                return null;
            }
            userlist = list;
            for (ProxyDraft.AclDef a : c.draft.acls) {
                if (term.name() != null && a.name().equals(term.name())) {
                    c.translated(a.line()); // what the auth action checks
                }
            }
        }
        if (userlist == null || (cond.unless() && !rest.isEmpty())) {
            c.notTranslated(line, why);
            return null;
        }
        boolean declared = false;
        boolean hasUser = false;
        for (CfgSection s : t.config.sections(SectionKind.USERLIST)) {
            if (userlist.equals(s.name())) {
                declared = true;
                hasUser = s.lines().stream().anyMatch(l -> l.keyword().equals("user") && l.size() >= 4);
            }
        }
        if (!declared) {
            c.error(line, "no userlist named '" + userlist + "'");
            return null;
        }
        if (!hasUser) {
            c.notTranslated(line, "userlist '" + userlist + "' has no user Pointsman can check");
            return null;
        }
        return new AuthSplit(userlist, rest.isEmpty() ? null
                : new io.pointsman.agent.importer.haproxy.RuleCondition(false, List.of(rest)));
    }

    /** The userlist of an http_auth term (inline, or an acl all of whose lines are http_auth(L)), else null. */
    private static String httpAuth(ProxyDraft d, io.pointsman.agent.importer.haproxy.RuleCondition.Term term) {
        if (term.inline() != null) {
            return term.inline().fetch().equals("http_auth") && term.inline().args().size() == 1
                    ? term.inline().args().get(0) : null;
        }
        String list = null;
        for (ProxyDraft.AclDef a : d.acls) {
            if (a.name().equals(term.name())) {
                if (a.expr() == null || !a.expr().fetch().equals("http_auth") || a.expr().args().size() != 1) {
                    return null;
                }
                list = a.expr().args().get(0);
            }
        }
        return list;
    }

    /**
     * The {@code resolvers} section the servers use becomes {@code global.resolvers}
     * (Pointsman has one, used for every server name); others are reported.
     */
    private Sourced<YMap> resolvers() {
        Set<String> used = new LinkedHashSet<>();
        for (ProxyDraft d : drafts) {
            for (ProxyDraft.ServerDraft s : d.servers) {
                if (s.resolvers != null) {
                    used.add(s.resolvers);
                }
            }
        }
        Sourced<YMap> out = null;
        for (CfgSection s : t.config.sections(SectionKind.RESOLVERS)) {
            if (!used.contains(s.name()) || out != null) {
                t.outcomes.add(s.header(), out == null ? LineOutcomes.Kind.NOT_NEEDED : LineOutcomes.Kind.NOT_TRANSLATED,
                        out == null ? "no translated server uses it" : "Pointsman has one resolvers section (global.resolvers)",
                        null);
                for (CfgLine l : s.lines()) {
                    t.outcomes.add(l, LineOutcomes.Kind.IN_SECTION, null, null);
                }
                continue;
            }
            YMap r = new YMap();
            YList nameservers = new YList();
            for (CfgLine l : s.lines()) {
                switch (l.keyword()) {
                    case "nameserver" -> {
                        String a = l.word(2) == null ? "" : l.word(2).replaceFirst("^(udp|udp4|udp6|ipv4|ipv6)@", "");
                        Addresses.Result ar = a.startsWith("tcp") ? Addresses.Result.fail("DNS over TCP")
                                : Addresses.server(a.matches(".*:\\d+") ? a : a + ":53");
                        if (ar.failure() != null) {
                            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, ar.failure(), null);
                        } else {
                            nameservers.add(ar.value());
                            t.outcomes.add(l, LineOutcomes.Kind.TRANSLATED, null, null);
                        }
                    }
                    case "hold" -> {
                        if ("valid".equals(l.word(1)) && l.word(2) != null) {
                            resolverTime(r, "hold_valid", l);
                        } else {
                            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "Pointsman keeps the last good address"
                                    + " for hold_valid whatever the failure", null);
                        }
                    }
                    case "timeout" -> {
                        if ("resolve".equals(l.word(1)) && l.word(2) != null) {
                            resolverTime(r, "interval", l);
                        } else {
                            t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "DNS query timing is the resolver's own", null);
                        }
                    }
                    case "parse-resolv-conf" -> t.outcomes.add(l, LineOutcomes.Kind.NOTE, "without nameservers Pointsman"
                            + " asks the system resolver, which reads resolv.conf", null);
                    default -> t.outcomes.add(l, LineOutcomes.Kind.NOT_NEEDED, "DNS client tuning with no Pointsman"
                            + " equivalent", null);
                }
            }
            if (!nameservers.isEmpty()) {
                YMap ordered = new YMap().put("nameservers", nameservers);
                r.entries().forEach(e -> ordered.put(e.key(), e.value()));
                r = ordered;
            }
            t.outcomes.add(s.header(), LineOutcomes.Kind.TRANSLATED, null, null);
            out = new Sourced<>(r, s.header());
        }
        return out;
    }

    /** {@code userlist} sections: users with crypt(3) hashes or plain passwords; groups are reported. */
    private List<YMap> userlists() {
        List<YMap> out = new ArrayList<>();
        for (CfgSection s : t.config.sections(SectionKind.USERLIST)) {
            YList users = new YList();
            for (CfgLine l : s.lines()) {
                if (l.keyword().equals("user") && l.size() >= 4) {
                    String kind = l.word(2);
                    YMap u = new YMap().put("name", l.word(1));
                    if (kind.equals("password")) {
                        if (!CRYPT_HASH.matcher(l.word(3)).matches()) {
                            t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "Pointsman checks bcrypt ($2a$, $2b$,"
                                    + " $2y$) and sha-crypt ($5$, $6$) hashes; this one is another kind (DES or MD5"
                                    + " crypt?): hash the password again", null);
                            continue;
                        }
                        u.put("password", l.word(3));
                    } else if (kind.equals("insecure-password")) {
                        u.put("insecure_password", "${env:POINTSMAN_PASSWORD_" + l.word(1).toUpperCase(java.util.Locale.ROOT)
                                .replaceAll("[^A-Z0-9_]", "_") + ":-" + l.word(3) + "}");
                        t.outcomes.add(l, LineOutcomes.Kind.NOTE, "the plain password is in proxy.yaml as the default of"
                                + " an environment variable: set it on the nodes and delete the default", null);
                    } else {
                        t.outcomes.add(l, LineOutcomes.Kind.ERROR, "'user' expects password or insecure-password", null);
                        continue;
                    }
                    users.add(u, t.config.file() + ":" + l.number());
                    t.outcomes.add(l, LineOutcomes.Kind.TRANSLATED, null, null);
                    if (l.size() > 4) {
                        t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "groups (http_auth_group) have no Pointsman"
                                + " equivalent", null);
                    }
                } else if (l.keyword().equals("group")) {
                    t.outcomes.add(l, LineOutcomes.Kind.NOT_TRANSLATED, "groups (http_auth_group) have no Pointsman"
                            + " equivalent", null);
                } else {
                    t.outcomes.add(l, LineOutcomes.Kind.ERROR, "'" + l.keyword() + "' expects a name and a password",
                            null);
                }
            }
            if (users.isEmpty()) {
                t.outcomes.add(s.header(), LineOutcomes.Kind.NOT_TRANSLATED, "a userlist with no user: Pointsman"
                        + " needs at least one", null);
                continue;
            }
            t.outcomes.add(s.header(), LineOutcomes.Kind.TRANSLATED, null, null);
            out.add(new YMap().put("name", s.name()).put("users", users));
        }
        return out;
    }

    private void markAcls(ProxyDraft d, AclBook book) {
        markAcls(d, book, Map.of());
    }

    private void markAcls(ProxyDraft d, AclBook book, Map<String, String> failed) {
        ProxyContext c = new ProxyContext(d, t);
        for (ProxyDraft.AclDef a : d.acls) {
            if (a.expr() == null) {
                continue; // reported as an error already
            }
            if (t.outcomes.has(a.line(), LineOutcomes.Kind.TRANSLATED)) {
                continue;
            }
            if (book.usedLines().contains(a.line())) {
                c.translated(a.line());
            } else if (failed.containsKey(a.name())) {
                c.notTranslated(a.line(), failed.get(a.name()));
            } else {
                c.notNeeded(a.line(), "no translated rule uses it");
            }
        }
    }

    /** A resolvers time (hold valid, timeout resolve) as {@code key}; a value HAProxy refuses is an error. */
    private void resolverTime(YMap r, String key, CfgLine l) {
        try {
            r.put(key, HaproxyValues.duration(HaproxyValues.time(l.word(2))));
            t.outcomes.add(l, LineOutcomes.Kind.TRANSLATED, null, null);
        } catch (IllegalArgumentException e) {
            t.outcomes.add(l, LineOutcomes.Kind.ERROR, l.keyword() + ": " + e.getMessage(), null);
        }
    }

    /** The backend a rule names, if it can be routed to; null after recording why not. */
    private String backendRef(String name, CfgLine line, ProxyContext c, String keyword) {
        if (name.contains("%[")) {
            c.notTranslated(line, "a backend name built at run time (" + name + ") has no Pointsman equivalent");
            return null;
        }
        ProxyDraft b = backendsByName.get(name);
        if (b == null) {
            if (isDisabledBackend(name)) {
                c.notTranslated(line, "backend '" + name + "' is disabled");
                return null;
            }
            c.error(line, "unable to find required " + keyword + ": '" + name + "'");
            return null;
        }
        String feMode = c.draft.effectiveMode();
        String beMode = b.effectiveMode();
        if (feMode.equals("http") && beMode.equals("tcp")) {
            c.error(line, c.draft.label() + " (mode http) cannot use backend '" + name + "' (mode tcp)");
            return null;
        }
        if (!feMode.equals(beMode)) {
            c.notTranslated(line, "a tcp frontend using an http backend (HAProxy upgrades the connection) is not"
                    + " supported by Pointsman: both sides need one mode");
            return null;
        }
        String why = unusable.get(b);
        if (why == null && b.kind == SectionKind.LISTEN && b.servers.isEmpty()) {
            // The listen may still route (as a frontend) but is no backend to route to.
            why = "no server Pointsman can use (HAProxy answers 503; Pointsman needs at least one server)";
        }
        if (why != null) {
            c.notTranslated(line, "backend '" + name + "' is not translated: " + why);
            return null;
        }
        return name;
    }

    private boolean isDisabledBackend(String name) {
        for (CfgSection s : t.config.sections()) {
            if (s.kind().hasBackend() && name.equals(s.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A frontend's {@code option http-server-close} (or httpclose) makes HAProxy open a server
     * connection per request whatever backend it picks; Pointsman sets that per backend, so
     * it goes to every backend the frontend routes to (and so also to other frontends'
     * requests to those backends: said in a note).
     */
    private void settleServerClose() {
        for (ProxyDraft f : drafts) {
            if (f.frontendServerClose == null || !"http".equals(f.effectiveMode())) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (ProxyDraft b : targets(f)) {
                if (b.httpReuse == null) {
                    b.httpReuse = new Sourced<>("never", f.frontendServerClose.line());
                }
                names.add(b.name);
            }
            if (!names.isEmpty()) {
                t.outcomes.add(f.frontendServerClose.line(), LineOutcomes.Kind.NOTE, "http_reuse: never on the backends "
                        + f.label() + " routes to (" + String.join(", ", names) + "): Pointsman sets it per backend", null);
            }
        }
    }

    /**
     * HAProxy waits without limit where a timeout is missing (and warns); Pointsman applies
     * the defaults' value or its own built-in one. The report says so on the proxy's line.
     */
    private void missingTimeouts() {
        for (ProxyDraft d : drafts) {
            if (d == statsProxy || unusable.containsKey(d)) {
                continue;
            }
            List<String> missing = new ArrayList<>();
            if (d.frontendSide() && !d.timeouts.containsKey("client")) {
                missing.add("client");
            }
            if (d.backendSide() && !d.servers.isEmpty()) {
                for (String k : List.of("connect", "server")) {
                    if (!d.timeouts.containsKey(k)) {
                        missing.add(k);
                    }
                }
            }
            if (!missing.isEmpty()) {
                t.outcomes.add(d.section.header(), LineOutcomes.Kind.NOTE, "no timeout " + String.join(", ", missing)
                        + ": HAProxy waits without limit (and warns); Pointsman applies the defaults' value or its"
                        + " built-in one (connect 5s, client 30s, server 30s)", null);
            }
        }
    }

    // ---- forwardfor

    /**
     * HAProxy adds X-Forwarded-For when the frontend or the chosen backend has the option;
     * Pointsman decides per frontend. A frontend without it gets it when every backend it
     * routes to has it; a backend's option that cannot be carried that way is reported.
     */
    private void settleForwardfor() {
        Map<ProxyDraft, Set<ProxyDraft>> users = new HashMap<>();
        for (ProxyDraft f : drafts) {
            if (!f.frontendSide()) {
                continue;
            }
            Set<ProxyDraft> targets = targets(f);
            boolean own = f.forwardfor != null && f.forwardfor.value();
            if (!own && !targets.isEmpty()) {
                // taken from the backends: their options must agree
                Set<String> variants = new LinkedHashSet<>();
                for (ProxyDraft b : targets) {
                    variants.add(b.forwardforOptions == null ? "" : io.pointsman.agent.importer.yaml.YamlText.write(
                            new YMap().put("o", b.forwardforOptions)));
                }
                if (variants.size() == 1) {
                    forwardforOptionsOfTargets.put(f, targets.iterator().next().forwardforOptions);
                }
            }
            boolean sameOptions = own || forwardforOptionsOfTargets.containsKey(f);
            if (!"http".equals(f.effectiveMode())) {
                // HAProxy ignores forwardfor in mode tcp (and warns)
                forwardfor.put(f, false);
                if (own && f.section.lines().contains(f.forwardfor.line())) {
                    t.outcomes.add(f.forwardfor.line(), LineOutcomes.Kind.NOTE, "HAProxy ignores it in mode tcp;"
                            + " so does the import", null);
                }
                continue;
            }
            boolean all = sameOptions && !targets.isEmpty()
                    && targets.stream().allMatch(b -> b.forwardfor != null && b.forwardfor.value());
            forwardfor.put(f, own || all);
            for (ProxyDraft b : targets) {
                users.computeIfAbsent(b, k -> new LinkedHashSet<>()).add(f);
            }
        }
        for (ProxyDraft b : drafts) {
            if (b.kind != SectionKind.BACKEND || b.forwardfor == null) {
                continue;
            }
            ProxyContext c = new ProxyContext(b, t);
            if (!b.forwardfor.value()) {
                c.translated(b.forwardfor.line());
                continue;
            }
            List<String> without = new ArrayList<>();
            for (ProxyDraft f : users.getOrDefault(b, Set.of())) {
                if (!forwardfor.getOrDefault(f, false)) {
                    without.add(f.label());
                }
            }
            if (without.isEmpty()) {
                c.translated(b.forwardfor.line());
            } else {
                c.notTranslated(b.forwardfor.line(), "X-Forwarded-For is set per frontend in Pointsman, and "
                        + String.join(", ", without) + " also routes to backends without it");
            }
        }
    }

    /** The backend-side drafts a frontend routes to (its own servers, for a listen). */
    private Set<ProxyDraft> targets(ProxyDraft f) {
        Set<ProxyDraft> out = new LinkedHashSet<>();
        for (ProxyDraft.EmittedRule r : rulesOut.getOrDefault(f, List.of())) {
            ProxyDraft b = backendsByName.get(r.source().backend());
            if (b != null) {
                out.add(b);
            }
        }
        Sourced<String> def = defaultOut.get(f);
        if (def != null && backendsByName.containsKey(def.value())) {
            out.add(backendsByName.get(def.value()));
        } else if (f.kind == SectionKind.LISTEN && !f.servers.isEmpty()) {
            out.add(f);
        }
        return out;
    }
}
