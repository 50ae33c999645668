package io.pointsman.proxy.assertions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteAssertionsTest {
    private static final ProxyConfig CONFIG = Normalizer.normalize(new ProxyConfig(1, null, null, null,
            List.of(new Frontend("public-http", Mode.HTTP, List.of(Bind.plain(HostPort.parse("127.0.0.1:8080"))), null, null,
                    null, null, null, List.of(), List.of(), "web")),
            List.of(new Backend("web", Mode.HTTP, null, null, null, null, null, null,
                    List.of(new Server("web0", HostPort.parse("127.0.0.1:9001"), null, null, null, null, null)))),
            List.of(new Listen("port-map", Mode.TCP, List.of(Bind.plain(HostPort.parse("*:35007"))), null, null, null, null, null,
                    null, null, null, null, null,
                    List.of(new Server("app0", HostPort.parse("127.0.0.1:36007"), null, null, null, null, null)))),
            null, null));

    private static List<ConfigError> check(String yaml) {
        return RouteAssertions.check(new ConfigFiles(Map.of("proxy.yaml", "version: 1", "tests/routes.yaml", yaml)), CONFIG);
    }

    private static List<String> lines(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::toString).toList();
    }

    @Test
    void passingCasesGiveNoErrors() {
        assertEquals(List.of(), check("""
                - {frontend: public-http, path: /anything, expect_backend: web}
                - {frontend: port-map, src: 203.0.113.9, expect_backend: port-map}
                """));
    }

    @Test
    void failingCaseNamesTheCaseAndWhatItGot() {
        assertEquals(List.of("tests/routes.yaml:2: [1]: frontend 'public-http' host 'api.example.com' path '/api/x':"
                        + " expected backend 'api', got backend 'web'"),
                lines(check("""
                        - {frontend: public-http, expect_backend: web}
                        - {frontend: public-http, host: api.example.com, path: /api/x, expect_backend: api}
                        """)));
    }

    @Test
    void expectRejectFailsWhenSomethingAnswers() {
        assertEquals(List.of("tests/routes.yaml:1: [0]: frontend 'public-http': expected reject, got backend 'web'"),
                lines(check("- {frontend: public-http, expect: reject}\n")));
    }

    @Test
    void malformedCasesAreReportedWithTheirLine() {
        assertEquals(List.of(
                        "tests/routes.yaml:1: [0].expect_backnd: unknown key (known: dst_port, expect, expect_backend,"
                                + " expect_location, expect_request_headers, expect_response_headers, expect_status, frontend,"
                                + " headers, host, method, name, path, sni, src, tls)",
                        "tests/routes.yaml:1: [0]: a route case needs an expectation: expect_backend, expect: reject,"
                                + " expect_status, expect_location, expect_request_headers or expect_response_headers",
                        "tests/routes.yaml:3: [1]: a route case needs 'frontend'",
                        "tests/routes.yaml:4: [2].src: not an IP address: 'nowhere'"),
                lines(check("""
                        - {frontend: public-http, expect_backnd: web}
                        # a comment
                        - {path: /, expect_backend: web}
                        - {frontend: public-http, src: nowhere, expect_backend: web}
                        """)));
    }

    @Test
    void aCaseTheProxyWouldRefuseAsARequestIsAnErrorWithItsLine() {
        // Routing alone would match the text, the rules (tls: true, rules) the request's bytes: refused
        // before the two can disagree.
        List<String> errors = lines(check("""
                - {frontend: public-http, host: "caf\u00e9.example", expect_backend: web}
                - {frontend: public-http, path: "/a b", expect_backend: web}
                - {frontend: public-http, headers: {X-A: "v\u00e9"}, expect_backend: web}
                - {frontend: public-http, host: "api.example@", expect_backend: web}
                - {frontend: public-http, sni: "caf\u00e9.example", expect_backend: web}
                - {frontend: public-http, host: xn--caf-dma.example, headers: {X-A: "a b"}, expect_backend: web}
                """));
        assertEquals(5, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("tests/routes.yaml:1: [0]: the proxy would refuse this request (400: a control"
                + " or non-ASCII character): its host, path, method and headers must be what a request can carry"), errors::toString);
        assertTrue(errors.get(1).startsWith("tests/routes.yaml:2: [1]: the proxy would refuse this request (400: "), errors::toString);
        assertTrue(errors.get(2).startsWith("tests/routes.yaml:3: [2]: the proxy would refuse this request (400: a control"),
                errors::toString);
        assertTrue(errors.get(3).startsWith("tests/routes.yaml:4: [3]: the proxy would refuse this request (400: "), errors::toString);
        assertEquals("tests/routes.yaml:5: [4].sni: a client cannot send the server name 'caf\u00e9.example': use visible"
                + " ASCII (a name in its xn-- form)", errors.get(4));
    }

    @Test
    void tlsReachesUseBackendWithoutRules() {
        ProxyConfig config = Normalizer.normalize(new ProxyConfig(1, null, null, null,
                List.of(new Frontend("site", Mode.HTTP, List.of(Bind.plain(HostPort.parse("127.0.0.1:8443"))), null, null, null,
                        null, null,
                        List.of(new io.pointsman.proxy.config.Acl("tls", new io.pointsman.proxy.config.AclMatch.SslFc(true))),
                        List.of(new io.pointsman.proxy.config.UseBackend("secure",
                                io.pointsman.proxy.config.Condition.parse("tls"), null)),
                        "web")),
                List.of(new Backend("web", Mode.HTTP, null, null, null, null, null, null,
                                List.of(new Server("w", HostPort.parse("127.0.0.1:9001"), null, null, null, null, null))),
                        new Backend("secure", Mode.HTTP, null, null, null, null, null, null,
                                List.of(new Server("s", HostPort.parse("127.0.0.1:9002"), null, null, null, null, null)))),
                List.of(), null, null));
        assertEquals(List.of(), RouteAssertions.check(new ConfigFiles(Map.of("proxy.yaml", "version: 1",
                "tests/routes.yaml", """
                        - {frontend: site, tls: true, expect_backend: secure}
                        - {frontend: site, expect_backend: web}
                        """)), config));
    }

    @Test
    void unknownFrontend() {
        assertEquals(List.of("tests/routes.yaml:1: [0].frontend: no frontend named 'nope'"),
                lines(check("- {frontend: nope, expect_backend: web}\n")));
    }

    /** The blog's "fake HTTPS" tunnel: routed by source address, v4 and v6; SNI and http facts too. */
    private static final ProxyConfig ACL_CONFIG = Normalizer.normalize(new ProxyConfig(1, null, null, null,
            List.of(new Frontend("app-tunnel", Mode.TCP, List.of(Bind.plain(HostPort.parse("127.0.0.1:8443"))), null, null, null, null,
                            null,
                            List.of(new io.pointsman.proxy.config.Acl("from-pilot2", new io.pointsman.proxy.config.AclMatch.Src(
                                            List.of(io.pointsman.proxy.config.Cidr.parse("203.0.113.0/24"),
                                                    io.pointsman.proxy.config.Cidr.parse("2001:db8::/32")))),
                                    new io.pointsman.proxy.config.Acl("sni-app",
                                            new io.pointsman.proxy.config.AclMatch.Sni(List.of("app.example.com")))),
                            List.of(new io.pointsman.proxy.config.UseBackend("pilot2",
                                            io.pointsman.proxy.config.Condition.parse("from-pilot2"), null),
                                    new io.pointsman.proxy.config.UseBackend("app",
                                            io.pointsman.proxy.config.Condition.parse("sni-app"), null)),
                            null),
                    new Frontend("public-http", Mode.HTTP, List.of(Bind.plain(HostPort.parse("127.0.0.1:8080"))), null, null, null,
                            null, null,
                            List.of(new io.pointsman.proxy.config.Acl("api",
                                            new io.pointsman.proxy.config.AclMatch.PathBeg(List.of("/api/"))),
                                    new io.pointsman.proxy.config.Acl("admin",
                                            new io.pointsman.proxy.config.AclMatch.Host(List.of("admin.example.com")))),
                            List.of(new io.pointsman.proxy.config.UseBackend("pilot2",
                                    null, io.pointsman.proxy.config.Condition.parse("api || admin"))),
                            "web")),
            List.of(new Backend("pilot2", Mode.TCP, null, null, null, null, null, null,
                            List.of(new Server("a", HostPort.parse("127.0.0.1:9001"), null, null, null, null, null))),
                    new Backend("app", Mode.TCP, null, null, null, null, null, null,
                            List.of(new Server("a", HostPort.parse("127.0.0.1:9002"), null, null, null, null, null))),
                    new Backend("web", Mode.HTTP, null, null, null, null, null, null,
                            List.of(new Server("a", HostPort.parse("127.0.0.1:9003"), null, null, null, null, null)))),
            List.of(), null, null));

    @Test
    void aclFactsReachTheRouter() {
        String yaml = """
                - {frontend: app-tunnel, src: 203.0.113.9, expect_backend: pilot2}
                - {frontend: app-tunnel, src: "2001:db8::7", expect_backend: pilot2}
                - {frontend: app-tunnel, src: "::ffff:203.0.113.9", expect_backend: pilot2}
                - {frontend: app-tunnel, src: 198.51.100.1, sni: APP.example.com, expect_backend: app}
                - {frontend: app-tunnel, src: 198.51.100.1, expect: reject}
                - {frontend: public-http, path: /api/x, expect_backend: web}
                - {frontend: public-http, host: "admin.example.com:8080", expect_backend: web}
                - {frontend: public-http, path: /shop, expect_backend: pilot2}
                """;
        assertEquals(List.of(), RouteAssertions.check(
                new ConfigFiles(Map.of("proxy.yaml", "", "tests/routes.yaml", yaml)), ACL_CONFIG));
        assertEquals(List.of("tests/routes.yaml:1: [0]: frontend 'app-tunnel' src 198.51.100.1: expected backend 'pilot2', got reject"),
                lines(RouteAssertions.check(new ConfigFiles(Map.of("proxy.yaml", "",
                        "tests/routes.yaml", "- {frontend: app-tunnel, src: 198.51.100.1, expect_backend: pilot2}\n")), ACL_CONFIG)));
    }

    @Test
    void notAList() {
        assertEquals(List.of("tests/routes.yaml:1: expected a list of route cases"), lines(check("frontend: x\n")));
    }
}
