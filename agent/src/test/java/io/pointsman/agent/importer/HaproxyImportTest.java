package io.pointsman.agent.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.importer.keepalived.KeepalivedImport;
import io.pointsman.agent.importer.report.Finding;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HttpActions;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the import makes of each kind of line: the proxy.yaml it writes (loaded back as the
 * agent would), the report, and the exit status. Routing equivalence with real HAProxy is
 * {@code HaproxyDifferentialTest}'s job; this pins the translation rules one by one.
 */
class HaproxyImportTest {
    private static final String HEAD = """
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            """;

    private static HaproxyImport.Outcome run(String cfg) {
        return run(cfg, null, List.of());
    }

    private static HaproxyImport.Outcome run(String cfg, Path base, List<KeepalivedImport.NodeFile> keepalived) {
        return HaproxyImport.translate(new HaproxyImport.Input("haproxy.cfg", cfg.getBytes(StandardCharsets.UTF_8), base,
                keepalived, null, v -> null));
    }

    private static ProxyConfig config(HaproxyImport.Outcome o) throws Exception {
        Map<String, String> yaml = new LinkedHashMap<>();
        o.files().forEach((k, v) -> {
            if (k.endsWith(".yaml")) {
                yaml.put(k, v);
            }
        });
        return ConfigLoader.load(new ConfigFiles(yaml), null, SecretSource.of(Map.of())).config();
    }

    private static Finding finding(HaproxyImport.Outcome o, int line) {
        return o.findings().stream().filter(f -> f.line() == line).findFirst()
                .orElseThrow(() -> new AssertionError("no finding on line " + line + ": " + o.findings()));
    }

    private static Frontend frontend(ProxyConfig c, String name) {
        return c.allFrontends().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aclLinesOfOneNameAreOredAndDifferentMatchersSpelledOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    acl api path_beg /api/
                    acl api path_beg /v2/
                    acl api hdr(host) -i api.example.com
                    use_backend be if api !{ method POST }
                    use_backend be unless { src 10.0.0.0/8 } TRUE
                    use_backend be if FALSE
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        assertEquals(HaproxyImport.ALL_TRANSLATED, o.status(), o.findings()::toString);
        Frontend f = frontend(config(o), "fe");
        assertEquals(new AclMatch.PathBeg(List.of("/api/", "/v2/")), f.acl().get(0).match());
        // hdr(host) -i: the whole Host header, case ignored (a port in it makes it differ, as in HAProxy)
        assertEquals(new AclMatch.Header("host", new TextMatch.Exact(List.of("api.example.com"))), f.acl().get(1).match());
        assertTrue(f.acl().get(1).ignoresCase());
        assertEquals("api !line11 || api-2 !line11", f.useBackend().get(0).ifCondition().toString());
        assertEquals("line12", f.useBackend().get(1).unlessCondition().toString());
        assertEquals(2, f.useBackend().size(), "if FALSE never holds: left out");
        assertTrue(finding(o, 13).message().contains("never holds"));
        assertTrue(o.files().get("tests/routes.yaml").contains("use_backend be"));
    }

