package io.pointsman.proxy.assertions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.http.HttpLimits;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.http.wire.RequestRefusedException;
import io.pointsman.proxy.routing.ConnectionFacts;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.routing.RequestFacts;
import io.pointsman.proxy.rules.PasswordVerifier;
import io.pointsman.proxy.rules.Simulator;
import io.pointsman.proxy.tls.TlsFacts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the route assertions of a config repo and runs them against a validated,
 * normalized config. Problems come back as {@link ConfigError}s pointing at the case's
 * file and line, in the same form as validation errors.
 */
public final class RouteAssertions {
    /** Client address used when a case gives no {@code src}. */
    public static final String DEFAULT_SRC = "192.0.2.1";

    private static final Set<String> KEYS = Set.of("name", "frontend", "src", "dst_port", "sni", "host", "path",
            "method", "headers", "tls", "expect_backend", "expect", "expect_status", "expect_location",
            "expect_request_headers", "expect_response_headers");
    /** Password checks of {@code auth} rules, off the caller's thread; one for the process. */
    private static final class Verifier {
        static final PasswordVerifier INSTANCE = PasswordVerifier.withOwnThread();
    }
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RouteAssertions() {}

    /**
     * Everything a revision must pass before it may serve, in one place for the agent and
     * {@code pointsman validate}: load (merge, secrets, schema validation), then the route
     * assertions against the compiled routers.
     *
     * @throws ConfigException with the schema errors, or else with the failing cases
     */
    public static LoadedConfig loadAndCheck(ConfigFiles files, String node, SecretSource secrets) throws ConfigException {
        LoadedConfig loaded = ConfigLoader.load(files, node, secrets);
        List<ConfigError> failed = check(files, loaded.config());
        if (!failed.isEmpty()) {
            throw new ConfigException(failed.stream().map(e -> new ConfigError(e.file(), e.line(), e.path(),
                    loaded.redactor().redact(e.message()))).toList());
        }
        return loaded;
    }

    /** Every problem: unparsable cases and failing ones. Empty when all pass (or there are none). */
    public static List<ConfigError> check(ConfigFiles files, ProxyConfig config) {
        List<ConfigError> errors = new ArrayList<>();
        List<RouteCase> cases = parse(files, errors);
        if (errors.isEmpty()) {
            errors.addAll(run(cases, config));
        }
        return errors;
    }

    /** The cases of every {@code tests/*.yaml}, in file order; problems go to {@code errors}. */
    public static List<RouteCase> parse(ConfigFiles files, List<ConfigError> errors) {
        List<RouteCase> cases = new ArrayList<>();
        files.files().keySet().stream().filter(p -> p.startsWith("tests/") && p.endsWith(".yaml")).sorted()
                .forEach(file -> parseFile(file, files.get(file), cases, errors));
        return cases;
    }

