package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.routing.ConnectionFacts;
import io.pointsman.proxy.rules.PasswordVerifier;
import io.pointsman.proxy.rules.Simulator;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.RecordingHttpServer;
import io.pointsman.proxy.testing.YamlProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Route tests ({@code validate}, the agent) run requests through the {@link Simulator}, not
 * through sockets. This test keeps the two from drifting: one config, the same requests
 * through the Simulator and through the running proxy, and the same status, Location,
 * backend, head at the server and response headers at the client for every one.
 *
 * <p>Compared the same except: the {@code Connection} header of answers (the Simulator
 * writes {@code keep-alive}, the proxy writes none to an HTTP/1.1 client) and
 * {@code Content-Length} of the proxy's own answers (the Simulator's is the answer's, the
 * same). Left out: requests without Host on HTTP/1.0 (the proxy makes one up from the
 * address the client reached, which the Simulator does not know) and servers that fail
 * (the Simulator takes every server as answering).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SimulatorAgreesWithProxyTest {
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\nServer: s/1\r\nSet-Cookie: a=1\r\nX-Debug: 1\r\n"
            + "Content-Length: 2\r\n\r\nok";

    @Test
    void theSimulatorAndTheProxyAgree() throws Exception {
        int port = Clients.freePort();
        String hash = Sha2Crypt.sha512Crypt("pw".getBytes(StandardCharsets.UTF_8), "$6$pepper");
        try (RecordingHttpServer web = new RecordingHttpServer(h -> RESPONSE);
             RecordingHttpServer api = new RecordingHttpServer(h -> RESPONSE)) {
            String yaml = """
                    version: 1
                    defaults: { mode: http, timeout: { connect: 2s, client: 10s, server: 10s } }
                    userlists:
                      - name: ops
                        users: [ { name: alice, password: "%1$s" }, { name: bob, insecure_password: bobpw } ]
                    frontends:
                      - name: fe
                        bind: "127.0.0.1:%2$d"
                        forwardfor: { header: X-Real-IP }
                        acl:
                          - { name: admin, path_beg: ["/admin"] }
                          - { name: old, path_beg: ["/v1/"] }
                          - { name: api, path_beg: ["/api/"] }
                          - { name: api-host, host_end: [".api.example"] }
                          - { name: ping, path: ["/ping"] }
                          - { name: www, host_beg: ["www."] }
                          - { name: mobile, header: { name: User-Agent, sub: ["mobile"] }, ignore_case: true }
                          - { name: beta, cookie: { name: beta, values: ["1"] } }
                          - { name: debug, query_param: { name: debug, found: true } }
                        http_request:
                          - { redirect: { prefix: "https://example.com", code: 301 }, if: www }
                          - { return: { status: 200, content_type: text/plain, body: "pong %%[src]" }, if: ping }
                          - { auth: { userlist: ops, realm: Ops }, if: admin }
                          - { deny: { status: 403 }, if: debug }
                          - { replace_path: { regex: "^/v1/(.*)$", with: "/api/\\\\1" }, if: old }
                          - { set_header: { name: X-Mobile, value: "1" }, if: mobile }
                          - { set_header: { name: X-Beta, value: "%%[req.cook(beta)]" }, if: beta }
                          - { del_header: { name: X-Debug } }
                          - { del_query_param: { name: utm_source } }
                          - { add_header: { name: X-Via, value: "%%[fe_name] %%[method] %%[path]" } }
                        http_response:
                          - { del_header: { name: Server } }
                          - { replace_header: { name: Set-Cookie, regex: "^(.*)$", with: "\\\\1; HttpOnly" } }
                        use_backend:
                          - { backend: api, if: "api || api-host" }
                        default_backend: web
                    backends:
                      - name: web
                        servers: [ { name: w1, address: "127.0.0.1:%3$d" } ]
                      - name: api
                        http_request: [ { set_header: { name: X-Backend, value: "%%[be_name]" } } ]
                        http_response: [ { add_header: { name: X-Api, value: "1" } } ]
                        servers: [ { name: a1, address: "127.0.0.1:%4$d" } ]
                    """.formatted(hash, port, web.port(), api.port());
            ProxyConfig config = YamlProxy.load(yaml, Map.of());
            String alice = "Authorization: Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes());
            String bob = "Authorization: Basic " + Base64.getEncoder().encodeToString("bob:bobpw".getBytes());
            List<String> requests = List.of(
                    req("GET", "/", "Host: a.example"),
                    req("GET", "/p?q=1", "Host: www.example.com"),
                    req("GET", "/ping", "Host: a.example"),
                    req("HEAD", "/ping", "Host: a.example"),
                    req("GET", "/admin/x", "Host: a.example"),
                    req("GET", "/admin/x", "Host: a.example", alice),
                    req("GET", "/admin/x", "Host: a.example", bob),
                    req("GET", "/admin/x", "Host: a.example", "Authorization: Basic eDp5"),
                    req("GET", "/x?debug", "Host: a.example"),
                    req("GET", "/v1/users?id=7&utm_source=mail", "Host: a.example"),
                    req("GET", "/api/x", "Host: a.example", "X-Debug: 1", "User-Agent: Some Mobile/2"),
                    req("POST", "/y", "Host: svc.API.example:8080", "Content-Length: 0", "Cookie: x=2; beta=1"),
                    req("GET", "/z", "Host: a.example", "X-Real-IP: 10.1.1.1", "Connection: keep-alive, X-Drop",
                            "X-Drop: 1"),
                    req("GET", "/?utm_source=only", "Host: a.example"));
            Simulator sim = new Simulator(config, PasswordVerifier.withOwnThread());
            ConnectionFacts client = ConnectionFacts.of("127.0.0.1", 0, port);
            try (YamlProxy proxy = YamlProxy.start(yaml)) {
                for (String raw : requests) {
                    web.clear();
                    api.clear();
                    Simulator.Outcome o = sim.http("fe", client, raw, RESPONSE);
                    RawHttpClient.Response r;
                    try (RawHttpClient c = new RawHttpClient(new InetSocketAddress("127.0.0.1", port))) {
                        r = c.send(raw);
                    }
                    String backend = !web.heads().isEmpty() ? "web" : !api.heads().isEmpty() ? "api" : null;
                    String head = backend == null ? null : ("web".equals(backend) ? web : api).heads().get(0);
                    assertEquals(o.status(), r.status(), raw);
                    assertEquals(o.serverRequest() == null ? null : o.backend(), backend, raw);
                    assertEquals(o.serverRequest(), head, raw);
                    assertEquals(clientHeaders(o.clientResponse(), o.answer() != null), clientHeaders(r), raw);
                }
            }
            assertTrue(requests.size() >= 14);
        }
    }

    private static String req(String method, String target, String... headers) {
        StringBuilder sb = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Response headers of a head written as text, lower-case names, in order, Connection left out for answers. */
    private static List<String> clientHeaders(String head, boolean answer) {
        List<String> out = new ArrayList<>();
        String[] lines = head.substring(0, head.indexOf("\r\n\r\n")).split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (!(answer && name.equals("connection"))) {
                out.add(name + ": " + lines[i].substring(colon + 1).trim());
            }
        }
        return out;
    }

    private static List<String> clientHeaders(RawHttpClient.Response r) {
        List<String> out = new ArrayList<>();
        r.headers().forEach((name, value) -> {
            if (!name.equals("connection")) {
                for (String v : value.split("\\|")) {
                    out.add(name + ": " + v);
                }
            }
        });
        return out;
    }
}