    @Test
    void regexesJavaCannotReadAreLeftOutWithTheReason() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    acl report path_reg ?^/reports/[0-9]+$
                    use_backend be if report
                    default_backend be
                backend be
                    option httpchk GET /health
                    http-check expect rstring ?^ok
                    server s1 10.0.0.1:80 check
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status(), o.findings()::toString);
        assertTrue(finding(o, 8).message().contains("bad regex '?^/reports/[0-9]+$'"), o.findings()::toString);
        assertTrue(finding(o, 13).message().contains("bad regex '?^ok'"), o.findings()::toString);
        assertEquals(null, config(o).backend("be").orElseThrow().check().expectBodyReg());
    }

    @Test
    void aStatsAuthWithoutPasswordIsRefusedWithItsLine() {
        HaproxyImport.Outcome o = run(HEAD + """
                listen stats
                    bind :81
                    stats enable
                    stats auth admin
                """);
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(finding(o, 9).message().contains("'stats auth' expects 'user:password'"), o.findings()::toString);
    }

    @Test
    void aListenWithoutBindIsABackendEvenWhenNamedBeforeItIsWritten() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    use_backend app if { path_beg /app/ }
                    default_backend app
                listen app
                    use_backend app
                    server s1 10.0.0.1:80
                """);
        assertEquals(HaproxyImport.ALL_TRANSLATED, o.status(), o.findings()::toString);
        ProxyConfig c = config(o);
        assertEquals("10.0.0.1:80", c.backend("app").orElseThrow().servers().get(0).address().toString());
        assertEquals(1, c.allFrontends().size());
        assertEquals(Finding.Kind.NOT_NEEDED, finding(o, 11).kind());
    }

    @Test
    void aRuleToAListenWithoutUsableServersIsLeftOutAndTheListenStillServesItsOwnBind() throws Exception {
        // Found by the fuzz target: the listen was left out as a backend but still named by use_backend.
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    use_backend pilot if { path_beg /pilot/ }
                    default_backend web
                backend web
                    server w1 10.0.0.1:80
                listen pilot
                    bind :81
                    use_backend web if { path_beg /web/ }
                    server p1 10.0.0.2:+1
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status(), o.findings()::toString);
        ProxyConfig c = config(o); // validates
        assertTrue(frontend(c, "fe").useBackend().isEmpty(), c.toString());
        assertEquals(Finding.Kind.NOT_TRANSLATED, finding(o, 8).kind());
        assertTrue(finding(o, 8).message().contains("backend 'pilot' is not translated: no server"), finding(o, 8)::toString);
        assertEquals(List.of("web"), frontend(c, "pilot").useBackend().stream().map(r -> r.backend()).toList());
    }

    @Test
    void pathAclsInATcpFrontendAreLeftOutAsHaproxyNeverMatchesThem() throws Exception {
        // Found by the fuzz target: without 'mode http' in defaults a frontend is mode tcp.
        HaproxyImport.Outcome o = run("""
                frontend fe
                    bind :80
                    acl static path_beg /static/
                    acl ping path /ping
                    acl office src 203.0.113.0/24
                    use_backend b2 if static
                    use_backend b2 if office
                    default_backend b1
                backend b1
                    server s1 10.0.0.1:80
                backend b2
                    server s2 10.0.0.2:80
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status(), o.findings()::toString);
        ProxyConfig c = config(o); // validates
        assertEquals(1, frontend(c, "fe").useBackend().size(), c.toString());
        assertTrue(finding(o, 3).message().contains("needs mode http"), finding(o, 3)::toString);
        assertEquals(Finding.Kind.NOT_TRANSLATED, finding(o, 6).kind());
    }

    @Test
    void anAddressBoundTwiceIsBoundOnceAndAnOverlapIsLeftOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend all
                    bind *:80
                    bind :5001,:5001
                    default_backend be
                frontend vip
                    bind 10.0.0.5:80
                    bind 10.0.0.5:81
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status(), o.findings()::toString);
        assertEquals(Finding.Kind.NOTE, finding(o, 8).kind());
        assertTrue(finding(o, 11).message().contains("overlaps '*:80' of frontend all (line 7)"), o.findings()::toString);
        ProxyConfig c = config(o);
        assertEquals(2, frontend(c, "all").bind().size());
        assertEquals(1, frontend(c, "vip").bind().size());
    }

    @Test
    void aCheckPointsmanCannotSendIsATcpConnect() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                listen a
                    bind :80
                    option httpchk GET /health HTTP/0.0
                    server s1 10.0.0.1:80 check
                listen b
                    bind :81
                    option httpchk GET health
                    server s1 10.0.0.2:80 check
                listen c
                    bind :82
                    option httpchk GET /health HTTP/1.1\\r\\nContent-Length:\\ 3
                    server s1 10.0.0.3:80 check
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status(), o.findings()::toString);
        assertTrue(finding(o, 8).message().contains("HTTP/1.0 or HTTP/1.1, not 'HTTP/0.0'"), o.findings()::toString);
        assertTrue(finding(o, 12).message().contains("path starting with '/'"), o.findings()::toString);
        assertTrue(finding(o, 16).message().contains("sets Content-Length itself"), o.findings()::toString);
        for (Backend b : config(o).allBackends()) {
            assertEquals(io.pointsman.proxy.config.CheckType.TCP, b.check().type(), b.name());
        }
    }

    @Test
    void errorfilesPointsmanCannotReadAreLeftOutAndOnesHaproxyRefusesRefused() {
        HaproxyImport.Outcome o = run(HEAD + """
                listen a
                    bind :80
                    errorfile 503 errors/503.http
                    errorfile 421 /srv/errors/421.http
                    errorfile 503 /srv/errors/503.http
                    server s1 10.0.0.1:80
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status(), o.findings()::toString);
        assertTrue(finding(o, 8).message().contains("relative to the directory HAProxy starts in"), o.findings()::toString);
        assertTrue(finding(o, 9).message().contains("no error page for status 421"), o.findings()::toString);
        o = run(HEAD + "listen a\n    bind :80\n    errorfile 418 /srv/418.http\n    server s1 10.0.0.1:80\n");
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(finding(o, 8).message().contains("status code '418' not handled"), o.findings()::toString);
    }

    @Test
    void anAddressHaproxyRefusesIsRefused() {
        HaproxyImport.Outcome o = run(HEAD + """
                listen app
                    bind :78330
                    server s1 10.0.0.1:80
                """);
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(finding(o, 7).message().contains("bad port '78330'"), o.findings()::toString);
    }

    @Test
    void whatHaproxyRefusesInRulesIsRefusedWithTheLine() {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    use_backend be if later
                    acl later path /x
                    use_backend nowhere
                    use_backend tcpbe
                backend be
                    server s1 10.0.0.1:80
                backend tcpbe
                    mode tcp
                    server s1 10.0.0.2:80
                """);
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(o.files().isEmpty());
        assertTrue(finding(o, 8).message().contains("no such ACL: 'later'"), o.findings()::toString);
        assertTrue(finding(o, 10).message().contains("unable to find required use_backend: 'nowhere'"));
        assertTrue(finding(o, 11).message().contains("cannot use backend 'tcpbe' (mode tcp)"));
    }

    @Test
    void serversCheckTimingAndWhatIsLeftOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    default_backend be
                backend be
                    balance leastconn
                    option httpchk GET /health
                    http-check expect status 204
                    default-server inter 3s rise 3 fall 2
                    server s1 10.0.0.1:80 check weight 5 maxconn 100
                    server s2 10.0.0.2:80 check backup
                    server s3 10.0.0.3:80 check inter 10s cookie s3
                    server s4 10.0.0.1:80
                    server s5 app.internal
                    server s6 10.0.0.6:80 disabled send-proxy
                    server s7 10.0.0.7 check
                """);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status());
        Backend b = config(o).backend("be").orElseThrow();
        assertEquals(io.pointsman.proxy.config.Balance.LEASTCONN, b.balance());
        assertEquals("/health", b.check().path());
        assertEquals(java.time.Duration.ofSeconds(3), b.check().interval());
        assertEquals(3, b.check().rise());
        assertEquals(List.of("s1", "s2", "s3", "s5"), b.servers().stream().map(s -> s.name()).toList());
        assertEquals("app.internal", b.servers().get(3).address().host(), "no port: the client's, as in HAProxy");
        assertEquals(5, b.servers().get(0).weight());
        assertTrue(b.servers().get(1).backup());
        assertTrue(finding(o, 16).message().contains("cookie persistence"));
        assertTrue(finding(o, 16).message().contains("one check per backend"));
        assertTrue(finding(o, 17).message().contains("same address as server 's1'"));
        assertTrue(finding(o, 20).message().contains("needs a check port"));
        assertTrue(finding(o, 19).message().contains("send-proxy v1 differs"));
    }

    @Test
    void processManagementIsNotNeededAndOneXKeywordsAreRead() throws Exception {
        HaproxyImport.Outcome o = run("""
                global
                    daemon
                    user haproxy
                    chroot /var/lib/haproxy
                    pidfile /run/haproxy.pid
                    stats socket /run/haproxy.sock
                    tune.bufsize 32768
                    maxconn 5000
                    nbthread 4
                defaults
                    mode http
                    contimeout 4000
                    clitimeout 40000
                    srvtimeout 40000
                listen web 0.0.0.0:8080
                    server w1 10.0.0.1:80
                """);
        for (int line = 2; line <= 7; line++) {
            assertEquals(Finding.Kind.NOT_NEEDED, finding(o, line).kind(), "line " + line);
        }
        ProxyConfig c = config(o);
        assertEquals(5000, c.global().maxconn());
        assertEquals(4, c.global().threads());
        assertEquals(java.time.Duration.ofSeconds(4), c.defaults().timeout().connect());
        assertEquals(java.time.Duration.ofSeconds(40), c.defaults().timeout().client());
        assertEquals("*:8080", c.listens().get(0).bind().get(0).toString());
        assertTrue(finding(o, 12).message().contains("1.x syntax"));
        assertEquals(HaproxyImport.ALL_TRANSLATED, o.status(), o.findings()::toString);
    }

    @Test
    void listenWithRulesBecomesAFrontendAndABackend() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                listen web
                    bind :80
                    acl api path_beg /api
                    use_backend api if api
                    server w1 10.0.0.1:80
                backend api
                    server a1 10.0.0.2:80
                """);
        ProxyConfig c = config(o);
        Frontend f = frontend(c, "web");
        assertEquals("web", f.defaultBackend());
        assertTrue(c.backend("web").isPresent());
        assertTrue(c.listens().isEmpty());
    }

    @Test
    void statsListenBecomesTheStatsSectionAndStatsInATrafficProxyDoesNot() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                listen stats
                    bind 127.0.0.1:9000
                    stats enable
                    stats uri /haproxy?stats
                    stats auth admin:secret
                    stats auth other:x
                    stats admin if LOCALHOST
                frontend fe
                    bind :80
                    stats enable
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        ProxyConfig c = config(o);
        assertEquals("127.0.0.1:9000", c.stats().bind().toString());
        assertEquals("/haproxy", c.stats().uri());
        assertEquals("secret", c.stats().auth().password());
        assertTrue(o.files().get("proxy.yaml").contains("${env:POINTSMAN_STATS_PASSWORD:-secret}"));
        assertEquals(Finding.Kind.NOT_TRANSLATED, finding(o, 11).kind());
        assertTrue(c.stats().adminEnabled());
        assertTrue(finding(o, 12).message().contains("'if LOCALHOST' is not kept"), o.findings()::toString);
        assertTrue(finding(o, 15).message().contains("also carries traffic"));
    }

    @Test
    void forwardforOfEveryBackendMovesToTheFrontend() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend a
                    bind :80
                    default_backend xff
                frontend b
                    bind :81
                    use_backend xff if { path /x }
                    default_backend plain
                backend xff
                    option forwardfor
                    server s1 10.0.0.1:80
                backend plain
                    server s2 10.0.0.2:80
                """);
        ProxyConfig c = config(o);
        assertTrue(frontend(c, "a").forwardfor());
        assertFalse(frontend(c, "b").forwardfor());
        assertTrue(finding(o, 14).message().contains("frontend b also routes to backends without it"));
    }

    @Test
    void patternFilesAreReadBesideTheConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("nets.lst"), "# offices\n10.1.0.0/16\n\n192.168.1.1\n");
        HaproxyImport.Outcome o = run("""
                defaults
                    mode tcp
                frontend fe
                    bind :3306
                    acl office src -f nets.lst
                    acl lan src 10.0.0.0/255.0.0.0
                    use_backend db if office || lan
                backend db
                    server d 10.0.0.1:3306
                """, dir, List.of());
        Frontend f = frontend(config(o), "fe");
        assertEquals("[10.1.0.0/16, 192.168.1.1/32]", ((AclMatch.Src) f.acl().get(0).match()).networks().toString());
        assertEquals("[10.0.0.0/8]", ((AclMatch.Src) f.acl().get(1).match()).networks().toString());
        HaproxyImport.Outcome missing = run("""
                frontend fe
                    bind :3306
                    acl office src -f nets.lst
                    use_backend db if office
                backend db
                    server d 10.0.0.1:3306
                """, dir.resolve("nowhere"), List.of());
        assertTrue(finding(missing, 4).message().contains("pattern file 'nets.lst' cannot be read"));
    }

    @Test
    void twoKeepalivedFilesSplitIntoSharedAndPerNode() throws Exception {
        String a = """
                global_defs { router_id lb1 }
                vrrp_script chk_haproxy {
                    script "killall -0 haproxy"
                    interval 2
                    fall 3
                }
                vrrp_instance VI_1 {
                    state MASTER
                    interface eth0
                    virtual_router_id 51
                    priority 150
                    advert_int 1
                    authentication {
                        auth_type PASS
                        auth_pass s3cret
                    }
                    virtual_ipaddress {
                        192.0.2.10/24 dev eth0 label eth0:1
                    }
                    track_script {
                        chk_haproxy
                    }
                }
                """;
        String b = a.replace("MASTER", "BACKUP").replace("150", "100").replace("eth0\n", "ens3\n")
                .replace("router_id lb1", "router_id lb2");
        HaproxyImport.Outcome o = run(HEAD + "frontend fe\n    bind :80\n    default_backend be\nbackend be\n"
                + "    server s 10.0.0.1:80\n", null, List.of(new KeepalivedImport.NodeFile(null, "a.conf", a),
                new KeepalivedImport.NodeFile(null, "b.conf", b)));
        assertEquals(List.of("proxy.yaml", "hosts/lb1.yaml", "hosts/lb2.yaml", "tests/routes.yaml", "README.md"),
                List.copyOf(o.files().keySet()));
        String shared = o.files().get("proxy.yaml");
        assertTrue(shared.contains("track_agent: true"), shared);
        assertTrue(shared.contains("interface: eth0"), shared);
        assertFalse(shared.contains("priority:"), shared);
        String lb2 = o.files().get("hosts/lb2.yaml");
        assertTrue(lb2.contains("state: BACKUP") && lb2.contains("priority: 100") && lb2.contains("interface: ens3"), lb2);
        Map<String, String> yaml = new LinkedHashMap<>();
        o.files().forEach((k, v) -> {
            if (k.endsWith(".yaml")) {
                yaml.put(k, v);
            }
        });
        var lb1 = ConfigLoader.load(new ConfigFiles(yaml), "lb1", SecretSource.of(Map.of())).config().keepalived();
        assertEquals(150, lb1.vrrpInstances().get(0).priority());
        assertEquals("s3cret", lb1.vrrpInstances().get(0).authPass());
        assertEquals(java.time.Duration.ofSeconds(2), lb1.trackCheck().interval());
        assertTrue(o.findings().stream().anyMatch(f -> f.file().equals("a.conf") && f.line() == 18
                && f.kind() == Finding.Kind.NOT_TRANSLATED), o.findings()::toString);
    }

    @Test
    void brokenKeepalivedIsRefused() {
        HaproxyImport.Outcome o = run(HEAD + "listen l\n    bind :80\n    server s 10.0.0.1:80\n", null,
                List.of(new KeepalivedImport.NodeFile("lb1", "k.conf", "vrrp_instance VI_1 {\n    state MASTER\n")));
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(o.findings().stream().anyMatch(f -> f.file().equals("k.conf") && f.line() == 1
                && f.message().contains("never closed")), o.findings()::toString);
        o = run(HEAD + "listen l\n    bind :80\n    server s 10.0.0.1:80\n", null,
                List.of(new KeepalivedImport.NodeFile("lb1", "k.conf", "! only a comment\nglobal_defs {\n}\n")));
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(o.findings().stream().anyMatch(f -> f.file().equals("k.conf") && f.message().contains(
                "no vrrp_instance")), o.findings()::toString);
    }

    @Test
    void httpRulesInHaproxysOrderWithTheirConditionsAndWhatHasNoEquivalent() throws Exception {
        HaproxyImport.Outcome o = run("""
                userlist ops
                    user root password $2y$10$abcdefghijklmnopqrstuuKQb2rC8nq0yHGfZZxGcrV8n1cDrtKdS
                """ + HEAD + """
                frontend fe
                    bind :80
                    acl ok http_auth(ops)
                    redirect scheme https if { hdr(host) -i a.example.com }
                    reqadd X-Old:\\ 1
                    http-request auth realm Ops if { path_beg /ops } !ok
                    http-request set-header X-Host %[req.hdr(host),lower]
                    http-request set-header X-Ip %ci
                    reqrep ^GET\\ /old(.*) GET\\ /new\\1
                    block if { path /x }
                    http-request allow
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        String yaml = o.files().get("proxy.yaml");
        int block = yaml.indexOf("deny: { status: 403 }");
        int auth = yaml.indexOf("auth: { userlist: ops, realm: Ops }");
        int ip = yaml.indexOf("value: \"%[src]\"");
        int old = yaml.indexOf("name: X-Old");
        int redirect = yaml.indexOf("redirect: { scheme: https }");
        assertTrue(block > 0 && block < auth && auth < ip && ip < old && old < redirect, yaml);
        assertTrue(finding(o, 14).message().contains("converters (lower)"), o.findings()::toString);
        assertTrue(finding(o, 16).message().contains("rewriting the request line"), o.findings()::toString);
        assertTrue(finding(o, 18).message().contains("no 'allow'"), o.findings()::toString);
        assertEquals(Finding.Kind.NOTE, finding(o, 17).kind());
        String routes = o.files().get("tests/routes.yaml");
        assertTrue(routes.contains("expect_status: 302") && routes.contains("expect_location: \"https://a.example.com/\""),
                routes);
        assertTrue(routes.contains("expect_status: 401"), routes);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status());
    }

    @Test
    void delHeaderByNameIsTranslatedAndByAnyOtherMatchLeftOutInRequestsAndResponsesAlike() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    http-request del-header X-Debug -m str
                    http-request del-header X-Trace -m beg
                    http-response del-header Server -m sub if { status 200 }
                    http-response del-header X-Powered-By
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        Frontend fe = frontend(config(o), "fe");
        assertEquals(List.of("X-Debug"), fe.httpRequest().stream().map(r -> ((HttpActions.DelHeader) r.action()).name()).toList());
        assertEquals(List.of("X-Powered-By"), fe.httpResponse().stream().map(r -> ((HttpActions.DelHeader) r.action()).name()).toList());
        assertTrue(finding(o, 9).message().contains("del-header -m beg has no Pointsman equivalent"), o.findings()::toString);
        assertTrue(finding(o, 10).message().contains("del-header -m sub has no Pointsman equivalent"),
                o.findings()::toString);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status());

        HaproxyImport.Outcome refused = run(HEAD + """
                frontend fe
                    bind :80
                    http-request del-header X-Debug junk
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        assertEquals(HaproxyImport.REFUSED, refused.status(), refused.findings()::toString);
        assertTrue(finding(refused, 8).message().contains("expects a header name"), refused.findings()::toString);
    }

    @Test
    void anAclValueNoRequestCanCarryGivesNoRouteTest() throws Exception {
        // A route test of it would route by its text alone but run the rules on the request's
        // bytes, where it cannot be (the fuzz target's finding: a tls case disagreed).
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    acl tls ssl_fc
                    acl cafe hdr(host) -i café.example.com
                    use_backend cafe if cafe tls
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                backend cafe
                    server s2 10.0.0.2:80
                """);
        assertTrue(config(o).allFrontends().size() == 1);
        String routes = o.files().get("tests/routes.yaml");
        assertFalse(routes.contains("caf"), routes);
        assertTrue(finding(o, 10).message().contains("no request found that reaches this rule"), o.findings()::toString);
    }

    @Test
    void garbageIsRefusedWithLineNumbers() {
        HaproxyImport.Outcome o = run("this is not\nan haproxy config {\n");
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertEquals(1, o.findings().get(0).line());
        HaproxyImport.Outcome empty = run("# nothing\n");
        assertEquals(HaproxyImport.REFUSED, empty.status());
        assertTrue(empty.problems().get(0).contains("no section"));
    }
}
