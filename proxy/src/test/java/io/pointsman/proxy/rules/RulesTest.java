package io.pointsman.proxy.rules;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.pointsman.proxy.routing.ConnectionFacts;
import io.pointsman.proxy.tls.TlsFacts;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static io.pointsman.proxy.rules.RuleConfigs.CLIENT;
import static io.pointsman.proxy.rules.RuleConfigs.frontend;
import static io.pointsman.proxy.rules.RuleConfigs.get;
import static io.pointsman.proxy.rules.RuleConfigs.request;
import static io.pointsman.proxy.rules.RuleConfigs.simulator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every http_request / http_response action, end to end through the compiled rules and the head writers. */
class RulesTest {
    private static final ConnectionFacts TLS_CLIENT = CLIENT.withTls(
            new TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "a.example", null, null, 0));

    private static Simulator.Outcome run(String yaml, String head) {
        return simulator(yaml).http("web", CLIENT, head, null);
    }

    // ---- redirect

    @Test
    void schemeRedirectKeepsHostPortPathAndQuery() {
        String yaml = frontend("""
                    acl: [ { name: tls, ssl_fc: true } ]
                    http_request:
                      - { redirect: { scheme: https, code: 301 }, unless: tls }
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome o = sim.http("web", CLIENT, request("GET", "/a/b?x=1&y", "A.example:8080"), null);
        assertEquals(301, o.status());
        assertEquals("https://A.example:8080/a/b?x=1&y", o.answer().header("Location"));
        assertTrue(o.clientResponse().startsWith("HTTP/1.1 301 Moved Permanently\r\n"), o.clientResponse());
        assertNull(o.serverRequest());
        // Over TLS the rule does not hold: the request reaches the server.
        Simulator.Outcome tls = sim.http("web", TLS_CLIENT, get("/a"), null);
        assertEquals(200, tls.status());
        assertEquals("app", tls.backend());
    }

    @Test
    void redirectCodesPrefixDropQueryAndLocation() {
        String yaml = frontend("""
                    acl:
                      - { name: www, host_beg: ["www."] }
                      - { name: ping, path: ["/ping"] }
                      - { name: old, path_beg: ["/old/"] }
                    http_request:
                      - { redirect: { prefix: "https://example.com", code: 308 }, if: www }
                      - { redirect: { location: "https://status.example.com/?from=%[path]" }, if: ping }
                      - { redirect: { prefix: "/", drop_query: true, code: 303 }, if: old }
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome www = sim.http("web", CLIENT, request("GET", "/p?q=1", "www.example.com"), null);
        assertEquals(308, www.status());
        assertEquals("https://example.com/p?q=1", www.answer().header("Location"));
        Simulator.Outcome ping = sim.http("web", CLIENT, get("/ping"), null);
        assertEquals(302, ping.status(), "302 is the default code");
        assertEquals("https://status.example.com/?from=/ping", ping.answer().header("Location"));
        Simulator.Outcome old = sim.http("web", CLIENT, get("/old/x?drop=me"), null);
        assertEquals(303, old.status());
        assertEquals("/old/x", old.answer().header("Location"), "prefix '/' adds nothing; drop_query");
    }

    // ---- deny, return

    @Test
    void denyAnswersWithThePageOfItsStatus() {
        String yaml = frontend("""
                    acl:
                      - { name: admin, path_beg: ["/admin"] }
                      - { name: office, src: ["198.51.100.0/24"] }
                      - { name: bot, header: { name: User-Agent, sub: ["bot"] }, ignore_case: true }
                    http_request:
                      - { deny: {}, if: "admin !office" }
                      - { deny: { status: 429 }, if: bot }
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome admin = sim.http("web", CLIENT, get("/admin/x"), null);
        assertEquals(403, admin.status());
        assertTrue(new String(admin.answer().body(), StandardCharsets.US_ASCII).contains("403 Forbidden"));
        assertEquals(200, sim.http("web", ConnectionFacts.of("198.51.100.9", 1, 8080), get("/admin/x"), null).status());
        assertEquals(429, sim.http("web", CLIENT, get("/", "User-Agent: GoogleBOT/2.1"), null).status());
    }

    @Test
    void returnAnswersWithStatusTypeAndBody() {
        String yaml = frontend("""
                    acl: [ { name: ping, path: ["/ping"] } ]
                    http_request:
                      - { return: { status: 200, content_type: text/plain, body: "pong from %[fe_name] to %[src]\\n" }, if: ping }
                      - { return: { status: 204 } }
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome o = sim.http("web", CLIENT, get("/ping"), null);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 27\r\nConnection: keep-alive\r\n\r\n"
                + "pong from web to 192.0.2.7\n", o.clientResponse());
        Simulator.Outcome empty = sim.http("web", CLIENT, get("/"), null);
        assertEquals(204, empty.status());
        assertEquals(0, empty.answer().body().length);
    }

    @Test
    void responseDenyIs502AndResponseRulesSeeStatusAndRequest() {
        String yaml = frontend("""
                    acl:
                      - { name: err, status: ["500-599"] }
                      - { name: secret, path_beg: ["/secret"] }
                    http_response:
                      - { deny: {}, if: "err secret" }
                      - { set_header: { name: X-Status, value: "%[status] %[method] %[path] %[srv_name] %[res.hdr(x-a)]" } }
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome denied = sim.http("web", CLIENT, get("/secret"), "HTTP/1.1 503 Nope\r\nContent-Length: 0\r\n\r\n");
        assertEquals(502, denied.status());
        Simulator.Outcome ok = sim.http("web", CLIENT, get("/x"), "HTTP/1.1 200 OK\r\nX-A: 1, 2\r\nContent-Length: 0\r\n\r\n");
        assertEquals(List.of("200 GET /x server 2"), ok.clientHeader("X-Status"));
    }

    // ---- auth

    @Test
    void authWithEveryKindOfPassword() {
        String bcrypt = BCrypt.withDefaults().hashToString(4, "b-secret".toCharArray()).replace("$2a$", "$2y$");
        String sha512 = Sha2Crypt.sha512Crypt("s5-secret".getBytes(StandardCharsets.UTF_8), "$6$saltsalt");
        String sha256 = Sha2Crypt.sha256Crypt("s2-secret".getBytes(StandardCharsets.UTF_8), "$5$rounds=5000$pepper");
        String yaml = "userlists:\n  - name: admins\n    users:\n"
                + "      - { name: alice, password: \"" + bcrypt + "\" }\n"
                + "      - { name: bob, password: \"" + sha512 + "\" }\n"
                + "      - { name: carol, password: \"" + sha256 + "\" }\n"
                + "      - { name: dave, insecure_password: \"${env:DAVE}\" }\n"
                + frontend("""
                    acl: [ { name: admin, path_beg: ["/admin"] } ]
                    http_request:
                      - { auth: { userlist: admins, realm: Admin }, if: admin }
                    default_backend: app
                """);
        Simulator sim = new Simulator(RuleConfigs.load(yaml, java.util.Map.of("DAVE", "d-secret")), RuleConfigs.VERIFIER);
        Simulator.Outcome none = sim.http("web", CLIENT, get("/admin"), null);
        assertEquals(401, none.status());
        assertEquals("Basic realm=\"Admin\"", none.answer().header("WWW-Authenticate"));
        for (String[] up : new String[][] {{"alice", "b-secret"}, {"bob", "s5-secret"}, {"carol", "s2-secret"},
                {"dave", "d-secret"}}) {
            assertEquals(200, sim.http("web", CLIENT, get("/admin", basic(up[0], up[1])), null).status(), up[0]);
            assertEquals(401, sim.http("web", CLIENT, get("/admin", basic(up[0], up[1] + "x")), null).status(), up[0]);
        }
        assertEquals(401, sim.http("web", CLIENT, get("/admin", basic("mallory", "b-secret")), null).status());
        assertEquals(200, sim.http("web", CLIENT, get("/public"), null).status(), "the rule's condition does not hold");
    }

    @Test
    void anUncheckedHashMakesTheVerdictPendingThenItResumes() throws Exception {
        String hash = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        String yaml = "userlists: [ { name: u, users: [ { name: x, password: \"" + hash + "\" } ] } ]\n" + frontend("""
                    http_request:
                      - { auth: { userlist: u } }
                      - { set_header: { name: X-Authed, value: "yes" } }
                    default_backend: app
                """);
        io.pointsman.proxy.config.ProxyConfig c = RuleConfigs.load(yaml);
        PasswordVerifier verifier = PasswordVerifier.withOwnThread();
        try {
            Userlists users = Userlists.compile(c.userlists(), verifier);
            var router = io.pointsman.proxy.routing.FrontendRouter.compile(c.frontends().get(0));
            SectionRules rules = SectionRules.frontend(c.frontends().get(0), router, users, ErrorPages.DEFAULT);
            var head = io.pointsman.proxy.http.wire.RequestHeadsForTests.accept(get("/", basic("x", "pw")));
            RuleContext cx = new RuleContext().begin(CLIENT, head, "web", ErrorPages.DEFAULT);
            Verdict v = rules.request().evaluate(cx);
            assertEquals(Verdict.Kind.PENDING, v.kind());
            v.future().get(10, java.util.concurrent.TimeUnit.SECONDS);
            Verdict after = v.resume();
            assertEquals(Verdict.Kind.CONTINUE, after.kind());
            assertEquals(List.of("yes"), cx.header("X-Authed"), "evaluation went on after the auth rule");
            // Cached now: the same credentials answer at once.
            RuleContext again = new RuleContext().begin(CLIENT, head, "web", ErrorPages.DEFAULT);
            assertEquals(Verdict.Kind.CONTINUE, rules.request().evaluate(again).kind());
            // The realm defaults to the section's name, as HAProxy's.
            var wrong = io.pointsman.proxy.http.wire.RequestHeadsForTests.accept(get("/", basic("x", "no")));
            Verdict w = rules.request().evaluate(new RuleContext().begin(CLIENT, wrong, "web", ErrorPages.DEFAULT));
            while (w.kind() == Verdict.Kind.PENDING) {
                w.future().get(10, java.util.concurrent.TimeUnit.SECONDS);
                w = w.resume();
            }
            assertEquals("Basic realm=\"web\"", w.answer().header("WWW-Authenticate"));
        } finally {
            verifier.close();
        }
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    // ---- header and target rewrites

    @Test
    void requestHeaderRewritesReachTheServer() {
        String yaml = frontend("""
                    acl: [ { name: tls, ssl_fc: true } ]
                    http_request:
                      - { set_header: { name: X-Forwarded-Proto, value: https }, if: tls }
                      - { add_header: { name: X-Client-IP, value: "%[src]:%[src_port]" } }
                      - { add_header: { name: X-Client-IP, value: "again" } }
                      - { del_header: { name: X-Debug } }
                      - { replace_header: { name: Host, regex: "^old\\\\.(.*)$", with: "new.\\\\1" } }
                      - { replace_header: { name: User-Agent, regex: "curl", with: "foo" } }
                      - { set_header: { name: X-Echo, value: "[%[req.hdr(x-in)]] 100%% %[host] %[dst_port]" } }
                    default_backend: app
                """);
        Simulator.Outcome o = simulator(yaml).http("web", TLS_CLIENT, request("GET", "/", "old.example.com",
                "X-Debug: 1", "User-Agent: curl/7.47.0", "X-In: a, b", "X-Debug: 2", "X-Forwarded-Proto: http"), null);
        assertEquals(List.of("new.example.com"), o.serverHeader("Host"));
        assertEquals(List.of("192.0.2.7:40001", "again"), o.serverHeader("X-Client-IP"));
        assertEquals(List.of(), o.serverHeader("X-Debug"));
        assertEquals(List.of("foo"), o.serverHeader("User-Agent"), "the whole value is replaced, as HAProxy's replace-header");
        assertEquals(List.of("https"), o.serverHeader("X-Forwarded-Proto"));
        assertEquals(List.of("[b] 100% new.example.com 8080"), o.serverHeader("X-Echo"));
    }

    @Test
    void pathAndQueryRewritesAndRoutingSeesThem() {
        String yaml = frontend("""
                    acl:
                      - { name: old-api, path_beg: ["/api/v1/"] }
                      - { name: api, path_beg: ["/api/"] }
                      - { name: v2, path_beg: ["/v2/"] }
                    http_request:
                      - { replace_path: { regex: "^/api/v1/(.*)$", with: "/api/\\\\1" }, if: old-api }
                      - { del_query_param: { name: utm_source } }
                      - { set_path: { value: "/v2%[path]" }, if: v2 }
                    use_backend: [ { backend: other, if: api } ]
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome o = sim.http("web", CLIENT, get("/api/v1/users?utm_source=x&id=3&utm_source"), null);
        assertEquals("other", o.backend(), "use_backend reads the rewritten path");
        assertTrue(o.serverRequest().startsWith("GET /api/users?id=3 HTTP/1.1\r\n"), o.serverRequest());
        Simulator.Outcome only = sim.http("web", CLIENT, get("/x?utm_source=1"), null);
        assertTrue(only.serverRequest().startsWith("GET /x HTTP/1.1\r\n"), "no '?' left: " + only.serverRequest());
        String setQuery = frontend("""
                    http_request:
                      - { set_query: { value: "a=%[path]" } }
                    default_backend: app
                """);
        assertTrue(simulator(setQuery).http("web", CLIENT, get("/p?old"), null).serverRequest()
                .startsWith("GET /p?a=/p HTTP/1.1\r\n"));
    }

    @Test
    void responseHeaderRewrites() {
        String yaml = frontend("""
                    acl: [ { name: tls, ssl_fc: true } ]
                    http_response:
                      - { set_header: { name: Strict-Transport-Security, value: "max-age=63072000" }, if: tls }
                      - { del_header: { name: Server } }
                      - { replace_header: { name: Set-Cookie, regex: "^(.*)$", with: "\\\\1; Secure" }, if: tls }
                      - { add_header: { name: X-Be, value: "%[be_name]" } }
                    default_backend: app
                """);
        Simulator.Outcome o = simulator(yaml).http("web", TLS_CLIENT, get("/"), "HTTP/1.1 200 OK\r\nServer: nginx\r\n"
                + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n");
        assertEquals(List.of("max-age=63072000"), o.clientHeader("Strict-Transport-Security"));
        assertEquals(List.of(), o.clientHeader("Server"));
        assertEquals(List.of("a=1; Secure", "b=2; Secure"), o.clientHeader("Set-Cookie"));
        assertEquals(List.of("app"), o.clientHeader("X-Be"));
        assertEquals(List.of("0"), o.clientHeader("Content-Length"), "framing untouched");
    }

    // ---- what a rule may not produce

    @Test
    void aValueWithControlCharactersIsNeverWritten() {
        String yaml = frontend("""
                    http_request:
                      - { replace_header: { name: X-A, regex: "(.*)", with: "\\\\1\\\\x0d\\\\x0aX-Injected: 1" } }
                    http_response:
                      - { replace_header: { name: X-B, regex: "(.*)", with: "\\\\x00" } }
                    default_backend: app
                """);
        Simulator sim = simulator(yaml);
        Simulator.Outcome req = sim.http("web", CLIENT, get("/", "X-A: v"), null);
        assertEquals(400, req.status());
        assertNull(req.serverRequest());
        Simulator.Outcome res = sim.http("web", CLIENT, get("/"), "HTTP/1.1 200 OK\r\nX-B: v\r\nContent-Length: 0\r\n\r\n");
        assertEquals(500, res.status());
    }

    @Test
    void rulesCannotLeaveTwoHostsOrAnInvalidOne() {
        Simulator twoHosts = simulator(frontend("""
                    http_request: [ { add_header: { name: Host, value: b.example } } ]
                    default_backend: app
                """));
        assertEquals(400, twoHosts.http("web", CLIENT, get("/"), null).status());
        Simulator badHost = simulator(frontend("""
                    http_request: [ { set_header: { name: Host, value: "a b" } } ]
                    default_backend: app
                """));
        assertEquals(400, badHost.http("web", CLIENT, get("/"), null).status());
        Simulator okHost = simulator(frontend("""
                    http_request: [ { set_header: { name: Host, value: "backend.internal:81" } } ]
                    default_backend: app
                """));
        assertEquals(List.of("backend.internal:81"), okHost.http("web", CLIENT, get("/"), null).serverHeader("Host"));
    }

    @Test
    void setPathToSomethingThatIsNotAPathIs400() {
        Simulator sim = simulator(frontend("""
                    http_request: [ { set_path: { value: "%[url_param(to)]" } } ]
                    default_backend: app
                """));
        assertEquals(400, sim.http("web", CLIENT, get("/?to=noslash"), null).status());
        assertTrue(sim.http("web", CLIENT, get("/?to=/fine"), null).serverRequest().startsWith("GET /fine?to=/fine "));
    }

    // ---- forwardfor options

    @Test
    void forwardforOptions() {
        String base = "    default_backend: app\n";
        Simulator plain = simulator(frontend("    forwardfor: true\n" + base));
        assertEquals(List.of("1.1.1.1, 192.0.2.7"), plain.http("web", CLIENT, get("/", "X-Forwarded-For: 1.1.1.1"), null)
                .serverHeader("X-Forwarded-For"));
        Simulator except = simulator(frontend("    forwardfor: { except: [\"192.0.2.0/24\"] }\n" + base));
        assertEquals(List.of(), except.http("web", CLIENT, get("/"), null).serverHeader("X-Forwarded-For"));
        Simulator header = simulator(frontend("    forwardfor: { header: X-Client-IP }\n" + base));
        Simulator.Outcome h = header.http("web", CLIENT, get("/", "X-Client-IP: 6.6.6.6"), null);
        assertEquals(List.of("6.6.6.6, 192.0.2.7"), h.serverHeader("X-Client-IP"));
        assertEquals(List.of("http"), h.serverHeader("X-Forwarded-Proto"));
        Simulator ifNone = simulator(frontend("    forwardfor: { if_none: true }\n" + base));
        assertEquals(List.of("9.9.9.9"), ifNone.http("web", CLIENT, get("/", "X-Forwarded-For: 9.9.9.9"), null)
                .serverHeader("X-Forwarded-For"));
        assertEquals(List.of("192.0.2.7"), ifNone.http("web", CLIENT, get("/"), null).serverHeader("X-Forwarded-For"));
    }

    // ---- backend rules

    @Test
    void backendRulesRunAfterTheFrontendsAndSeeTheBackendName() {
        String yaml = """
                version: 1
                frontends:
                  - name: web
                    bind: "127.0.0.1:8080"
                    http_request: [ { set_header: { name: X-Order, value: "fe" } } ]
                    http_response: [ { add_header: { name: X-Res, value: "fe" } } ]
                    default_backend: app
                backends:
                  - name: app
                    acl: [ { name: fe-said, header: { name: X-Order, exact: [fe] } } ]
                    http_request:
                      - { add_header: { name: X-Order, value: "be %[be_name]" }, if: fe-said }
                      - { deny: { status: 405 }, if: "!fe-said" }
                    http_response: [ { add_header: { name: X-Res, value: "be" } } ]
                    servers: [ { name: a1, address: "127.0.0.1:9001" } ]
                """;
        Simulator.Outcome o = simulator(yaml).http("web", CLIENT, get("/"), null);
        assertEquals(List.of("fe", "be app"), o.serverHeader("X-Order"));
        assertEquals(List.of("be", "fe"), o.clientHeader("X-Res"), "backend response rules first, as HAProxy");
    }
}
