package io.pointsman.proxy.assertions;

import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.SecretSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Route cases that state what rules do (SPEC §8): tls, headers, expect_status/location/request and response headers. */
class RuleRouteCasesTest {
    private static final String PROXY = """
            version: 1
            frontends:
              - name: public
                bind: ["127.0.0.1:8080"]
                forwardfor: true
                acl:
                  - { name: tls, ssl_fc: true }
                  - { name: admin, path_beg: ["/admin"] }
                  - { name: office, src: ["198.51.100.0/24"] }
                  - { name: old-api, path_beg: ["/api/v1/"] }
                  - { name: api, path_beg: ["/api/"] }
                http_request:
                  - { redirect: { scheme: https, code: 301 }, unless: tls }
                  - { deny: { status: 403 }, if: "admin !office" }
                  - { replace_path: { regex: "^/api/v1/(.*)$", with: "/api/\\\\1" }, if: old-api }
                  - { del_header: { name: X-Debug } }
                http_response:
                  - { set_header: { name: Strict-Transport-Security, value: "max-age=63072000" }, if: tls }
                use_backend: [ { backend: api, if: api } ]
                default_backend: web
            backends:
              - name: web
                servers: [ { name: w1, address: "127.0.0.1:9001" } ]
              - name: api
                servers: [ { name: a1, address: "127.0.0.1:9002" } ]
            """;

    private static List<String> run(String cases) {
        try {
            RouteAssertions.loadAndCheck(new ConfigFiles(Map.of("proxy.yaml", PROXY, "tests/rules.yaml", cases)), null,
                    SecretSource.of(Map.of()));
            return List.of();
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
    }

    @Test
    void casesStateWhatTheRulesDo() {
        assertEquals(List.of(), run("""
                - { frontend: public, host: example.com, path: "/a?b=1", expect_status: 301, expect_location: "https://example.com/a?b=1" }
                - { frontend: public, tls: true, host: example.com, path: /admin, expect_status: 403 }
                - { frontend: public, tls: true, src: 198.51.100.4, host: example.com, path: /admin, expect_backend: web }
                - frontend: public
                  tls: true
                  host: example.com
                  path: "/api/v1/users?id=3"
                  headers: { X-Debug: "1", X-Keep: "k" }
                  expect_backend: api
                  expect_request_headers: { X-Debug: ~, X-Keep: k, X-Forwarded-For: 192.0.2.1, X-Forwarded-Proto: https }
                  expect_response_headers: { Strict-Transport-Security: "max-age=63072000" }
                """));
    }

    @Test
    void aFailingCaseSaysWhatItGot() {
        assertEquals(List.of("tests/rules.yaml:1: [0]: frontend 'public' tls host 'example.com' path '/admin': expected"
                        + " status 200, got 403; expected the server to receive X-A, but no request reached a server"
                        + " (status 403)",
                "tests/rules.yaml:2: [1]: frontend 'public' host 'example.com' path '/': expected location"
                        + " 'https://other/', got 'https://example.com/'; expected the client to get Strict-Transport-Security:"
                        + " 'x', got none"),
                run("""
                        - { frontend: public, tls: true, host: example.com, path: /admin, expect_status: 200, expect_request_headers: { X-A: b } }
                        - { frontend: public, host: example.com, path: /, expect_location: "https://other/", expect_response_headers: { Strict-Transport-Security: x } }
                        """));
    }

    @Test
    void aCaseNeedsAnExpectation() {
        assertEquals(List.of("tests/rules.yaml:1: [0]: a route case needs an expectation: expect_backend, expect: reject,"
                + " expect_status, expect_location, expect_request_headers or expect_response_headers"),
                run("- { frontend: public, tls: true }\n"));
    }
}
