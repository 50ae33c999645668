package io.pointsman.agent.importer.translate;

import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.config.Regex;
import io.pointsman.agent.importer.yaml.YMap;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.UseBackend;
import io.pointsman.proxy.routing.ConnectionFacts;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.rules.PasswordVerifier;
import io.pointsman.proxy.rules.Simulator;
import io.pointsman.proxy.routing.RequestFacts;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * tests/routes.yaml for an imported config: for every translated {@code use_backend}, a
 * request that takes that rule (and no earlier one), and a request that takes none (the
 * default backend, or a reject). Requests are built from the acls' own values (an address
 * inside each {@code src} network, each path prefix, each host …) and tried, simplest first,
 * against Pointsman's real router for the imported frontend, with each rule pointed at a
 * backend of its own so the router says which rule took the request.
 */
public final class RouteCaseGenerator {
    /** Requests tried per frontend before giving up on the rules not reached yet. */
    private static final int MAX_TRIES = 20_000;
    private static final String DEFAULT_SRC = "192.0.2.1";

    /** What the translation knows of one frontend: its acls' values and its rules' lines. */
    public record Frontend(String name, String mode, List<String> aclNames, List<PmMatcher> matchers,
            List<Integer> ruleLines, List<String> ruleBackends, String defaultBackend, int defaultLine) {
    }

    /** Every frontend of the import. */
    public record Input(List<Frontend> frontends) {
    }

    /** The cases, and the rules no request was found for. */
    public record Output(List<YMap> cases, List<String> unreached) {
    }

    private RouteCaseGenerator() {}

    /**
     * @param file   how the case names call haproxy.cfg
     * @param config the imported config, loaded and validated
     */
    public static Output generate(String file, Input input, ProxyConfig config) {
        List<YMap> cases = new ArrayList<>();
        List<String> unreached = new ArrayList<>();
        Map<String, io.pointsman.proxy.config.Frontend> byName = new LinkedHashMap<>();
        for (io.pointsman.proxy.config.Frontend f : config.allFrontends()) {
            byName.put(f.name(), f);
        }
        boolean backendRules = config.allBackends().stream().anyMatch(b -> !b.httpRequest().isEmpty());
        try (PasswordVerifier verifier = PasswordVerifier.withOwnThread()) {
            Simulator simulator = null;
            for (Frontend in : input.frontends()) {
                io.pointsman.proxy.config.Frontend f = byName.get(in.name());
                if (f == null || !in.ruleBackends().equals(f.useBackend().stream()
                        .map(io.pointsman.proxy.config.UseBackend::backend).toList())) {
                    // Left out, or rules of it left out after translation (the output did not
                    // validate): the translation's rule list no longer says which rule is which.
                    continue;
                }
                // Route tests run a frontend with rules through the rules engine (RouteAssertions): so do these.
                boolean rules = backendRules || !f.httpRequest().isEmpty() || !f.tcpRequest().isEmpty();
                if (rules && simulator == null) {
                    simulator = new Simulator(config, verifier);
                }
                frontend(file, in, f, rules ? simulator : null, cases, unreached);
            }
        }
        return new Output(cases, unreached);
    }

