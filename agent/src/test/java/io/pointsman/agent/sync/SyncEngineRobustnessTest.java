package io.pointsman.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Coalescing, apply timeouts, host-file suspend, back-off. */
@Timeout(60)
class SyncEngineRobustnessTest {
    @TempDir
    Path tmp;

    @Test
    void triggersArrivingTogetherCoalesceIntoOneSync() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("remote"));
        String a = central.push("proxy.yaml", "version: 1\ngate: true\n", "a");
        GatedApplier[] gated = new GatedApplier[1];
        try (TestNode n = TestNode.create("lb1", central.url(), tmp.resolve("state"), Duration.ofSeconds(60),
                Duration.ofSeconds(30), inner -> gated[0] = new GatedApplier(inner))) {
            n.engine.start();
            assertTrue(gated[0].entered.await(15, TimeUnit.SECONDS), "the start sync is applying");
            long before = n.engine.metrics().syncCount();
            assertEquals(1, before);
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 25; i++) {
                        n.engine.requestSync("burst");
                    }
                });
                senders.add(th);
                th.start();
            }
            for (Thread th : senders) {
                th.join(10_000);
            }
            gated[0].gate.countDown();
            n.awaitApplied(a);
            Await.until("the engine to go idle", Duration.ofSeconds(10), () -> !n.engine.busy(), n::describe);
            assertEquals(2, n.engine.metrics().syncCount(), "100 triggers during one sync make exactly one more");
        }
    }

    @Test
    void aHangingApplyTimesOutAndTheNextRevisionStillApplies() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("remote"));
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        GatedApplier[] gated = new GatedApplier[1];
        try (TestNode n = TestNode.create("lb1", central.url(), tmp.resolve("state"), Duration.ofMillis(200),
                Duration.ofMillis(500), inner -> gated[0] = new GatedApplier(inner))) {
            n.engine.start();
            n.awaitApplied(a);
            central.push("proxy.yaml", "version: 1\nname: stuck\ngate: true\n", "hangs");
            n.awaitReason(SyncReason.ApplyFailed);
            assertTrue(n.status().message().contains("timed out"), n.status().message());
            assertEquals("main@sha1:" + a, n.status().lastAppliedRevision());
            String c = central.push("proxy.yaml", "version: 1\nname: c\n", "c");
            n.awaitApplied(c);
            gated[0].gate.countDown();
        }
    }

    @Test
    void hostFileSuspendHoldsTheNode() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("remote"));
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        try (TestNode lb1 = TestNode.start("lb1", central.url(), tmp.resolve("s1"), Duration.ofMillis(200));
             TestNode lb2 = TestNode.start("lb2", central.url(), tmp.resolve("s2"), Duration.ofMillis(200))) {
            lb1.awaitApplied(a);
            lb2.awaitApplied(a);
            central.write("proxy.yaml", "version: 1\nname: b\n");
            central.write("hosts/lb1.yaml", "sync: { suspend: true }\n");
            String b = central.commitAndPush("b, lb1 frozen");
            lb2.awaitApplied(b);
            lb1.awaitReason(SyncReason.Suspended);
            assertEquals("main@sha1:" + a, lb1.status().lastAppliedRevision());
            assertEquals("a", lb1.applier.value("name"));
        }
    }

    @Test
    void corruptStateFileNeverStopsTheStart() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("remote"));
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        Path state = tmp.resolve("state");
        java.nio.file.Files.createDirectories(state);
        java.nio.file.Files.writeString(state.resolve("state.json"), "{ not json");
        try (TestNode n = TestNode.start("lb1", central.url(), state, Duration.ofMillis(200))) {
            n.awaitApplied(a);
            try (var files = java.nio.file.Files.list(state)) {
                assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("state.json.corrupt-")).count());
            }
        }
        // And what it wrote since is a good state file that the next start reads.
        io.pointsman.agent.state.SyncState s = new io.pointsman.agent.state.StateStore(state, java.time.Clock.systemUTC()).load();
        assertEquals("main@sha1:" + a, s.lastGoodRevision());
    }

    @Test
    void lostStateAndGoneRemoteStillServeThePinnedLastGood() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("remote"));
        String a = central.push("proxy.yaml", "version: 1\nname: a\n", "a");
        Path state = tmp.resolve("state");
        try (TestNode n = TestNode.start("lb1", central.url(), state, Duration.ofMillis(200))) {
            n.awaitApplied(a);
        }
        java.nio.file.Files.writeString(state.resolve("state.json"), "garbage");
        java.nio.file.Files.move(central.bare(), tmp.resolve("gone.git"));
        try (TestNode n = TestNode.start("lb1", central.url(), state, Duration.ofMillis(200))) {
            n.awaitApplied(a);
            assertEquals("a", n.applier.value("name"));
        }
    }

    @Test
    void backOffDoublesAndIsCapped() {
        Duration poll = Duration.ofSeconds(60);
        Duration max = Duration.ofMinutes(10);
        assertEquals(poll, SyncEngine.backoff(poll, 0, max));
        assertEquals(Duration.ofSeconds(120), SyncEngine.backoff(poll, 1, max));
        assertEquals(Duration.ofSeconds(480), SyncEngine.backoff(poll, 3, max));
        assertEquals(max, SyncEngine.backoff(poll, 4, max));
        assertEquals(max, SyncEngine.backoff(poll, 1000, max));
        assertEquals(Duration.ofMinutes(20), SyncEngine.backoff(Duration.ofMinutes(20), 5, max), "never below the poll");
    }

    @Test
    void jitterStaysWithinTenPercent() {
        for (int i = 0; i < 1000; i++) {
            long ms = PollScheduler.jittered(Duration.ofSeconds(60), 0.1).toMillis();
            assertTrue(ms >= 54_000 && ms <= 66_000, "jittered " + ms);
        }
    }
}
