package io.pointsman.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.StatusRange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private EventLoopGroup group;
    private HealthRegistry registry;
    private final List<String> transitions = new CopyOnWriteArrayList<>();
    private final List<HealthSnapshot> downs = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        registry = new HealthRegistry(group, NioSocketChannel.class, (state, before, after) -> {
            transitions.add(state.server() + " " + after.status() + " " + after.lastCheck());
            if (!after.up()) {
                downs.add(after);
            }
            HealthRegistry.logTransition(state, before, after);
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static ServerCheckSpec spec(String server, String address, CheckType type, int rise, int fall) {
        return spec(server, address, new Check(type, "/health", StatusRange.parse("200-399"), INTERVAL, rise, fall));
    }

    private static ServerCheckSpec spec(String server, String address, Check check) {
        return new ServerCheckSpec("web-farm", server, HostPort.parse(address), true, false, check, Duration.ofSeconds(1));
    }

    /** Polls every 10 ms for at most 10 s. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void tcpCheckTakesAKilledServerDownAndBackUp() throws Exception {
        try (TestBackend backend = new TestBackend(group).start()) {
            registry.reconcile(List.of(spec("web0", backend.address(), CheckType.TCP, 2, 3)));
            HealthState state = registry.state("web-farm", backend.address());
            assertNotNull(state);
            assertTrue(state.isUsable(), "up before the first check");
            await("first check passes", () -> state.snapshot().checks() >= 1);
            assertEquals("UP", state.status());
            assertEquals("L4OK", state.snapshot().lastCheck().toString());

            backend.stop();
            await("DOWN after 3 failures", () -> !state.isUsable());
            await("the listener heard it", () -> !downs.isEmpty());
            HealthSnapshot down = downs.get(0); // as of the transition; checks go on meanwhile
            assertEquals("DOWN", down.status());
            assertEquals(CheckCode.L4CON, down.lastCheck().code());
            assertEquals(3, down.failedChecks(), "exactly fall failures took it down");
            assertEquals(1, down.downTransitions());
            assertTrue(transitions.contains("web0 DOWN L4CON"), transitions.toString());

            backend.start();
            await("UP again after 2 successes", state::isUsable);
            assertEquals("UP", state.status());
            assertEquals(3, state.snapshot().failedChecks());
            assertTrue(transitions.get(transitions.size() - 1).startsWith("web0 UP L4OK"), transitions.toString());
        }
    }

    @Test
    void httpCheckSendsGetAndComparesStatus() throws Exception {
        try (TestBackend backend = new TestBackend(group).start()) {
            registry.reconcile(List.of(spec("web0", backend.address(), CheckType.HTTP, 2, 2)));
            HealthState state = registry.state("web-farm", backend.address());
            await("an http check passes", () -> state.snapshot().checks() >= 1);
            assertEquals("L7OK 200", state.snapshot().lastCheck().toString());
            var request = backend.requests.peek();
            assertNotNull(request);
            assertEquals("GET", request.method().name());
            assertEquals("/health", request.uri());
            assertEquals(backend.address(), request.headers().get("Host"));
            assertEquals("close", request.headers().get("Connection"));

            backend.status = 503;
            await("DOWN on 503", () -> !state.isUsable());
            assertEquals("L7STS 503", state.snapshot().lastCheck().toString());
            assertEquals("DOWN", state.status());

            backend.status = 302; // within 200-399
            await("UP on 302", state::isUsable);
            assertEquals("L7OK 302", state.snapshot().lastCheck().toString());
        }
    }

    @Test
    void httpCheckAgainstANonHttpServerTimesOutOrFailsAtLayer7() throws Exception {
        // A server that accepts and never answers: connect succeeds, no response.
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            String address = "127.0.0.1:" + silent.getLocalPort();
            Check check = new Check(CheckType.HTTP, "/", StatusRange.parse("200"), INTERVAL, 1, 1);
            registry.reconcile(List.of(new ServerCheckSpec("web-farm", "mute", HostPort.parse(address), true, false,
                    check, Duration.ofMillis(100))));
            HealthState state = registry.state("web-farm", address);
            await("DOWN on timeout", () -> !state.isUsable());
            assertEquals(CheckCode.L7TOUT, state.snapshot().lastCheck().code());
        }
    }

    @Test
    void stateSurvivesReconcileForAnUnchangedKey() throws Exception {
        try (TestBackend backend = new TestBackend(group).start()) {
            Duration slow = Duration.ofMillis(200); // leaves time to reconcile between two checks
            registry.reconcile(List.of(spec("web0", backend.address(),
                    new Check(CheckType.TCP, "/", StatusRange.parse("200"), slow, 2, 3))));
            HealthState state = registry.state("web-farm", backend.address());
            await("two checks", () -> state.snapshot().checks() >= 2);
            backend.stop();
            await("one failure", () -> state.snapshot().failedChecks() >= 1);
            long checks = state.snapshot().checks();

            // New generation: renamed, other rise/fall and type; same backend + address.
            registry.reconcile(List.of(spec("web0-new", backend.address(),
                    new Check(CheckType.HTTP, "/", StatusRange.parse("200"), slow, 3, 5))));
            HealthState after = registry.state("web-farm", backend.address());
            org.junit.jupiter.api.Assumptions.assumeTrue(after.snapshot().up(),
                    "the machine was too slow: fall 3 was reached before the reconcile");
            assertSame(state, after, "same state object");
            assertTrue(after.snapshot().checks() >= checks, "counters kept");
            assertTrue(after.snapshot().failedChecks() >= 1, "history kept");
            assertEquals(5, after.snapshot().fall());
            assertEquals("web0-new", after.server());
            assertTrue(registry.isChecking(new ServerKey("web-farm", backend.address())));
            // The checker keeps running with the new settings: 5 failures to go down in all.
            await("DOWN with the new fall", () -> !downs.isEmpty());
            assertEquals(5, downs.get(0).failedChecks(), "fall 5 after reconcile, not 3");
            assertEquals(1, downs.get(0).downTransitions());
        }
    }

    @Test
    void removedServersCheckerStops() throws Exception {
        try (TestBackend removed = new TestBackend(group).start();
             TestBackend kept = new TestBackend(group).start()) {
            registry.reconcile(List.of(spec("web0", removed.address(), CheckType.TCP, 2, 3),
                    spec("web1", kept.address(), CheckType.TCP, 2, 3)));
            HealthState keptState = registry.state("web-farm", kept.address());
            await("web0 is checked", () -> removed.connections.get() >= 2);

            registry.reconcile(List.of(spec("web1", kept.address(), CheckType.TCP, 2, 3)));
            assertNull(registry.state("web-farm", removed.address()));
            assertFalse(registry.isChecking(new ServerKey("web-farm", removed.address())));
            // One check may have been in flight at the reconcile; after that, nothing.
            int atRemoval = removed.connections.get();
            long keptChecks = keptState.snapshot().checks();
            // Let the kept server's checker run 5 more intervals: the removed one had as many chances.
            await("the kept server is checked 5 more times", () -> keptState.snapshot().checks() >= keptChecks + 5);
            assertTrue(removed.connections.get() <= atRemoval + 1,
                    "removed server got " + (removed.connections.get() - atRemoval) + " more checks");
        }
    }

    @Test
    void uncheckedAndDisabledServersGetStatesWithoutCheckers() throws Exception {
        try (TestBackend backend = new TestBackend(group).start()) {
            Check check = new Check(CheckType.TCP, "/", StatusRange.parse("200"), INTERVAL, 2, 3);
            registry.reconcile(List.of(
                    new ServerCheckSpec("web-farm", "plain", HostPort.parse(backend.address()), false, false, check, null),
                    new ServerCheckSpec("web-farm", "off", HostPort.parse("127.0.0.1:1"), true, true, check, null)));
            assertEquals("no check", registry.state("web-farm", backend.address()).status());
            assertTrue(registry.state("web-farm", backend.address()).isUsable());
            assertEquals("MAINT", registry.state("web-farm", "127.0.0.1:1").status());
            assertFalse(registry.isUsable("web-farm", HostPort.parse("127.0.0.1:1")));
            assertTrue(registry.isUsable("web-farm", HostPort.parse(backend.address())));
            assertTrue(registry.isUsable("other", HostPort.parse("127.0.0.1:2")), "unknown: up until proven down");
            assertFalse(registry.state("web-farm", "127.0.0.1:1").isUsable());
            assertFalse(registry.isChecking(new ServerKey("web-farm", backend.address())));
            assertFalse(registry.isChecking(new ServerKey("web-farm", "127.0.0.1:1")));

            // Turning checks on for the same key starts a checker on the existing state.
            HealthState plain = registry.state("web-farm", backend.address());
            registry.reconcile(List.of(spec("plain", backend.address(), CheckType.TCP, 2, 3)));
            assertSame(plain, registry.state("web-farm", backend.address()));
            await("checked now", () -> plain.snapshot().checks() >= 1);
            assertEquals("UP", plain.status());
        }
    }

    @Test
    void duplicateKeysAreRejected() {
        var s = spec("a", "127.0.0.1:9", CheckType.TCP, 1, 1);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> registry.reconcile(List.of(s, spec("b", "127.0.0.1:9", CheckType.TCP, 1, 1))));
        assertTrue(e.getMessage().contains("web-farm/127.0.0.1:9"), e.getMessage());
    }

    /** Fresh config objects on every call, as a new load of the same files gives. */
    private static List<io.pointsman.proxy.config.Backend> backends(boolean withB, String... addressesOfA) {
        var c = new io.pointsman.proxy.testing.TestConfig();
        var a = c.backend("a");
        for (int i = 0; i < addressesOfA.length; i++) {
            a.server("a" + i, HostPort.parse(addressesOfA[i]));
        }
        a.end();
        if (withB) {
            c.backend("b").server("b0", HostPort.parse("127.0.0.2:1")).end();
        }
        return c.build().allBackends();
    }

    @Test
    void aPlanLooksOnlyAtBackendsThatChanged() {
        registry.apply(registry.plan(backends(true, "127.0.0.1:1", "127.0.0.1:2")));
        HealthState a1 = registry.state("a", "127.0.0.1:1");
        HealthState b0 = registry.state("b", "127.0.0.2:1");
        HealthSnapshot a1Before = a1.snapshot();
        assertEquals("no check", a1.status());

        HealthRegistry.Plan same = registry.plan(backends(true, "127.0.0.1:1", "127.0.0.1:2"));
        assertTrue(same.changedBackends().isEmpty(), same.changedBackends().toString());
        registry.apply(same);
        assertSame(a1, registry.state("a", "127.0.0.1:1"));
        assertSame(a1Before, a1.snapshot(), "an unchanged backend's servers are not even reconfigured");

        // a: 127.0.0.1:2 replaced by :3; b removed.
        HealthRegistry.Plan changed = registry.plan(backends(false, "127.0.0.1:1", "127.0.0.1:3"));
        assertEquals(java.util.Set.of("a"), changed.changedBackends());
        registry.apply(changed);
        assertSame(a1, registry.state("a", "127.0.0.1:1"), "a server that stays keeps its state");
        assertNull(registry.state("a", "127.0.0.1:2"));
        assertNotNull(registry.state("a", "127.0.0.1:3"));
        assertNull(registry.state("b", "127.0.0.2:1"));
        assertFalse(registry.states().containsValue(b0));
        assertEquals(2, registry.states().size());
    }

    @Test
    void aStalePlanReconcilesEveryBackend() {
        HealthRegistry.Plan early = registry.plan(backends(true, "127.0.0.1:1"));
        registry.apply(registry.plan(backends(false, "127.0.0.1:9")));
        registry.apply(early);
        assertNotNull(registry.state("a", "127.0.0.1:1"));
        assertNotNull(registry.state("b", "127.0.0.2:1"));
        assertNull(registry.state("a", "127.0.0.1:9"));
        // And a plan after reconcile(specs) sees every backend as changed.
        registry.reconcile(List.of(spec("web0", "127.0.0.1:5", CheckType.TCP, 1, 1)));
        assertEquals(java.util.Set.of("a", "b"), registry.plan(backends(true, "127.0.0.1:1")).changedBackends());
    }

    @Test
    void aPlanRefusesABackendListedTwice() {
        var twice = new java.util.ArrayList<>(backends(false, "127.0.0.1:1"));
        twice.addAll(backends(false, "127.0.0.1:2"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> registry.plan(twice));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void slowStartRampsFromTheMomentAServerCameBackUp() throws Exception {
        try (TestBackend backend = new TestBackend(group).start()) {
            registry.reconcile(List.of(spec("web0", backend.address(), CheckType.TCP, 1, 1)));
            HealthState state = registry.state("web-farm", backend.address());
            HostPort address = HostPort.parse(backend.address());
            long hour = TimeUnit.HOURS.toNanos(1);
            await("a first check", () -> state.snapshot().checks() >= 1);
            assertEquals(1.0, registry.rampUp("web-farm", address, hour), "a server that never went down is not ramped");
            backend.stop();
            await("DOWN", () -> !state.isUsable());
            backend.start();
            await("UP again", state::isUsable);
            double ramp = registry.rampUp("web-farm", address, hour);
            assertTrue(ramp >= 0 && ramp < 0.01, "just back up, an hour of slow start ahead: " + ramp);
            assertEquals(1.0, registry.rampUp("web-farm", address, 1), "a 1 ns slow start is over");
        }
    }
}
