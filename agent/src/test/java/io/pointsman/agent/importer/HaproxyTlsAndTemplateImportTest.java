package io.pointsman.agent.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.importer.report.Finding;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.config.TlsVerify;
import io.pointsman.proxy.config.TlsVersion;
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
 * What the import makes of HAProxy's TLS (SPEC §9): {@code bind … ssl crt …} and its options
 * per bind, the {@code ssl-default-*} globals, {@code server … ssl verify …} per backend,
 * checks over TLS or not, the TLS acls; and of {@code server-template} (SPEC §10). Each case
 * loads the written proxy.yaml back as the agent would; what is left out is reported on its
 * line with the reason.
 */
class HaproxyTlsAndTemplateImportTest {
    private static final String HEAD = """
            defaults
                mode http
                timeout connect 5s
                timeout client 30s
                timeout server 30s
            """;

    private static HaproxyImport.Outcome run(String cfg) {
        return run(cfg, null);
    }

    private static HaproxyImport.Outcome run(String cfg, Path base) {
        return HaproxyImport.translate(new HaproxyImport.Input("haproxy.cfg", cfg.getBytes(StandardCharsets.UTF_8), base,
                List.of(), null, v -> null));
    }

    private static ProxyConfig config(HaproxyImport.Outcome o) throws Exception {
        assertTrue(o.status() != HaproxyImport.REFUSED, () -> o.problems() + "\n" + o.findings());
        Map<String, String> yaml = new LinkedHashMap<>();
        o.files().forEach((k, v) -> {
            if (k.endsWith(".yaml")) {
                yaml.put(k, v);
            }
        });
        return ConfigLoader.load(new ConfigFiles(yaml), null, SecretSource.of(Map.of())).config();
    }

    private static List<Finding> findings(HaproxyImport.Outcome o, int line, Finding.Kind kind) {
        return o.findings().stream().filter(f -> f.line() == line && f.kind() == kind).toList();
    }

    private static String notTranslated(HaproxyImport.Outcome o, int line) {
        List<Finding> f = findings(o, line, Finding.Kind.NOT_TRANSLATED);
        assertFalse(f.isEmpty(), () -> "nothing left out on line " + line + ": " + o.findings());
        return f.toString();
    }

    private static Frontend frontend(ProxyConfig c, String name) {
        return c.allFrontends().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
    }

