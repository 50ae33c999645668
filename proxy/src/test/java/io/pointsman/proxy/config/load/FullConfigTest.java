package io.pointsman.proxy.config.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Acl;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Capture;
import io.pointsman.proxy.config.OnMarkedDown;
import io.pointsman.proxy.config.Resolvers;
import io.pointsman.proxy.config.Balance;
import io.pointsman.proxy.config.Bgp;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.Cidr;
import io.pointsman.proxy.config.Condition;
import io.pointsman.proxy.config.Defaults;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.AclMatch;
import io.pointsman.proxy.config.Regex;
import io.pointsman.proxy.config.TextMatch;
import io.pointsman.proxy.config.HealthGate;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.config.RetryOn;
import io.pointsman.proxy.config.Keepalived;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.config.StatsAuth;
import io.pointsman.proxy.config.StatusRange;
import io.pointsman.proxy.config.SyncSettings;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.config.Tls;
import io.pointsman.proxy.config.TlsCertificate;
import io.pointsman.proxy.config.TlsDefaults;
import io.pointsman.proxy.config.TlsVerify;
import io.pointsman.proxy.config.TlsVersion;
import io.pointsman.proxy.config.TrackCheck;
import io.pointsman.proxy.config.UseBackend;
import io.pointsman.proxy.config.VrrpInstance;
import io.pointsman.proxy.config.VrrpState;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A config that uses every schema feature loads and normalizes to the expected records. */
class FullConfigTest {
    static final Map<String, String> ENV = Map.of("STATS_PASSWORD", "pw-s3cret-value", "VRRP_PASS", "vrrp-s3cret-value");

    static ConfigFiles full() throws URISyntaxException {
        return ConfigFiles.fromDirectory(Path.of(FullConfigTest.class.getResource("/config/full").toURI()));
    }

    static LoadedConfig load(String node) throws Exception {
        return ConfigLoader.load(full(), node, SecretSource.of(ENV));
    }

    static final Timeouts DEFAULT_TIMEOUTS = new Timeouts(Duration.ofSeconds(4), Duration.ofSeconds(25),
            Duration.ofSeconds(25), Duration.ofSeconds(8), Duration.ofSeconds(9), Duration.ofMillis(1500),
            Duration.ofHours(2), Duration.ofSeconds(3));