    private static void frontend(String file, Frontend in, io.pointsman.proxy.config.Frontend f, Simulator simulator,
            List<YMap> cases, List<String> unreached) {
        FrontendRouter router = FrontendRouter.compile(probe(f));
        boolean http = in.mode().equals("http");
        int port = f.bind().isEmpty() ? 0 : f.bind().get(0).address().port();
        List<Dimension> dims = dimensions(in, http, port);
        int rules = f.useBackend().size();
        Map<String, Facts> found = new LinkedHashMap<>();
        Map<String, Facts> answers = new LinkedHashMap<>();
        Map<String, io.pointsman.proxy.rules.Answer> answered = new LinkedHashMap<>();
        int tries = 0;
        // Requests with k values away from the plain default, k = 0, 1, 2, …: the simplest
        // request that reaches a rule is the one its case shows.
        outer:
        for (int k = 0; k <= dims.size(); k++) {
            for (int[] choice : combinations(dims, k)) {
                if (++tries > MAX_TRIES) {
                    break outer;
                }
                Facts facts = Facts.of(dims, choice, port, http);
                String got = router.route(facts);
                String key = got == null ? "#reject" : got;
                if (found.containsKey(key)) {
                    continue;
                }
                if (simulator != null) {
                    // The rules run first: a request they answer never reaches its use_backend.
                    Verdict v = simulate(simulator, in, facts, http);
                    if (v.answer() != null) {
                        if (answers.size() < MAX_ANSWERS && answers.putIfAbsent(v.key(), facts) == null) {
                            answered.put(v.key(), v.answer());
                        }
                        continue;
                    }
                    String want = key.equals("#default") ? in.defaultBackend() : key.equals("#reject") ? null
                            : in.ruleBackends().get(Integer.parseInt(key.substring(1)));
                    if (!java.util.Objects.equals(want, v.backend())) {
                        continue;
                    }
                }
                found.put(key, facts);
                if (found.size() == rules + 1) {
                    break outer;
                }
            }
        }
        for (int i = 0; i < rules; i++) {
            Facts facts = found.get("#" + i);
            String label = file + ":" + in.ruleLines().get(i) + " use_backend " + in.ruleBackends().get(i);
            if (facts == null) {
                unreached.add(label);
                continue;
            }
            cases.add(facts.toCase(label, in.name()).put("expect_backend", in.ruleBackends().get(i)));
        }
        if (simulator != null) {
            // The rules' own answers (redirects, denials, returns, 401s): simplest requests first.
            int simulated = 0;
            answers:
            for (int k = 0; k <= Math.min(2, dims.size()); k++) {
                for (int[] choice : combinations(dims, k)) {
                    if (++simulated > ANSWER_TRIES || answers.size() >= MAX_ANSWERS) {
                        break answers;
                    }
                    Facts facts = Facts.of(dims, choice, port, http);
                    Verdict v = simulate(simulator, in, facts, http);
                    if (v.answer() != null && answers.putIfAbsent(v.key(), facts) == null) {
                        answered.put(v.key(), v.answer());
                    }
                }
            }
        }
        for (Map.Entry<String, Facts> a : answers.entrySet()) {
            io.pointsman.proxy.rules.Answer answer = answered.get(a.getKey());
            YMap c = a.getValue().toCase(in.name() + ": the rules answer " + answer.status()
                    + (answer.header("Location") != null ? " " + answer.header("Location") : ""), in.name());
            c.put("expect_status", answer.status());
            if (answer.header("Location") != null) {
                c.put("expect_location", answer.header("Location"));
            }
            cases.add(c);
        }
        Facts none = found.containsKey("#default") ? found.get("#default") : found.get("#reject");
        if (none != null) {
            String label = in.defaultBackend() == null ? in.name() + ": no rule applies"
                    : in.defaultBackend().equals(in.name()) && in.ruleLines().isEmpty()
                    ? file + ":" + in.defaultLine() + " " + in.name() + "'s own servers"
                    : file + ":" + in.defaultLine() + " default_backend " + in.defaultBackend();
            YMap c = none.toCase(label, in.name());
            if (in.defaultBackend() == null) {
                c.put("expect", "reject");
            } else {
                c.put("expect_backend", in.defaultBackend());
            }
            cases.add(c);
        }
    }

    /** Cases for the rules engine's own answers (redirects, denials, returns, 401s) per frontend, at most. */
    private static final int MAX_ANSWERS = 8;
    /** Requests run through the rules engine per frontend while looking for its answers. */
    private static final int ANSWER_TRIES = 3000;

    /** What the rules engine did with a request: answered it, or sent it to a backend (null: none). */
    private record Verdict(io.pointsman.proxy.rules.Answer answer, String backend) {
        /** One case per status and redirect target (scheme and host), whatever the path. */
        String key() {
            String location = answer.header("Location");
            return answer.status() + " " + (location == null ? "" : location.replaceFirst("^([a-z]+://[^/]*).*$", "$1"));
        }
    }