    private static Backend backend(ProxyConfig c, String name) {
        return c.allBackends().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    private static Server server(Backend b, String name) {
        return b.servers().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aTlsBindKeepsItsOptionsAndSharesTheFrontendWithAPlainBind() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    bind :443 ssl crt /etc/haproxy/site.pem crt /etc/haproxy/other.pem alpn h2,http/1.1 ssl-min-ver TLSv1.3 ciphers ECDHE+AESGCM no-tls-tickets ca-file /etc/haproxy/clients.pem verify optional crl-file /etc/haproxy/clients.crl
                    acl tls ssl_fc
                    use_backend secure if tls
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                backend secure
                    server s2 10.0.0.2:80
                """);
        Frontend f = frontend(config(o), "fe");
        assertEquals(2, f.bind().size());
        assertNull(f.bind().get(0).tls(), "the :80 bind stays plain");
        Tls t = f.bind().get(1).tls();
        assertEquals("/etc/haproxy/site.pem", t.cert(), "the first crt answers when no name matches");
        assertEquals("/etc/haproxy/other.pem", t.certificates().get(0).cert());
        assertEquals(TlsVersion.TLS1_3, t.minVersion());
        assertEquals("ECDHE+AESGCM", t.ciphers());
        assertEquals(Boolean.FALSE, t.tickets());
        assertEquals("/etc/haproxy/clients.pem", t.clientCa());
        assertEquals(TlsVerify.OPTIONAL, t.verify());
        assertEquals("/etc/haproxy/clients.crl", t.crl());
        assertEquals(List.of("http/1.1"), t.alpn(), "an http frontend offers HTTP/1.x only");
        assertTrue(notTranslated(o, 8).contains("alpn h2"), o.findings()::toString);
        assertEquals(HaproxyImport.SOMETHING_LEFT_OUT, o.status());
    }

    @Test
    void bindsWithOneTlsSayItOnceOnTheFrontend() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :443 ssl crt /etc/haproxy/site.pem
                    bind :8443 ssl crt /etc/haproxy/site.pem
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        String yaml = o.files().get("proxy.yaml");
        assertTrue(yaml.contains("bind: [\"*:443\", \"*:8443\"]") || yaml.contains("- \"*:443\""), yaml);
        assertTrue(yaml.matches("(?s).*\\n    tls:.*cert: /etc/haproxy/site.pem.*"), yaml);
        Frontend f = frontend(config(o), "fe");
        for (Bind b : f.bind()) {
            assertEquals("/etc/haproxy/site.pem", b.tls().cert());
        }
        assertEquals(HaproxyImport.ALL_TRANSLATED, o.status(), o.findings()::toString);
    }

    @Test
    void relativePathsFollowCrtBaseAndCaBaseAndADirectoryIsACertDir(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("certs"));
        HaproxyImport.Outcome o = run("""
                global
                    crt-base /etc/ssl/haproxy
                    ca-base /etc/ssl/ca
                """ + HEAD + """
                frontend fe
                    mode tcp
                    bind :443 ssl crt site.pem ca-file clients.pem verify required
                    bind :8443 ssl crt %s
                    bind :9443 ssl crt sites/
                    default_backend be
                backend be
                    mode tcp
                    server s1 10.0.0.1:443 ssl ca-file internal.pem crt lb.pem
                """.formatted(dir.resolve("certs")), dir);
        ProxyConfig c = config(o);
        List<Bind> binds = frontend(c, "fe").bind();
        assertEquals("/etc/ssl/haproxy/site.pem", binds.get(0).tls().cert());
        assertEquals("/etc/ssl/ca/clients.pem", binds.get(0).tls().clientCa());
        assertEquals(TlsVerify.REQUIRED, binds.get(0).tls().verify());
        assertEquals(dir.resolve("certs").toString(), binds.get(1).tls().certDir(), "an existing directory");
        assertEquals("/etc/ssl/haproxy/sites", binds.get(2).tls().certDir(), "a path ending in /");
        Backend b = backend(c, "be");
        assertEquals("/etc/ssl/ca/internal.pem", b.tls().ca());
        assertEquals("/etc/ssl/haproxy/lb.pem", b.tls().cert());
        assertEquals(TlsVerify.REQUIRED, b.tls().verify(), "HAProxy's default, ssl-server-verify required");
    }

    @Test
    void versionsBelowTls12AndMaximaAreLeftOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend a
                    bind :443 ssl crt /c.pem ssl-min-ver TLSv1.0
                    default_backend be
                frontend b
                    bind :444 ssl crt /c.pem no-sslv3 no-tlsv10 no-tlsv11 no-tlsv12
                    default_backend be
                frontend c
                    bind :445 ssl crt /c.pem ssl-max-ver TLSv1.2
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        ProxyConfig c = config(o);
        assertTrue(notTranslated(o, 7).contains("ssl-min-ver TLSv1.0: Pointsman offers TLSv1.2 and TLSv1.3 only"));
        assertEquals(TlsVersion.TLS1_2, frontend(c, "a").bind().get(0).tls().minVersion(), "Pointsman's lowest");
        assertEquals(TlsVersion.TLS1_3, frontend(c, "b").bind().get(0).tls().minVersion(), "no-tlsv12");
        assertTrue(findings(o, 10, Finding.Kind.NOT_TRANSLATED).isEmpty(), "no-sslv3 … are what Pointsman does");
        assertTrue(notTranslated(o, 13).contains("ssl-max-ver TLSv1.2"));
    }

    @Test
    void sslDefaultGlobalsBecomeTlsDefaults() throws Exception {
        HaproxyImport.Outcome o = run("""
                global
                    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
                    ssl-default-bind-ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
                    ssl-default-bind-options no-sslv3 no-tlsv10 no-tlsv11 no-tls-tickets ssl-min-ver TLSv1.2
                    ssl-default-server-ciphers ECDHE-RSA-AES256-GCM-SHA384
                    ssl-default-server-options ssl-min-ver TLSv1.3 no-tls-tickets
                    ssl-default-bind-curves X25519:P-256
                    ssl-dh-param-file /etc/haproxy/dh.pem
                """ + HEAD + """
                frontend fe
                    bind :443 ssl crt /c.pem
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        ProxyConfig c = config(o);
        assertEquals("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", c.global().tlsDefaults().ciphers());
        assertEquals("TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
                c.global().tlsDefaults().ciphersuites());
        assertEquals(Boolean.FALSE, c.global().tlsDefaults().tickets());
        assertEquals(TlsVersion.TLS1_2, c.global().tlsDefaults().minVersion());
        assertEquals("ECDHE-RSA-AES256-GCM-SHA384", c.global().serverTlsDefaults().ciphers());
        assertEquals(TlsVersion.TLS1_3, c.global().serverTlsDefaults().minVersion());
        Tls served = frontend(c, "fe").bind().get(0).tls();
        assertEquals(Boolean.FALSE, served.tickets(), "the bind takes the defaults");
        assertTrue(notTranslated(o, 6).contains("no-tls-tickets"), "servers' tickets have no switch");
        assertTrue(notTranslated(o, 7).contains("groups"));
        assertEquals(1, findings(o, 8, Finding.Kind.NOT_NEEDED).size(), o.findings()::toString);
    }

    @Test
    void aCipherStringPointsmanWouldRefuseIsLeftOutNotWritten() throws Exception {
        HaproxyImport.Outcome o = run("""
                global
                    ssl-default-bind-ciphersuites TLS_AES_256_GCM_SHA384
                """ + HEAD + """
                frontend fe
                    bind :443 ssl crt /c.pem ciphers NO-SUCH-CIPHER
                    default_backend be
                backend be
                    server s1 10.0.0.1:80
                """);
        ProxyConfig c = config(o);
        assertNull(c.global().tlsDefaults());
        assertTrue(notTranslated(o, 2).contains("ciphersuites TLS_AES_256_GCM_SHA384"), o.findings()::toString);
        assertTrue(notTranslated(o, 9).contains("ciphers NO-SUCH-CIPHER"), o.findings()::toString);
        assertNull(frontend(c, "fe").bind().get(0).tls().ciphers());
    }

    @Test
    void serversWithSslMakeTheBackendsTlsAndAPlainOneSaysTlsFalse() throws Exception {
        HaproxyImport.Outcome o = run("""
                global
                    ca-base /etc/haproxy/ca
                """ + HEAD + """
                frontend fe
                    bind :80
                    default_backend api
                backend api
                    default-server ssl verify required ca-file internal.pem alpn h2,http/1.1
                    server a1 10.0.0.1:443 sni str(api.internal) check
                    server a2 10.0.0.2:443 sni str(api.internal) check
                    server legacy 10.0.0.9:80 no-ssl check
                """);
        Backend b = backend(config(o), "api");
        assertEquals(TlsVerify.REQUIRED, b.tls().verify());
        assertEquals("/etc/haproxy/ca/internal.pem", b.tls().ca());
        assertEquals("api.internal", b.tls().sni());
        assertEquals(List.of("http/1.1"), b.tls().alpn(), "HTTP/1.1 to servers");
        assertTrue(b.tlsTo(server(b, "a1")));
        assertFalse(b.tlsTo(server(b, "legacy")), "no-ssl: tls: false");
        assertTrue(b.check().tls() == null || b.check().tls(), "checks on the servers' port go over TLS");
        assertTrue(o.files().get("proxy.yaml").contains("tls: false"));
    }

    @Test
    void aServerWithSslAndNeitherVerifyNoneNorCaFileIsRefusedAsHaproxyDoes() {
        HaproxyImport.Outcome o = run(HEAD + """
                backend be
                    server s1 10.0.0.1:443 ssl
                """);
        assertEquals(HaproxyImport.REFUSED, o.status());
        assertTrue(findings(o, 7, Finding.Kind.ERROR).toString().contains("needs a ca-file"), o.findings()::toString);
    }

    @Test
    void sslServerVerifyNoneIsTheDefaultOfEveryServer() throws Exception {
        HaproxyImport.Outcome o = run("""
                global
                    ssl-server-verify none
                """ + HEAD + """
                frontend fe
                    bind :80
                    default_backend be
                backend be
                    server s1 10.0.0.1:443 ssl ca-file /ca.pem
                backend strict
                    server s2 10.0.0.2:443 ssl verify required ca-file /ca.pem
                """);
        ProxyConfig c = config(o);
        assertEquals(TlsVerify.NONE, backend(c, "be").tls().verify());
        assertNull(backend(c, "be").tls().ca(), "not used without verify");
        assertEquals(TlsVerify.REQUIRED, backend(c, "strict").tls().verify());
    }

    @Test
    void checksGoOverTlsAsHaproxySendsThem() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    use_backend other-port if { path_beg /a }
                    use_backend no-check-ssl if { path_beg /b }
                    use_backend plain if { path_beg /c }
                    default_backend same-port
                backend same-port
                    option httpchk GET /health
                    server s1 10.0.0.1:443 ssl verify none check
                backend other-port
                    server s1 10.0.0.1:443 ssl verify none check port 8080
                backend no-check-ssl
                    server s1 10.0.0.1:443 ssl verify none check no-check-ssl
                backend plain
                    server s1 10.0.0.1:80 check check-ssl verify none
                """);
        ProxyConfig c = config(o);
        assertTrue(backend(c, "same-port").check().tls() == null || backend(c, "same-port").check().tls());
        assertEquals(Boolean.FALSE, backend(c, "other-port").check().tls(), "a check port is checked in plaintext");
        assertEquals(Boolean.FALSE, backend(c, "no-check-ssl").check().tls());
        assertNull(backend(c, "plain").tls());
        assertTrue(notTranslated(o, 20).contains("check-ssl"), o.findings()::toString);
    }

    @Test
    void serversWhoseTlsDiffersFromTheOthersAreLeftOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                backend be
                    server s1 10.0.0.1:443 ssl verify none
                    server s2 10.0.0.2:443 ssl verify none
                    server s3 10.0.0.3:443 ssl verify required ca-file /ca.pem
                listen tunnel
                    mode tcp
                    bind :5433
                    server db 10.0.0.5:5432 ssl verify none sni str(db.internal)
                """);
        ProxyConfig c = config(o);
        assertEquals(2, backend(c, "be").servers().size());
        assertTrue(notTranslated(o, 9).contains("TLS settings differ"));
        assertEquals("db.internal", c.listens().get(0).serverTls().sni(), "a listen's TLS to servers is server_tls");
        assertTrue(o.files().get("proxy.yaml").contains("server_tls:"));
    }

    @Test
    void verifyhostBecomesSniAndAnSniExpressionIsLeftOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                backend a
                    server s1 10.0.0.1:443 ssl verify required ca-file /ca.pem verifyhost api.internal
                backend b
                    server s1 10.0.0.1:443 ssl verify required ca-file /ca.pem sni req.hdr(host)
                backend c
                    server s1 api.internal:443 ssl verify required ca-file /ca.pem
                """);
        ProxyConfig c = config(o);
        assertEquals("api.internal", backend(c, "a").tls().sni());
        assertTrue(findings(o, 7, Finding.Kind.NOTE).toString().contains("verifyhost"), o.findings()::toString);
        assertNull(backend(c, "b").tls().sni());
        assertTrue(notTranslated(o, 9).contains("sni req.hdr(host)"));
        assertTrue(findings(o, 11, Finding.Kind.NOTE).toString().contains("host name 'api.internal'"),
                o.findings()::toString);
    }

    @Test
    void tlsAclsBecomeTheirMatchers() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend web
                    bind :443 ssl crt /c.pem ca-file /ca.pem verify optional
                    acl cert ssl_c_used
                    acl ok ssl_c_verify 0
                    acl named ssl_fc_sni -i www.example.com
                    use_backend be if cert ok
                    use_backend be if named
                    default_backend be
                frontend tunnel
                    mode tcp
                    bind :8443 ssl crt /c.pem
                    acl db ssl_fc_sni -m end .db.example.com
                    use_backend db if db
                backend be
                    server s1 10.0.0.1:80
                backend db
                    mode tcp
                    server s1 10.0.0.1:5432
                """);
        ProxyConfig c = config(o);
        List<AclMatch> web = frontend(c, "web").acl().stream().map(a -> a.match()).toList();
        assertTrue(web.contains(new AclMatch.SslCUsed(true)), web::toString);
        assertTrue(web.contains(new AclMatch.SslFc(true)), "ssl_c_verify 0 holds on every TLS connection: " + web);
        assertTrue(notTranslated(o, 10).contains("ssl_fc_sni in mode http"), o.findings()::toString);
        List<AclMatch> tunnel = frontend(c, "tunnel").acl().stream().map(a -> a.match()).toList();
        assertEquals(List.of(new AclMatch.Sni(List.of("*.db.example.com"))), tunnel);
    }

    @Test
    void serverTemplatesBecomeServerTemplate() throws Exception {
        HaproxyImport.Outcome o = run("""
                resolvers dns
                    nameserver ns1 127.0.0.53:53
                    hold valid 30s
                """ + HEAD + """
                frontend fe
                    bind :80
                    use_backend api if { path_beg /api }
                    use_backend two if { path_beg /two }
                    use_backend ranged if { path_beg /r }
                    default_backend web
                backend web
                    server-template web 10 web.service.internal:8080 check weight 2 resolvers dns
                backend api
                    server-template api 5 _http._tcp.api.service.internal resolvers dns
                    server fixed 10.0.0.9:80
                backend two
                    server-template a 3 a.internal:80
                    server-template b 3 b.internal:80
                backend ranged
                    server-template r 2-4 r.internal:80
                    server s1 10.0.0.1:80
                """);
        ProxyConfig c = config(o);
        Backend web = backend(c, "web");
        assertEquals("web", web.serverTemplate().prefix());
        assertEquals(10, web.serverTemplate().count());
        assertEquals("web.service.internal:8080", web.serverTemplate().address());
        assertEquals(2, web.serverTemplate().weight());
        assertEquals(Boolean.TRUE, web.serverTemplate().check());
        assertTrue(web.servers().isEmpty());
        Backend api = backend(c, "api");
        assertTrue(api.serverTemplate().srv());
        assertEquals(List.of("fixed"), api.servers().stream().map(Server::name).toList());
        assertEquals(List.of("127.0.0.53:53"), c.global().resolvers().nameservers().stream().map(Object::toString)
                .toList());
        assertEquals("a", backend(c, "two").serverTemplate().prefix());
        assertTrue(notTranslated(o, 22).contains("one server_template per backend"), o.findings()::toString);
        assertNull(backend(c, "ranged").serverTemplate());
        assertTrue(notTranslated(o, 24).contains("numbered from 2"), o.findings()::toString);
    }

    @Test
    void anSrvTemplateWithoutANameserverIsLeftOut() throws Exception {
        HaproxyImport.Outcome o = run(HEAD + """
                frontend fe
                    bind :80
                    default_backend api
                backend api
                    server-template api 5 _http._tcp.api.service.internal
                    server fixed 10.0.0.9:80
                """);
        ProxyConfig c = config(o);
        assertNull(backend(c, "api").serverTemplate());
        assertTrue(notTranslated(o, 10).contains("SRV"), o.findings()::toString);
    }
}
