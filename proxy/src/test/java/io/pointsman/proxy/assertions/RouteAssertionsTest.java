package io.pointsman.proxy.assertions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointsman.proxy.config.Backend;
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
            List.of(new Frontend("public-http", Mode.HTTP, List.of(HostPort.parse("127.0.0.1:8080")), null, null,
                    null, null, null, List.of(), List.of(), "web")),
            List.of(new Backend("web", Mode.HTTP, null, null, null, null, null, null,
                    List.of(new Server("web0", HostPort.parse("127.0.0.1:9001"), null, null, null, null, null)))),
            List.of(new Listen("port-map", Mode.TCP, List.of(HostPort.parse("*:35007")), null, null, null, null, null,
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
                        "tests/routes.yaml:1: [0].expect_backnd: unknown key (known: dst_port, expect, expect_backend, frontend, headers, host, method, name, path, sni, src)",
                        "tests/routes.yaml:1: [0]: a route case needs exactly one of expect_backend or expect: reject",
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
    void unknownFrontend() {
        assertEquals(List.of("tests/routes.yaml:1: [0].frontend: no frontend named 'nope'"),
                lines(check("- {frontend: nope, expect_backend: web}\n")));
    }

    @Test
    void notAList() {
        assertEquals(List.of("tests/routes.yaml:1: expected a list of route cases"), lines(check("frontend: x\n")));
    }
}