    @Test
    void globalDefaultsAndStats() throws Exception {
        ProxyConfig c = load("lb1").config();
        assertEquals(1, c.version());
        // hosts/lb1.yaml deletes global.threads with null: the built-in 0 comes back.
        assertEquals(new Global(10000, 0, true, Duration.ofMinutes(30), 4, List.of(), Resolvers.SYSTEM,
                new TlsDefaults(TlsVersion.TLS1_2, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL", null, null, false), null),
                c.global());
        assertEquals(new Defaults(Mode.HTTP, DEFAULT_TIMEOUTS, 2, false, Balance.LEASTCONN, HttpReuse.ALWAYS,
                List.of(RetryOn.parse("conn_failure"), RetryOn.parse("empty_response")), true, c.defaults().errorfiles(),
                null, false, false, false, false, false), c.defaults());
        assertEquals(new Stats(HostPort.parse("127.0.0.1:8404"), "/haproxy", Duration.ofSeconds(10),
                new StatsAuth("admin", "pw-s3cret-value")), c.stats());
    }

    @Test
    void frontendsWithEveryMatcherAndCondition() throws Exception {
        ProxyConfig c = load("lb1").config();
        assertEquals(2, c.frontends().size());
        Frontend pub = c.frontends().get(0);
        assertEquals("public-http", pub.name());
        assertEquals(Mode.HTTP, pub.mode());
        assertEquals(List.of(new HostPort("*", 8080), new HostPort("::1", 8081), new HostPort("*", 9443)),
                pub.addresses());
        Tls written = new Tls("/etc/pointsman/site.pem", "/etc/pointsman/site.key",
                List.of(new TlsCertificate("/etc/pointsman/api.pem", "/etc/pointsman/api.key")));
        assertEquals(written, pub.tls());
        // What each bind serves: the frontend's tls with global.tls_defaults and the built-in defaults...
        Tls served = new Tls(written.cert(), written.key(), written.certificates(), null, null, TlsVerify.NONE, null,
                TlsVersion.TLS1_2, "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL", null, List.of(), false);
        assertEquals(served, pub.bind().get(0).tls());
        assertEquals(served, pub.bind().get(1).tls());
        // ...and a bind's own keys over those.
        assertEquals(new Tls(written.cert(), written.key(), written.certificates(), "/etc/pointsman/certs",
                "/etc/pointsman/clients-ca.pem", TlsVerify.OPTIONAL, "/etc/pointsman/clients.crl", TlsVersion.TLS1_3,
                "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL", null, List.of("http/1.1"), false), pub.bind().get(2).tls());
        assertEquals(4000, pub.maxconn());
        assertTrue(pub.forwardfor());
        assertTrue(pub.acceptProxy());
        assertEquals(new Timeouts(Duration.ofSeconds(4), Duration.ofMinutes(1), Duration.ofSeconds(25),
                Duration.ofSeconds(8), Duration.ofSeconds(9), Duration.ofMillis(1500), Duration.ofHours(2),
                Duration.ofSeconds(3)), pub.timeout());
        List<Acl> acl = pub.acl();
        assertEquals(9, acl.size());
        assertEquals(new AclMatch.PathBeg(List.of("/api/")), acl.get(0).match());
        assertEquals(new AclMatch.Host(List.of("admin.example.com", "*.admin.example.com")), acl.get(1).match());
        assertEquals(new AclMatch.Path(List.of("/healthz")), acl.get(2).match());
        assertEquals(new AclMatch.PathEnd(List.of(".png", ".jpg")), acl.get(3).match());
        assertEquals(new AclMatch.PathReg(List.of(Regex.parse("^/v1/(users|orders)"))), acl.get(4).match());
        assertEquals(new AclMatch.Method(List.of("POST", "PUT", "DELETE")), acl.get(5).match());
        assertEquals(new AclMatch.Header("X-Beta", new TextMatch.Values(List.of("1", "yes"))), acl.get(6).match());
        assertEquals(new AclMatch.Src(List.of(Cidr.parse("203.0.113.0/24"), Cidr.parse("2001:db8::/32"))),
                acl.get(7).match());
        assertEquals(new AclMatch.DstPort(List.of(8081)), acl.get(8).match());
        assertNull(acl.get(8).ignoreCase());
        assertEquals(List.of(
                new UseBackend("api-farm", Condition.parse("api !admin"), null),
                new UseBackend("api-farm", Condition.parse("beta writes || legacy"), null),
                new UseBackend("web-farm", null, Condition.parse("office")),
                new UseBackend("app-customer1", Condition.parse("images"), null),
                new UseBackend("web-farm", Condition.parse("health || tls-port"), null)), pub.useBackend());
        assertEquals("web-farm", pub.defaultBackend());

        Frontend tunnel = c.frontends().get(1);
        assertEquals(new Frontend("app-tunnel", Mode.TCP, List.of(Bind.plain(new HostPort("127.0.0.1", 8443))), null, null,
                false, false, DEFAULT_TIMEOUTS,
                List.of(new Acl("from-pilot2", new AclMatch.Src(List.of(Cidr.parse("203.0.113.0/24")))),
                        new Acl("site", new AclMatch.Sni(List.of("www.example.com")))),
                List.of(new UseBackend("app-pilot2", Condition.parse("from-pilot2 site"), null)), null),
                new Frontend(tunnel.name(), tunnel.mode(), tunnel.bind(), tunnel.tls(), tunnel.maxconn(),
                        tunnel.forwardedFor(), tunnel.acceptProxy(), tunnel.timeout(), tunnel.acl(), tunnel.useBackend(),
                        tunnel.defaultBackend(), tunnel.httpRequest(), tunnel.httpResponse(), tunnel.tcpRequest(),
                        tunnel.limits(), tunnel.errorfiles()));
        // The logging options, filled from defaults: a tcp frontend logs tcplog lines.
        assertEquals("tcplog", tunnel.logFormat());
        assertEquals(new Capture(List.of(), List.of()), tunnel.capture());
        assertEquals(List.of(false, false, false, false), List.of(tunnel.dontlognull(), tunnel.dontlogNormal(),
                tunnel.logSeparateErrors(), tunnel.tcpka()));
    }

    @Test
    void backendsListensAndServersWithHostOverrides() throws Exception {
        ProxyConfig c = load("lb1").config();
        assertEquals(new Backend("web-farm", Mode.HTTP, Balance.ROUNDROBIN,
                new Check(CheckType.HTTP, "/health", StatusRange.parse("200-399"), Duration.ofSeconds(2), 2, 3),
                SendProxy.NONE, DEFAULT_TIMEOUTS, 2, false, HttpReuse.ALWAYS,
                List.of(RetryOn.parse("conn_failure"), RetryOn.parse("empty_response")), true, List.of(
                        new Server("web0", HostPort.parse("127.0.0.1:9001"), 1, true, false, 0, false, 0),
                        new Server("web1", HostPort.parse("127.0.0.1:9002"), 3, true, false, 100, false, 0),
                        // web2 deleted by hosts/lb1.yaml, web3 appended by it
                        new Server("web3", HostPort.parse("127.0.0.1:9004"), 256, false, false, 0, false, 0)),
                List.of(), List.of(), List.of(), c.backends().get(0).errorfiles(), false, null, OnMarkedDown.NONE, false),
                c.backends().get(0));
        Backend api = c.backends().get(1);
        assertEquals(Balance.LEASTCONN, api.balance());
        assertEquals(Check.BUILT_IN, api.check());
        assertEquals(Duration.ofMinutes(1), api.timeout().server());
        assertEquals(5, api.retries());
        assertTrue(api.redispatch());
        assertEquals(HttpReuse.NEVER, api.httpReuse());
        assertEquals(List.of(RetryOn.parse("response_timeout"), RetryOn.parse("503"), RetryOn.parse("504")),
                api.retryOn());
        assertEquals(RetryOn.RESPONSE_TIMEOUT | RetryOn.statusBit(503) | RetryOn.statusBit(504),
                RetryOn.mask(api.retryOn()));
        assertFalse(api.abortonclose());
        assertEquals(new HostPort("::1", 9101), api.servers().get(0).address());
        Backend pilot = c.backends().get(2);
        assertEquals(Mode.TCP, pilot.mode());
        assertEquals(Balance.SOURCE, pilot.balance());
        assertEquals(SendProxy.V2, pilot.sendProxy());
        assertEquals(Duration.ofSeconds(5), pilot.check().interval());

        Listen l = c.listens().get(0);
        assertEquals("app-customer1", l.name());
        assertEquals(Balance.FIRST, l.balance());
        assertEquals(List.of(new Server("applive0", HostPort.parse("127.0.0.1:36007"), 1, true, false, 0, false, 0)),
                l.servers());
        assertEquals(l.asBackend(), c.backend("app-customer1").orElseThrow());
        assertEquals(new io.pointsman.proxy.config.ServerTemplate("app", 2, "app.internal:36007", 2, null, null, null),
                l.serverTemplate());
        assertEquals(List.of("applive0", "app1", "app2"), l.asBackend().allServers().stream().map(Server::name).toList());
    }

    @Test
    void keepalivedAndSyncFromTheHostFile() throws Exception {
        ProxyConfig c = load("lb1").config();
        assertEquals(new Keepalived("/etc/keepalived/keepalived.conf", "/run/keepalived.pid",
                "systemctl reload keepalived", true, new TrackCheck(Duration.ofSeconds(2), 3, 1),
                List.of(new VrrpInstance("VI_1", "eth0", 51, VrrpState.MASTER, 200, 1, "vrrp-s3cret-value",
                        List.of("192.0.2.10/24", "192.0.2.11/24"), true))), c.keepalived());
        assertEquals(new SyncSettings(Duration.ofMinutes(10), false,
                new HealthGate(Duration.ofSeconds(30), 0.5)), c.sync());
    }

    @Test
    void bgpFromProxyYamlWithTheHostFilesPathsAndPrefixes() throws Exception {
        assertEquals(new Bgp(List.of("192.0.2.20/32", "2001:db8::20/128"), null, null,
                List.of(Bgp.WithdrawWhen.NOT_SERVING, Bgp.WithdrawWhen.STOPPING), Duration.ofSeconds(3)),
                load(null).config().bgp());
        Bgp lb1 = load("lb1").config().bgp();
        assertEquals(new Bgp(List.of("192.0.2.21/32"), "/etc/bird/pointsman.conf", "/run/bird/bird.ctl",
                List.of(Bgp.WithdrawWhen.NOT_SERVING, Bgp.WithdrawWhen.STOPPING), Duration.ofSeconds(3)), lb1);
        assertFalse(lb1.withdrawsWhen(Bgp.WithdrawWhen.SUSPENDED));
        Bgp defaults = new Bgp(List.of("192.0.2.21/32"), null, null, null, null);
        for (Bgp.WithdrawWhen w : Bgp.WithdrawWhen.values()) {
            assertTrue(defaults.withdrawsWhen(w), w + " withdraws when withdraw_when is not given");
        }
        assertEquals(Bgp.DEFAULT_DRAIN, defaults.drainOrDefault());
    }

    @Test
    void withoutANodeProxyYamlAloneIsUsed() throws Exception {
        ProxyConfig c = load(null).config();
        assertEquals(2, c.global().threads());
        assertEquals(VrrpState.BACKUP, c.keepalived().vrrpInstances().get(0).state());
        assertNull(c.keepalived().configPath());
        assertNull(c.sync());
        assertEquals(List.of("web0", "web1", "web2"),
                c.backends().get(0).servers().stream().map(Server::name).toList());
        assertTrue(c.backends().get(0).servers().get(2).disabled());
    }

    @Test
    void renderedYamlLoadsBackToTheSameConfig() throws Exception {
        LoadedConfig first = load(null);
        LoadedConfig again = ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", first.rendered())), null,
                SecretSource.of(Map.of()));
        // toString shows secrets as <redacted> on both sides; everything else must match.
        assertEquals(first.config().toString(), again.config().toString());
        assertFalse(first.rendered().contains("s3cret"));
    }
}