    private static Verdict simulate(Simulator simulator, Frontend in, Facts facts, boolean http) {
        ConnectionFacts connection = ConnectionFacts.of(facts.src(), 0, facts.destinationPort());
        if (facts.tlsOn()) {
            connection = connection.withTls(facts.tls());
        }
        if (!http) {
            return new Verdict(null, simulator.tcp(in.name(), facts));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        facts.headers().forEach((n, v) -> headers.put(n, List.of(v)));
        // the request a route test of these facts becomes, so the two cannot differ
        String head = RouteAssertions.requestHead(facts.method(), facts.path, facts.host, headers);
        Simulator.Outcome o = simulator.http(in.name(), connection, head, null);
        io.pointsman.proxy.rules.Answer a = o.answer();
        // No backend and 503 is "no rule took it" (a reject case); an answer before routing is the rules'.
        boolean rulesAnswered = a != null && o.backend() == null && a.status() != 503;
        return new Verdict(rulesAnswered ? a : null, o.backend());
    }

    /** The frontend with rule i sent to backend "#i" and the default to "#default". */
    static io.pointsman.proxy.config.Frontend probe(io.pointsman.proxy.config.Frontend f) {
        List<UseBackend> rules = new ArrayList<>();
        for (int i = 0; i < f.useBackend().size(); i++) {
            rules.add(with(f.useBackend().get(i), Map.of("backend", "#" + i)));
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("useBackend", rules);
        changes.put("defaultBackend", f.defaultBackend() == null ? null : "#default");
        return with(f, changes);
    }

    /** A copy of a record with some components replaced (by name), whatever else it holds. */
    @SuppressWarnings("unchecked")
    private static <R extends Record> R with(R record, Map<String, Object> changes) {
        try {
            RecordComponent[] rc = record.getClass().getRecordComponents();
            Object[] args = new Object[rc.length];
            Class<?>[] types = new Class<?>[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                args[i] = changes.containsKey(rc[i].getName()) ? changes.get(rc[i].getName())
                        : rc[i].getAccessor().invoke(record);
            }
            Constructor<?> c = record.getClass().getDeclaredConstructor(types);
            return (R) c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy " + record.getClass().getSimpleName(), e);
        }
    }

    // ---- request facts

    /** One thing a request can vary in, its first option being "as plain as can be". */
    private record Dimension(String key, String header, List<Object> options) {
    }

    private static List<Dimension> dimensions(Frontend in, boolean http, int port) {
        Set<Object> src = new LinkedHashSet<>(List.of(DEFAULT_SRC));
        Set<Object> ports = new LinkedHashSet<>();
        ports.add(port);
        Set<Object> sni = new LinkedHashSet<>();
        sni.add("");
        Set<Object> host = new LinkedHashSet<>();
        host.add("");
        Set<Object> path = new LinkedHashSet<>(List.of("/"));
        Set<Object> method = new LinkedHashSet<>(List.of("GET"));
        Map<String, Set<Object>> headers = new LinkedHashMap<>();
        Set<Object> tls = new LinkedHashSet<>(List.of(false));
        Map<String, Set<Object>> cookies = new LinkedHashMap<>();
        for (PmMatcher m : in.matchers()) {
            List<String> samples = samples(m);
            switch (m.key()) {
                case "src" -> m.values().forEach(v -> src.add(inside((String) v)));
                case "dst_port" -> ports.addAll(m.values());
                case "sni" -> m.values().stream().map(v -> name((String) v)).filter(RouteAssertions::visibleAscii)
                        .forEach(sni::add);
                case "ssl_fc" -> tls.add(true);
                case "path", "path_beg", "path_end", "path_sub", "path_dir", "path_reg" -> path.addAll(samples);
                case "method" -> method.addAll(samples);
                case "header" -> {
                    if (m.name().equalsIgnoreCase("host")) {
                        host.addAll(samples);
                    } else {
                        headers.computeIfAbsent(m.name(), h -> new LinkedHashSet<>(List.of(""))).addAll(samples);
                    }
                }
                case "cookie" -> cookies.computeIfAbsent(m.name(), h -> new LinkedHashSet<>(List.of(""))).addAll(samples);
                case "query_param" -> samples.forEach(v -> path.add("/?" + m.name() + "=" + v));
                default -> { }
            }
        }
        src.add("198.51.100.77");
        List<Dimension> dims = new ArrayList<>();
        dims.add(new Dimension("src", null, new ArrayList<>(src)));
        dims.add(new Dimension("dst_port", null, new ArrayList<>(ports)));
        if (!http) {
            dims.add(new Dimension("sni", null, new ArrayList<>(sni)));
            return dims;
        }
        dims.add(new Dimension("host", null, new ArrayList<>(host)));
        dims.add(new Dimension("path", null, new ArrayList<>(path)));
        dims.add(new Dimension("method", null, new ArrayList<>(method)));
        dims.add(new Dimension("tls", null, new ArrayList<>(tls)));
        headers.forEach((h, vs) -> dims.add(new Dimension("header", h, new ArrayList<>(vs))));
        cookies.forEach((c, vs) -> dims.add(new Dimension("cookie", c, new ArrayList<>(vs))));
        dims.removeIf(d -> d.options().size() < 2);
        return dims;
    }

    /** Choices (option index per dimension) with exactly {@code k} dimensions off their first option. */
    private static Iterable<int[]> combinations(List<Dimension> dims, int k) {
        List<int[]> out = new ArrayList<>();
        subsets(dims, k, 0, new int[dims.size()], out);
        return out;
    }

    private static void subsets(List<Dimension> dims, int k, int from, int[] choice, List<int[]> out) {
        if (out.size() > MAX_TRIES) {
            return;
        }
        if (k == 0) {
            out.add(choice.clone());
            return;
        }
        for (int d = from; d < dims.size(); d++) {
            for (int o = 1; o < dims.get(d).options().size(); o++) {
                choice[d] = o;
                subsets(dims, k - 1, d + 1, choice, out);
                choice[d] = 0;
            }
        }
    }

    /** Whether a request with {@code v} where matcher {@code m} reads it is one the proxy takes. */
    private static boolean sendable(PmMatcher m, String v) {
        String host = "a.example";
        return switch (m.key()) {
            case "header" -> m.name().equalsIgnoreCase("host")
                    ? RouteAssertions.refusal(null, null, v, Map.of()) == null
                    : RouteAssertions.refusal(null, null, host, Map.of(m.name(), List.of(v))) == null;
            case "cookie" -> RouteAssertions.refusal(null, null, host, Map.of("Cookie", List.of(m.name() + "=" + v))) == null;
            case "method" -> RouteAssertions.refusal(v, null, host, Map.of()) == null;
            case "query_param" -> RouteAssertions.refusal(null, "/?" + m.name() + "=" + v, host, Map.of()) == null;
            default -> !m.key().startsWith("path") || RouteAssertions.refusal(null, v, host, Map.of()) == null;
        };
    }

    /**
     * Request values a matcher holds for (or may, for a regex): what each of its values
     * looks like in a request, in the case the router will see it (host names lower case,
     * as route tests give them).
     */
    static List<String> samples(PmMatcher m) {
        List<String> out = new ArrayList<>();
        String kind = m.text() != null ? m.text() : switch (m.key()) {
            case "path_beg" -> "beg";
            case "path_end" -> "end";
            case "path_sub" -> "sub";
            case "path_dir" -> "dir";
            case "path_reg" -> "reg";
            default -> "exact";
        };
        boolean path = m.key().startsWith("path");
        boolean host = m.key().equals("header") && m.name().equalsIgnoreCase("host");
        for (Object o : m.values()) {
            String v = String.valueOf(o);
            String sample = switch (kind) {
                case "found" -> "1";
                case "beg" -> v + "x";
                case "end" -> path && !v.startsWith("/") ? "/x" + v : "x" + v;
                case "sub" -> (path ? "/x" : "x") + v + "x";
                case "dir" -> "/" + v.replaceAll("^/+|/+$", "") + "/x";
                case "dom" -> "a." + v.replaceAll("^[./:?]+|[./:?]+$", "");
                case "reg" -> regexSample(m.ignoreCase() ? "(?i)" + v : v);
                default -> v;
            };
            if (sample == null) {
                continue;
            }
            if (host) {
                sample = sample.toLowerCase(Locale.ROOT);
            }
            // a value the proxy would refuse in a request (400) is no case
            if (sendable(m, sample)) {
                out.add(sample);
            }
            if ((kind.equals("beg") || kind.equals("exact") && path) && sendable(m, v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** An address inside a network: the address itself for a host, else the network's first host. */
    static String inside(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return cidr;
        }
        Cidr c = Cidr.parse(cidr);
        byte[] b = c.network();
        int bits = b.length * 8;
        if (c.prefix() < bits) {
            b[b.length - 1] |= 1;
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(String pattern) {
        return pattern.startsWith("*.") ? "a" + pattern.substring(1) : pattern;
    }

    /** A path the regex finds, when the regex is mostly literal; null when no simple one is found. */
    static String regexSample(String regex) {
        String r = regex.replace("(?i)", "");
        String literal = r.replaceAll("^\\^", "").replaceAll("\\$$", "").replace("\\.", ".").replace("\\/", "/")
                .replace(".*", "x").replace(".+", "x");
        List<String> candidates = List.of(literal, literal.startsWith("/") ? literal : "/" + literal);
        Pattern p = Regex.parse(regex).pattern();
        for (String c : candidates) {
            if (!c.isEmpty() && p.matcher(c).find()) {
                return c;
            }
        }
        return null;
    }

    /** One request: the chosen value of each dimension. */
    private record Facts(InetAddress source, String src, int port, Integer dstPort, String sni, String host,
            String path, String method, Map<String, String> headers, boolean tlsOn, boolean http)
            implements RequestFacts {

        static Facts of(List<Dimension> dims, int[] choice, int defaultPort, boolean http) {
            String src = DEFAULT_SRC;
            Integer dstPort = null;
            String sni = null;
            String host = null;
            String path = null;
            String method = null;
            Map<String, String> headers = new LinkedHashMap<>();
            boolean tls = false;
            List<String> cookies = new ArrayList<>();
            for (int i = 0; i < dims.size(); i++) {
                Dimension d = dims.get(i);
                Object v = d.options().get(choice[i]);
                if (choice[i] == 0) {
                    continue;
                }
                switch (d.key()) {
                    case "src" -> src = (String) v;
                    case "dst_port" -> dstPort = (Integer) v;
                    case "sni" -> sni = (String) v;
                    case "host" -> host = (String) v;
                    case "path" -> path = (String) v;
                    case "method" -> method = (String) v;
                    case "tls" -> tls = (Boolean) v;
                    case "cookie" -> cookies.add(d.header() + "=" + v);
                    default -> headers.put(d.header(), (String) v);
                }
            }
            if (!cookies.isEmpty()) {
                headers.put("Cookie", String.join("; ", cookies));
            }
            try {
                return new Facts(InetAddress.getByAddress(Cidr.literal(src)), src, defaultPort, dstPort,
                        sni == null || sni.isEmpty() ? null : sni, host == null || host.isEmpty() ? null : host,
                        path, method, headers, tls, http);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int destinationPort() {
            return dstPort != null ? dstPort : port;
        }

        /** As route tests see it: lower case, without a port. */
        @Override
        public String host() {
            if (host == null) {
                return null;
            }
            int colon = host.indexOf(':');
            return (colon >= 0 ? host.substring(0, colon) : host).toLowerCase(Locale.ROOT);
        }

        @Override
        public String path() {
            String p = path != null ? path : http ? "/" : null;
            return p == null || p.indexOf('?') < 0 ? p : p.substring(0, p.indexOf('?'));
        }

        @Override
        public String query() {
            return path == null || path.indexOf('?') < 0 ? null : path.substring(path.indexOf('?') + 1);
        }

        @Override
        public io.pointsman.proxy.tls.TlsFacts tls() {
            return tlsOn ? new io.pointsman.proxy.tls.TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", sni, null, null, 0)
                    : null;
        }

        @Override
        public String method() {
            return method != null ? method : http ? "GET" : null;
        }

        @Override
        public List<String> header(String name) {
            if (name.equalsIgnoreCase("host")) {
                return host() == null ? List.of() : List.of(host());
            }
            for (Map.Entry<String, String> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return List.of(e.getValue());
                }
            }
            return List.of();
        }

        YMap toCase(String name, String frontend) {
            YMap m = new YMap().put("name", name).put("frontend", frontend);
            if (!src.equals(DEFAULT_SRC)) {
                m.put("src", src);
            }
            if (dstPort != null) {
                m.put("dst_port", dstPort);
            }
            if (sni != null) {
                m.put("sni", sni);
            }
            if (host != null) {
                m.put("host", host);
            }
            if (path != null) {
                m.put("path", path);
            }
            if (method != null) {
                m.put("method", method);
            }
            if (tlsOn) {
                m.put("tls", true);
            }
            if (!headers.isEmpty()) {
                YMap h = new YMap();
                headers.forEach(h::put);
                m.put("headers", h);
            }
            return m;
        }
    }
}
