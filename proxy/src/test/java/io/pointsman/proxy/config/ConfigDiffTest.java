package io.pointsman.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    private static Server server(String name, String address, int weight) {
        return new Server(name, HostPort.parse(address), weight, true, false, 0, false);
    }

    private static ProxyConfig config(List<String> binds, List<Server> servers, String password) {
        return Normalizer.normalize(new ProxyConfig(1, null, null,
                new Stats(HostPort.parse("127.0.0.1:8404"), "/stats", null, new StatsAuth("admin", password)),
                List.of(new Frontend("web", Mode.HTTP, binds.stream().map(b -> Bind.plain(HostPort.parse(b))).toList(), null, null, null,
                        null, null, List.of(), List.of(), "farm")),
                List.of(new Backend("farm", Mode.HTTP, null, null, null, null, null, null, servers)),
                List.of(), null, null));
    }

    @Test
    void namesAddedRemovedAndChangedThings() {
        ProxyConfig a = config(List.of("*:80"), List.of(server("web0", "127.0.0.1:9001", 1), server("web1", "127.0.0.1:9002", 1)), "pw");
        ProxyConfig b = config(List.of("*:80", "*:81"), List.of(server("web0", "127.0.0.1:9001", 5), server("web2", "127.0.0.1:9003", 1)), "pw");
        ConfigDiff d = ConfigDiff.between(a, b);
        assertEquals(List.of(
                "~ frontend web: bind + *:81",
                "~ backend farm: - server web1, ~ server web0: weight, + server web2"), d.lines());
        assertEquals("~1 frontend, ~1 backend", d.summary());
    }

    @Test
    void neverShowsValuesSoSecretsCannotLeak() {
        ProxyConfig a = config(List.of("*:80"), List.of(server("web0", "127.0.0.1:9001", 1)), "old-s3cret");
        ProxyConfig b = config(List.of("*:80"), List.of(server("web0", "127.0.0.1:9001", 1)), "new-s3cret");
        ConfigDiff d = ConfigDiff.between(a, b);
        assertEquals(List.of("~ stats: auth"), d.lines());
        assertFalse(d.toString().contains("s3cret"));
    }

    @Test
    void fromNothingEverythingIsAdded() {
        ConfigDiff d = ConfigDiff.between(null, config(List.of("*:80"), List.of(server("web0", "127.0.0.1:9001", 1)), "pw"));
        assertTrue(d.lines().containsAll(List.of("+ frontend web", "+ backend farm", "+ global", "+ defaults", "+ stats")), d.lines().toString());
        assertEquals("+1 frontend, +1 backend, +global, +defaults, +stats", d.summary());
    }

    @Test
    void identicalConfigsHaveNoChanges() {
        ProxyConfig a = config(List.of("*:80"), List.of(server("web0", "127.0.0.1:9001", 1)), "pw");
        assertTrue(ConfigDiff.between(a, a).isEmpty());
        assertEquals("no changes\n", ConfigDiff.between(a, a).toString());
    }

    @Test
    void bgpSectionAddedChangedAndRemoved() {
        ProxyConfig none = config(List.of("*:80"), List.of(server("web0", "127.0.0.1:9001", 1)), "pw");
        Bgp one = new Bgp(List.of("192.0.2.10/32"), "/etc/bird/pointsman.conf", null, null, null);
        Bgp two = new Bgp(List.of("192.0.2.10/32", "192.0.2.11/32"), "/etc/bird/pointsman.conf", null, null, null);
        assertEquals(List.of("+ bgp"), ConfigDiff.between(none, withBgp(none, one)).lines());
        assertEquals(List.of("~ bgp: announce"), ConfigDiff.between(withBgp(none, one), withBgp(none, two)).lines());
        assertEquals(List.of("- bgp"), ConfigDiff.between(withBgp(none, two), none).lines());
    }

    private static ProxyConfig withBgp(ProxyConfig c, Bgp bgp) {
        return new ProxyConfig(c.version(), c.global(), c.defaults(), c.stats(), c.frontends(), c.backends(),
                c.listens(), c.keepalived(), c.sync(), c.userlists(), bgp);
    }
}