    private static void parseFile(String file, String text, List<RouteCase> cases, List<ConfigError> errors) {
        try (JsonParser p = YAML.getFactory().createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return;
            }
            if (t != JsonToken.START_ARRAY) {
                errors.add(new ConfigError(file, line(p), "", "expected a list of route cases"));
                return;
            }
            int index = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                int line = line(p);
                JsonNode node = p.readValueAsTree();
                String path = "[" + index + "]";
                if (node == null || !node.isObject()) {
                    errors.add(new ConfigError(file, line, path, "expected a map such as {frontend: web, path: /, expect_backend: web-farm}"));
                } else {
                    RouteCase c = toCase(file, line, index, node, path, errors);
                    if (c != null) {
                        cases.add(c);
                    }
                }
                index++;
            }
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? j.getLocation().getLineNr() : 0;
            errors.add(new ConfigError(file, line, "", "not valid YAML: " + firstLine(e.getMessage())));
        }
    }

    private static RouteCase toCase(String file, int line, int index, JsonNode n, String path, List<ConfigError> errors) {
        int before = errors.size();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                errors.add(new ConfigError(file, line, path + "." + key, "unknown key (known: " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")"));
            }
        }
        String frontend = text(n, "frontend");
        if (frontend == null) {
            errors.add(new ConfigError(file, line, path, "a route case needs 'frontend'"));
        }
        String expectBackend = text(n, "expect_backend");
        String expect = text(n, "expect");
        boolean reject = "reject".equals(expect);
        if (expect != null && !reject) {
            errors.add(new ConfigError(file, line, path + ".expect", "only 'reject' is allowed here; use expect_backend for a backend"));
        }
        Integer expectStatus = null;
        if (n.has("expect_status")) {
            JsonNode st = n.get("expect_status");
            if (!st.canConvertToInt() || st.asInt() < 100 || st.asInt() > 599) {
                errors.add(new ConfigError(file, line, path + ".expect_status", "expected an HTTP status (100-599)"));
            } else {
                expectStatus = st.asInt();
            }
        }
        String expectLocation = text(n, "expect_location");
        Map<String, String> expectRequestHeaders = headerMap(n, "expect_request_headers", file, line, path, errors);
        Map<String, String> expectResponseHeaders = headerMap(n, "expect_response_headers", file, line, path, errors);
        boolean rules = expectStatus != null || expectLocation != null || !expectRequestHeaders.isEmpty()
                || !expectResponseHeaders.isEmpty();
        if (expectBackend != null && reject) {
            errors.add(new ConfigError(file, line, path, "a route case takes expect_backend or expect: reject, not both"));
        } else if (expectBackend == null && !reject && !rules) {
            errors.add(new ConfigError(file, line, path, "a route case needs an expectation: expect_backend, expect: reject,"
                    + " expect_status, expect_location, expect_request_headers or expect_response_headers"));
        }
        boolean tls = false;
        if (n.has("tls")) {
            if (!n.get("tls").isBoolean()) {
                errors.add(new ConfigError(file, line, path + ".tls", "expected true or false"));
            } else {
                tls = n.get("tls").asBoolean();
            }
        }
        String src = text(n, "src");
        if (src != null && Cidr.literal(src) == null) {
            errors.add(new ConfigError(file, line, path + ".src", "not an IP address: '" + src + "'"));
        }
        Integer dstPort = null;
        if (n.has("dst_port")) {
            if (!n.get("dst_port").canConvertToInt() || n.get("dst_port").asInt() < 1 || n.get("dst_port").asInt() > 65535) {
                errors.add(new ConfigError(file, line, path + ".dst_port", "expected a port number"));
            } else {
                dstPort = n.get("dst_port").asInt();
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        JsonNode h = n.get("headers");
        if (h != null) {
            if (!h.isObject()) {
                errors.add(new ConfigError(file, line, path + ".headers", "expected a map of header name to value(s)"));
            } else {
                h.fields().forEachRemaining(e -> {
                    List<String> values = new ArrayList<>();
                    if (e.getValue().isArray()) {
                        e.getValue().forEach(v -> values.add(v.asText()));
                    } else {
                        values.add(e.getValue().asText());
                    }
                    headers.put(e.getKey().toLowerCase(Locale.ROOT), List.copyOf(values));
                });
            }
        }
        // What the case says must be a request the proxy takes, byte for byte: the rules see the
        // request's bytes, routing alone the case's text, and the two must not disagree.
        String sni = text(n, "sni");
        if (sni != null && !visibleAscii(sni)) {
            errors.add(new ConfigError(file, line, path + ".sni", "a client cannot send the server name '" + sni
                    + "': use visible ASCII (a name in its xn-- form)"));
        }
        String refused = errors.size() > before ? null : refusal(text(n, "method"), text(n, "path"), text(n, "host"),
                headers);
        if (refused != null) {
            errors.add(new ConfigError(file, line, path, "the proxy would refuse this request (400: " + refused
                    + "): its host, path, method and headers must be what a request can carry (visible ASCII, a name"
                    + " in its xn-- form, a path percent-encoded)"));
        }
        if (errors.size() > before) {
            return null;
        }
        return new RouteCase(file, line, index, frontend, src, dstPort, lower(text(n, "sni")), text(n, "host"),
                text(n, "path"), text(n, "method"), headers, tls, expectBackend, reject, expectStatus, expectLocation,
                expectRequestHeaders, expectResponseHeaders);
    }

    /** A map of header name → value (null or "" = the header must be absent). */
    private static Map<String, String> headerMap(JsonNode n, String key, String file, int line, String path,
                                                 List<ConfigError> errors) {
        JsonNode h = n.get(key);
        if (h == null || h.isNull()) {
            return Map.of();
        }
        if (!h.isObject()) {
            errors.add(new ConfigError(file, line, path + "." + key, "expected a map of header name to value"));
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        h.fields().forEachRemaining(e -> {
            if (e.getValue().isContainerNode()) {
                errors.add(new ConfigError(file, line, path + "." + key + "." + e.getKey(), "expected one value"));
            } else {
                out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
            }
        });
        return out;
    }

    /** Runs parsed cases; returns one error per failing case. */
    public static List<ConfigError> run(List<RouteCase> cases, ProxyConfig config) {
        List<ConfigError> errors = new ArrayList<>();
        Map<String, FrontendRouter> routers = new LinkedHashMap<>();
        Map<String, Frontend> frontends = new LinkedHashMap<>();
        for (Frontend f : config.allFrontends()) {
            frontends.put(f.name(), f);
        }
        Simulator simulator = null;
        for (RouteCase c : cases) {
            String path = "[" + c.index() + "]";
            Frontend f = frontends.get(c.frontend());
            if (f == null) {
                errors.add(new ConfigError(c.file(), c.line(), path + ".frontend", "no frontend named '" + c.frontend() + "'"));
                continue;
            }
            boolean http = f.mode() == io.pointsman.proxy.config.Mode.HTTP;
            // The Simulator for whatever routing alone cannot say: rules, limits, TLS (ssl_fc acls).
            boolean rules = !f.httpRequest().isEmpty() || !f.tcpRequest().isEmpty() || c.checksRules()
                    || (c.tls() && http) || config.allBackends().stream().anyMatch(b -> !b.httpRequest().isEmpty());
            String got;
            Simulator.Outcome outcome = null;
            if (!rules) {
                FrontendRouter router = routers.computeIfAbsent(f.name(), k -> FrontendRouter.compile(f));
                got = router.route(facts(c, f));
            } else {
                if (simulator == null) {
                    simulator = new Simulator(config, Verifier.INSTANCE);
                }
                if (http) {
                    outcome = simulator.http(f.name(), connection(c, f), requestHead(c), null);
                    got = outcome.backend();
                } else {
                    got = simulator.tcp(f.name(), facts(c, f));
                }
            }
            List<String> wrong = new ArrayList<>();
            String want = c.expectReject() ? null : c.expectBackend();
            if ((c.expectReject() || want != null) && (want == null ? got != null : !want.equals(got))) {
                wrong.add("expected " + (want == null ? "reject" : "backend '" + want + "'") + ", got "
                        + (got == null ? "reject" : "backend '" + got + "'"));
            }
            if (outcome != null) {
                check(c, outcome, wrong);
            } else if (c.checksRules()) {
                wrong.add("status, location and headers are checked in http mode only");
            }
            if (!wrong.isEmpty()) {
                errors.add(new ConfigError(c.file(), c.line(), path, c.describe() + ": " + String.join("; ", wrong)));
            }
        }
        return errors;
    }

    private static void check(RouteCase c, Simulator.Outcome o, List<String> wrong) {
        if (c.expectStatus() != null && c.expectStatus() != o.status()) {
            wrong.add("expected status " + c.expectStatus() + ", got " + o.status());
        }
        if (c.expectLocation() != null) {
            String got = o.answer() == null ? null : o.answer().header("Location");
            if (!c.expectLocation().equals(got)) {
                wrong.add("expected location '" + c.expectLocation() + "', got "
                        + (got == null ? "none" : "'" + got + "'"));
            }
        }
        c.expectRequestHeaders().forEach((name, value) -> {
            if (o.serverRequest() == null) {
                wrong.add("expected the server to receive " + name + ", but no request reached a server (status "
                        + o.status() + ")");
                return;
            }
            compare("the server to receive", name, value, o.serverHeader(name), wrong);
        });
        c.expectResponseHeaders().forEach((name, value) -> compare("the client to get", name, value,
                o.clientHeader(name), wrong));
    }

    private static void compare(String who, String name, String want, List<String> got, List<String> wrong) {
        String joined = String.join(", ", got);
        if (want.isEmpty() ? !got.isEmpty() : !want.equals(joined)) {
            wrong.add("expected " + who + " " + name + (want.isEmpty() ? " absent" : ": '" + want + "'") + ", got "
                    + (got.isEmpty() ? "none" : "'" + joined + "'"));
        }
    }

    /** The request a case describes: method, path (with its query), Host (HTTP/1.0 without one), headers. */
    private static String requestHead(RouteCase c) {
        return requestHead(c.method(), c.path(), c.host(), c.headers());
    }

    /**
     * A request head: {@code method} (GET when null), {@code target} ({@code /} when null),
     * {@code host} or else a {@code host} entry of {@code headers} (HTTP/1.0 without either),
     * the other headers.
     */
    public static String requestHead(String method, String target, String host, Map<String, List<String>> headers) {
        List<String> hostHeader = headers.get("host");
        String h = host != null ? host : hostHeader != null && !hostHeader.isEmpty() ? hostHeader.get(0) : null;
        StringBuilder sb = new StringBuilder(method != null ? method : "GET").append(' ')
                .append(target != null ? target : "/").append(h == null ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
        if (h != null) {
            sb.append("Host: ").append(h).append("\r\n");
        }
        headers.forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
                for (String v : values) {
                    sb.append(name).append(": ").append(v).append("\r\n");
                }
            }
        });
        return sb.append("\r\n").toString();
    }

    /**
     * Why the proxy would refuse (400) the request of a case with these values, or null when
     * it takes it. A case no request can be makes routing (which reads the case's text) and
     * the rules (which read the request's bytes) disagree, so such a case is an error.
     *
     * @param method  null: GET
     * @param target  null: /
     * @param host    null: none (then HTTP/1.0)
     * @param headers header name to values
     */
    public static String refusal(String method, String target, String host, Map<String, List<String>> headers) {
        List<String> parts = new ArrayList<>();
        for (String p : new String[] {method, target, host}) {
            if (p != null) {
                parts.add(p);
            }
        }
        headers.forEach((name, values) -> {
            parts.add(name);
            parts.addAll(values);
        });
        for (String p : parts) {
            if (p.chars().anyMatch(ch -> ch > 0x7e || ch < 0x20 && ch != '\t')) {
                return "a control or non-ASCII character";
            }
        }
        String head = requestHead(method, target, host, headers);
        ByteBuf in = Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII);
        try {
            return new RequestHeadParser(HttpLimits.DEFAULT).parse(in) == null ? "an incomplete request" : null;
        } catch (RequestRefusedException e) {
            return e.getMessage();
        } finally {
            in.release();
        }
    }

    private static ConnectionFacts connection(RouteCase c, Frontend f) {
        int port = c.dstPort() != null ? c.dstPort() : f.bind().isEmpty() ? 0 : f.bind().get(0).address().port();
        ConnectionFacts plain = ConnectionFacts.of(c.src() != null ? c.src() : DEFAULT_SRC, 0, port);
        if (!c.tls()) {
            return plain;
        }
        String sni = c.sni() != null ? c.sni() : c.host() != null ? stripPort(c.host()).toLowerCase(Locale.ROOT) : null;
        return plain.withTls(new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", sni, null, null, 0));
    }

    private static RequestFacts facts(RouteCase c, Frontend f) {
        InetAddress src;
        try {
            src = InetAddress.getByAddress(Cidr.literal(c.src() != null ? c.src() : DEFAULT_SRC));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("checked literal", e);
        }
        int port = c.dstPort() != null ? c.dstPort() : f.bind().isEmpty() ? 0 : f.bind().get(0).address().port();
        boolean http = f.mode() == io.pointsman.proxy.config.Mode.HTTP;
        String host = c.host() != null ? stripPort(c.host()).toLowerCase(Locale.ROOT) : null;
        String target = c.path() != null ? c.path() : http ? "/" : null;
        // A case's path may carry a query (SPEC §8): the router sees them apart, as a request's.
        int q = target == null ? -1 : target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        String method = c.method() != null ? c.method() : http ? "GET" : null;
        TlsFacts tls = connection(c, f).tls();
        return new RequestFacts() {
            @Override
            public InetAddress source() {
                return src;
            }

            @Override
            public TlsFacts tls() {
                return tls;
            }

            @Override
            public String query() {
                return query;
            }

            @Override
            public int destinationPort() {
                return port;
            }

            @Override
            public String sni() {
                return c.sni();
            }

            @Override
            public String host() {
                return host;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String method() {
                return method;
            }

            @Override
            public List<String> header(String name) {
                if (name.equalsIgnoreCase("host") && host != null) {
                    return List.of(host);
                }
                return c.headers().getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            }
        };
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(1, close) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 && host.indexOf(':', colon + 1) < 0 ? host.substring(0, colon) : host;
    }

    /** Whether {@code s} is visible ASCII only (what a server name a client sends is). */
    public static boolean visibleAscii(String s) {
        return s.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
