package io.pointsman.proxy.runtime;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.health.HealthState;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Active health checks decide which servers get connections, and their state survives a swap. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthWiringTest {
    private static final Check FAST = new Check(CheckType.TCP, null, null, Duration.ofMillis(50), 1, 1);

    @Test
    void downServersGetNoConnectionsAndStateSurvivesASwap() throws Exception {
        HostPort dead = new HostPort("127.0.0.1", Clients.deadPort());
        try (TestServer alive = TestServer.lines("alive");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            TestConfig c = new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").check(FAST).retries(0, false)
                    .checkedServer("dead", dead).checkedServer("alive", alive.address()).end();
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(c.build(), "r1"));
            HealthState state = runtime.health().state("be", dead.toString());
            await("dead server marked DOWN", 5000, () -> !state.isUsable());
            InetSocketAddress fe = runtime.boundAddresses("fe").get(0);
            long errorsBefore = runtime.stats().snapshot().servers().get("be/" + dead).connectErrors();
            // With retries 0, a connection sent to the dead server would fail: none is.
            for (int i = 0; i < 6; i++) {
                try (Socket s = Clients.connect(fe)) {
                    assertEquals("alive " + i, Clients.roundTrip(s, "" + i));
                }
            }
            assertEquals(errorsBefore, runtime.stats().snapshot().servers().get("be/" + dead).connectErrors());

            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(c.build(), "r2"));
            assertSame(state, runtime.health().state("be", dead.toString()), "same server, same health state");
            try (Socket s = Clients.connect(fe)) {
                assertEquals("alive after", Clients.roundTrip(s, "after"));
            }
        }
    }

    @Test
    void allServersDownClosesTheClient() throws Exception {
        HostPort dead = new HostPort("127.0.0.1", Clients.deadPort());
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            runtime.apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").check(FAST).checkedServer("dead", dead).end().build(), "r1");
            HealthState state = runtime.health().state("be", dead.toString());
            await("dead server marked DOWN", 5000, () -> !state.isUsable());
            try (Socket s = Clients.connect(runtime.boundAddresses("fe").get(0))) {
                assertEquals(-1, s.getInputStream().read());
            }
            assertEquals(1, runtime.stats().snapshot().frontends().get("fe").denied());
        }
    }
}
