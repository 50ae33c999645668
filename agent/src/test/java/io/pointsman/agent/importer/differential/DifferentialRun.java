package io.pointsman.agent.importer.differential;

import io.pointsman.agent.importer.HaproxyImport;
import io.pointsman.agent.importer.haproxy.CfgLine;
import io.pointsman.agent.importer.haproxy.CfgSection;
import io.pointsman.agent.importer.haproxy.HaproxyConfig;
import io.pointsman.agent.importer.haproxy.HaproxyParser;
import io.pointsman.agent.importer.report.Finding;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One differential case: the config moved onto loopback ({@link CfgRewriter}), real
 * HAProxy on 127.0.0.2 and Pointsman (the import, in-process) on 127.0.0.3, the same echo
 * backends behind both, the same probes ({@link RequestPlan}) sent to both; what differs is
 * returned, each difference as one {@link Difference}.
 */
final class DifferentialRun implements AutoCloseable {
    static final String HAPROXY_IP = "127.0.0.2";
    static final String POINTSMAN_IP = "127.0.0.3";
    /** Headers the proxies may add or drop as connection management; never compared. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive");

    /** What one probe (or one balancing round) saw differently on the two sides. */
    record Difference(String caseName, String frontend, String probe, String aspect, String haproxy, String pointsman,
            Probe source) {
        @Override
        public String toString() {
            return caseName + ": " + probe + ": " + aspect + ": HAProxy " + haproxy + ", Pointsman " + pointsman;
        }
    }

    final String name;
    final List<Difference> differences = new ArrayList<>();
    int probes;
    int balancingRounds;
    /** Backends that answered the same probe on both sides (a case that reaches none proves little). */
    final java.util.Set<String> reached = new java.util.TreeSet<>();
    private final Map<String, EchoBackend> echoes = new LinkedHashMap<>();
    private final Map<String, Integer> bindPorts = new LinkedHashMap<>();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HaproxyConfig pmCfg;
    private final HaproxyConfig hpCfg;

