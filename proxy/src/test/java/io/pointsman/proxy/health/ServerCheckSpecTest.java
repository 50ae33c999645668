package io.pointsman.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Balance;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.StatusRange;
import io.pointsman.proxy.config.Timeouts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCheckSpecTest {

    @Test
    void specsFromABackend() {
        Check check = new Check(CheckType.HTTP, "/health", StatusRange.parse("200"), Duration.ofSeconds(2), 2, 3);
        Timeouts timeouts = Timeouts.NONE.orElse(Timeouts.BUILT_IN);
        Backend b = new Backend("web-farm", Mode.HTTP, Balance.ROUNDROBIN, check, SendProxy.NONE, timeouts, 3, true,
                List.of(new Server("web0", HostPort.parse("127.0.0.1:9001"), 1, true, false, 0, false),
                        new Server("web1", HostPort.parse("[::1]:9002"), 1, false, false, 0, true)));
        List<ServerCheckSpec> specs = ServerCheckSpec.of(b);
        assertEquals(2, specs.size());
        assertEquals(new ServerKey("web-farm", "127.0.0.1:9001"), specs.get(0).key());
        assertTrue(specs.get(0).checked());
        assertEquals(check, specs.get(0).check());
        assertEquals(timeouts.check(), specs.get(0).timeout());
        assertEquals(new ServerKey("web-farm", "[::1]:9002"), specs.get(1).key());
        assertFalse(specs.get(1).checked());
        assertTrue(specs.get(1).disabled());
    }

    @Test
    void rejectsNonsenseSettingsByServerName() {
        Check zero = new Check(CheckType.TCP, "/", StatusRange.parse("200"), Duration.ofSeconds(1), 0, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> new ServerCheckSpec("web-farm", "web0",
                HostPort.parse("127.0.0.1:1"), true, false, zero, null));
        assertTrue(e.getMessage().contains("web-farm/web0"), e.getMessage());
    }

    @Test
    void sameSpecsIgnoresWhatIsNotInASpecAndSeesWhatIs() {
        java.util.function.BiFunction<Integer, Boolean, io.pointsman.proxy.config.Backend> backend = (weight, check) ->
                new io.pointsman.proxy.config.Backend("be", null, null, null, null, null, null, null, List.of(
                        new io.pointsman.proxy.config.Server("s1", io.pointsman.proxy.config.HostPort.parse("127.0.0.1:1"),
                                weight, check, null, null, null),
                        new io.pointsman.proxy.config.Server("s2", io.pointsman.proxy.config.HostPort.parse("127.0.0.1:2"),
                                1, null, null, null, null)));
        var a = backend.apply(1, true);
        assertTrue(ServerCheckSpec.sameSpecs(a, backend.apply(1, true)));
        assertTrue(ServerCheckSpec.sameSpecs(a, backend.apply(7, true)), "a weight is not part of a spec");
        assertEquals(ServerCheckSpec.of(a), ServerCheckSpec.of(backend.apply(7, true)));
        assertFalse(ServerCheckSpec.sameSpecs(a, backend.apply(1, false)), "check turned off");
        var moved = new io.pointsman.proxy.config.Backend("be", null, null, null, null, null, null, null, List.of(
                a.servers().get(0),
                new io.pointsman.proxy.config.Server("s2", io.pointsman.proxy.config.HostPort.parse("127.0.0.1:3"),
                        1, null, null, null, null)));
        assertFalse(ServerCheckSpec.sameSpecs(a, moved), "an address changed");
        assertFalse(ServerCheckSpec.sameSpecs(a, new io.pointsman.proxy.config.Backend("be", null, null, null, null,
                null, null, null, List.of(a.servers().get(0)))), "a server removed");
    }
}