    /**
     * @param pmText  the config Pointsman imports
     * @param hpText  the config HAProxy 2.6 runs: the same, or its 2.x form when pmText is 1.x syntax
     * @param companions files the configs refer to (pattern files), copied beside both
     */
    DifferentialRun(String name, String pmText, String hpText, Map<String, byte[]> companions) throws Exception {
        this.name = name;
        try {
            HaproxyConfig[] sides = start(pmText, hpText, companions);
            this.pmCfg = sides[0];
            this.hpCfg = sides[1];
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private HaproxyImport.Outcome importedOutcome;

    private HaproxyConfig[] start(String pmText, String hpText, Map<String, byte[]> companions) throws Exception {
        HaproxyConfig original = HaproxyParser.parse("haproxy.cfg", pmText.getBytes(StandardCharsets.UTF_8), v -> null);
        Map<String, Integer> serverPorts = new LinkedHashMap<>();
        Map<Integer, Integer> portMap = new LinkedHashMap<>();
        for (CfgSection s : original.sections()) {
            if (!s.kind().isProxy()) {
                continue;
            }
            int index = 0;
            List<String> addresses = new ArrayList<>();
            if (s.address() != null) {
                addresses.add(s.address());
            }
            for (CfgLine l : s.lines()) {
                if (l.keyword().equals("bind")) {
                    addresses.addAll(List.of(l.word(1).split(",")));
                }
                if (l.keyword().equals("server") && l.size() > 2) {
                    String id = s.name() + "/" + l.word(1);
                    EchoBackend e = new EchoBackend(id);
                    open.add(e);
                    echoes.put(id, e);
                    serverPorts.put(id, e.port());
                }
            }
            for (String a : addresses) {
                int port = freePort();
                bindPorts.put(CfgRewriter.Plan.bindKey(s.name(), index++), port);
                String p = a.substring(a.lastIndexOf(':') + 1);
                if (p.matches("\\d{1,5}")) {
                    portMap.putIfAbsent(Integer.parseInt(p), port);
                }
            }
        }
        CfgRewriter.Plan plan = new CfgRewriter.Plan(bindPorts, serverPorts, portMap);
        TestTls tls = TestTls.get();
        String hp = CfgRewriter.rewrite(hpText, HAPROXY_IP, plan, tls.pem, tls.ca);
        String pm = CfgRewriter.rewrite(pmText, POINTSMAN_IP, plan, tls.pem, tls.ca);
        Path hpDir = Files.createTempDirectory("pmimp-hp-" + name);
        Path pmDir = Files.createTempDirectory("pmimp-pm-" + name);
        for (Path d : List.of(hpDir, pmDir)) {
            for (Map.Entry<String, byte[]> c : companions.entrySet()) {
                Files.write(d.resolve(c.getKey()), c.getValue());
            }
        }
        Files.writeString(hpDir.resolve("haproxy.cfg"), hp, StandardCharsets.UTF_8);
        Files.writeString(pmDir.resolve("haproxy.cfg"), pm, StandardCharsets.UTF_8);
        HaproxyConfig hpParsed = HaproxyParser.parse("haproxy.cfg", hp.getBytes(StandardCharsets.UTF_8), v -> null);
        HaproxyConfig pmParsed = HaproxyParser.parse("haproxy.cfg", pm.getBytes(StandardCharsets.UTF_8), v -> null);

        HaproxyImport.Outcome imported = HaproxyImport.translate(new HaproxyImport.Request(pmDir.resolve("haproxy.cfg"), List.of(), null,
                pmDir.resolve("out"), v -> null));
        if (imported.status() == HaproxyImport.REFUSED) {
            throw new IllegalStateException(name + ": the import was refused: " + imported.problems() + "\n"
                    + String.join("\n", imported.findings().stream().map(Finding::toString).toList()));
        }
        List<InetSocketAddress> hpBinds = new ArrayList<>();
        for (Integer port : bindPorts.values()) {
            hpBinds.add(new InetSocketAddress(HAPROXY_IP, port));
        }
        open.add(HaproxyProcess.start(hpDir.resolve("haproxy.cfg"), hpBinds));

        Map<String, String> yaml = new LinkedHashMap<>();
        imported.files().forEach((k, v) -> {
            if (k.endsWith(".yaml")) {
                yaml.put(k, v);
            }
        });
        LoadedConfig loaded = ConfigLoader.load(new ConfigFiles(yaml), null, SecretSource.of(Map.of()));
        ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
        open.add(runtime);
        ApplyResult r = runtime.apply(loaded.config(), "import");
        if (!(r instanceof ApplyResult.Applied)) {
            throw new IllegalStateException(name + ": Pointsman did not apply the import: " + r);
        }
        importedOutcome = imported;
        if (echoes.keySet().stream().anyMatch(id -> id.substring(id.indexOf('/') + 1).startsWith("sick"))) {
            // both sides' checks mark the sick servers DOWN (the cases check every 400 ms, fall 2)
            Thread.sleep(3000);
        }
        return new HaproxyConfig[] {pmParsed, hpParsed};
    }

    /** The import's outcome (report, files). */
    HaproxyImport.Outcome imported() {
        return importedOutcome;
    }

    /** Sends every probe to both sides and records what differs. */
    void compare(long seed) {
        List<RequestPlan.Frontend> frontends = RequestPlan.frontends(pmCfg);
        Map<String, Probe> reachedBackend = new LinkedHashMap<>();
        for (RequestPlan.Frontend f : frontends) {
            for (Probe p : RequestPlan.probes(pmCfg, f, seed)) {
                Integer port = bindPorts.get(CfgRewriter.Plan.bindKey(f.name(), p.bindIndex()));
                if (port == null) {
                    continue;
                }
                Probe.Seen h = p.send(new InetSocketAddress(HAPROXY_IP, port));
                Probe.Seen m = p.send(new InetSocketAddress(POINTSMAN_IP, port));
                probes++;
                compare(p, h, m);
                if (h.backend() != null && h.backend().equals(m.backend())) {
                    reachedBackend.putIfAbsent(h.backend(), p);
                }
            }
        }
        reached.addAll(reachedBackend.keySet());
        for (Map.Entry<String, Probe> e : reachedBackend.entrySet()) {
            balancing(e.getKey(), e.getValue());
        }
    }

    private void compare(Probe p, Probe.Seen h, Probe.Seen m) {
        String d = p.describe();
        if (!h.outcome().equals(m.outcome())) {
            add(p, "outcome", h.outcome() + (h.status() > 0 ? " " + h.status() : ""),
                    m.outcome() + (m.status() > 0 ? " " + m.status() : ""));
            return;
        }
        if (!h.outcome().equals("response")) {
            return;
        }
        if (h.status() != m.status()) {
            add(p, "status", Integer.toString(h.status()), Integer.toString(m.status()));
        }
        if (!java.util.Objects.equals(h.location(), m.location())) {
            add(p, "location", h.location(), m.location());
        }
        for (String name : union(filterResponse(h.responseHeaders()), filterResponse(m.responseHeaders()))) {
            String a = h.responseHeaders().get(name);
            String b = m.responseHeaders().get(name);
            if (!java.util.Objects.equals(a, b)) {
                add(p, "response header " + name, String.valueOf(a), String.valueOf(b));
            }
        }
        if (!java.util.Objects.equals(h.backend(), m.backend())) {
            add(p, "backend", h.backend(), m.backend());
            return;
        }
        if (h.server() == null) {
            return;
        }
        if (servers(h.backend()) == 1 && !h.server().equals(m.server())) {
            add(p, "server", h.server(), m.server());
        }
        if (!java.util.Objects.equals(h.serverTls(), m.serverTls())) {
            add(p, "TLS to the server", h.serverTls(), m.serverTls());
        }
        if (!java.util.Objects.equals(h.proxied(), m.proxied())) {
            add(p, "PROXY header to the server", h.proxied(), m.proxied());
        }
        Map<String, Integer> hh = headers(h.received());
        Map<String, Integer> mh = headers(m.received());
        for (String k : union(hh, mh)) {
            int a = hh.getOrDefault(k, 0);
            int b = mh.getOrDefault(k, 0);
            if (a != b) {
                add(p, "header the server received: " + k, a + "x", b + "x");
            }
        }
    }

    /**
     * The same request 2 × (number of servers) × 3 times on each side, one after another: the
     * servers it reaches and how often, compared.
     */
    private void balancing(String backend, Probe p) {
        int n = servers(backend);
        if (n < 2) {
            return;
        }
        int rounds = Math.min(60, 6 * n);
        Map<String, Integer> h = new TreeMap<>();
        Map<String, Integer> m = new TreeMap<>();
        Integer port = bindPorts.get(CfgRewriter.Plan.bindKey(p.frontend(), p.bindIndex()));
        for (int i = 0; i < rounds; i++) {
            h.merge(String.valueOf(p.send(new InetSocketAddress(HAPROXY_IP, port)).server()), 1, Integer::sum);
            m.merge(String.valueOf(p.send(new InetSocketAddress(POINTSMAN_IP, port)).server()), 1, Integer::sum);
        }
        balancingRounds++;
        System.out.println("  " + name + " balancing over " + backend + " (balance " + balance(backend) + "): HAProxy " + h
                + ", Pointsman " + m);
        if (!h.equals(m)) {
            differences.add(new Difference(name, p.frontend(), p.describe() + " × " + rounds, "balancing (balance "
                    + balance(backend) + ") over backend " + backend, h.toString(), m.toString(), p));
        }
    }

    /** The backend's balance algorithm as HAProxy resolves it (own line, else its defaults', else roundrobin). */
    String balance(String backend) {
        for (CfgSection s : pmCfg.sections()) {
            if (s.kind().hasBackend() && backend.equals(s.name())) {
                String own = null;
                for (CfgLine l : s.lines()) {
                    if (l.keyword().equals("balance")) {
                        own = l.word(1);
                    }
                }
                if (own != null) {
                    return own;
                }
                List<CfgSection> all = pmCfg.sections();
                for (int i = all.indexOf(s) - 1; i >= 0; i--) {
                    CfgSection d = all.get(i);
                    if (d.kind() == io.pointsman.agent.importer.haproxy.SectionKind.DEFAULTS
                            && (s.from() == null || s.from().equals(d.name()))) {
                        for (CfgLine l : d.lines()) {
                            if (l.keyword().equals("balance")) {
                                own = l.word(1);
                            }
                        }
                        return own == null ? "roundrobin" : own;
                    }
                }
            }
        }
        return "roundrobin";
    }

    int servers(String backend) {
        int n = 0;
        for (String id : echoes.keySet()) {
            if (id.startsWith(backend + "/")) {
                n++;
            }
        }
        return n;
    }

    private static Map<String, Integer> headers(List<String> lines) {
        Map<String, Integer> out = new TreeMap<>();
        for (String l : lines) {
            int colon = l.indexOf(':');
            String name = (colon < 0 ? l : l.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name)) {
                continue;
            }
            String value = colon < 0 ? "" : l.substring(colon + 1).trim();
            out.merge(name + ": " + value, 1, Integer::sum);
        }
        return out;
    }

    /**
     * Response headers that rules make or keep: not framing, not the proxies' own error pages'
     * (their bodies and headers differ by design: only status and Location are compared for
     * those), not the echo server's identity (compared as the server).
     */
    private static Map<String, Integer> filterResponse(Map<String, String> headers) {
        Map<String, Integer> out = new TreeMap<>();
        if (headers.isEmpty() || !headers.containsKey("x-echo-server")) {
            return out;
        }
        for (String k : headers.keySet()) {
            if (!Set.of("content-length", "connection", "x-echo-server", "content-type", "date", "keep-alive",
                    "transfer-encoding").contains(k)) {
                out.put(k, 1);
            }
        }
        return out;
    }

    private static Set<String> union(Map<String, Integer> a, Map<String, Integer> b) {
        Set<String> s = new java.util.TreeSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private void add(Probe p, String aspect, String h, String m) {
        differences.add(new Difference(name, p.frontend(), p.describe(), aspect, h, m, p));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    HaproxyConfig pointsmanSide() {
        return pmCfg;
    }

    HaproxyConfig haproxySide() {
        return hpCfg;
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    static Map<String, byte[]> companions(Path dir, String caseName) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Path d = dir.resolve(caseName + ".files");
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.toList()) {
                    out.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
