package io.pointsman.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.git.Revision;
import io.pointsman.proxy.config.HealthGate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The gate's arithmetic and its "not the commit's fault" rule, on hand-made traffic totals. */
class HealthGateWatchTest {
    private static final Revision REV = Revision.of("main", ObjectId.fromString("0123456789012345678901234567890123456789"));
    private static final HealthGate GATE = new HealthGate(Duration.ofMillis(300), 0.5, 5);

    private final AtomicReference<TrafficSample> now = new AtomicReference<>(sample(0, 0));
    private final SyncMetrics metrics = new SyncMetrics();

    private static TrafficSample sample(long attempts, long failures) {
        return new TrafficSample(Instant.now(), Map.of("app", new TrafficSample.Backend(attempts, failures)));
    }

    @Test
    void windowsCountPerBackendAndRestartFromZero() {
        Instant t = Instant.parse("2026-11-23T00:00:00Z");
        TrafficSample a = new TrafficSample(t, Map.of("x", new TrafficSample.Backend(100, 10),
                "gone", new TrafficSample.Backend(5, 5)));
        TrafficSample b = new TrafficSample(t.plusSeconds(2), Map.of("x", new TrafficSample.Backend(150, 40),
                "new", new TrafficSample.Backend(7, 0), "gone", new TrafficSample.Backend(2, 0)));
        TrafficSample.Window w = b.since(a);
        assertEquals(50 + 7 + 2, w.attempts());
        assertEquals(30, w.failures());
        assertEquals(Duration.ofSeconds(2), w.span());
        assertEquals(0.0, new TrafficSample.Window(0, 0, Duration.ZERO).errorRatio());
        assertEquals(1.0, new TrafficSample.Window(2, 6, Duration.ZERO).errorRatio(), "retried connects are capped");
    }

    @Test
    void failsWhenTheNewGenerationIsWorseThanTheBound() throws Exception {
        assertEquals("failed", judge(sample(0, 0), sample(100, 0), sample(120, 18)));
    }

    @Test
    void passesWhenItWasAsBadBeforeTheSwap() throws Exception {
        assertEquals("passed", judge(sample(0, 0), sample(100, 90), sample(120, 108)));
    }

    @Test
    void passesWithFewerThanMinRequests() throws Exception {
        assertEquals("passed", judge(sample(0, 0), sample(100, 0), sample(104, 4)));
    }

    /** before: sampled before the swap; atSwap: just before it; after: when the window ends. */
    private String judge(TrafficSample before, TrafficSample atSwap, TrafficSample after) throws Exception {
        AtomicReference<HealthGateWatch.Verdict> verdict = new AtomicReference<>();
        try (HealthGateWatch w = new HealthGateWatch("t", now::get, () -> GATE, metrics)) {
            now.set(before);
            w.sampleNow();
            w.watch(REV, GATE, atSwap, verdict::set);
            now.set(after);
            Await.until("a verdict", Duration.ofSeconds(5), () -> metrics.healthGateVerdicts() == 1);
        }
        if (verdict.get() == null) {
            return "passed";
        }
        assertTrue(verdict.get().message().contains("above max_error_ratio 0.5"), verdict.get().message());
        assertEquals(REV, verdict.get().revision());
        return "failed";
    }

    @Test
    void aNewerWatchVoidsTheOlderVerdict() throws Exception {
        AtomicReference<HealthGateWatch.Verdict> verdict = new AtomicReference<>();
        try (HealthGateWatch w = new HealthGateWatch("t", now::get, () -> GATE, metrics)) {
            w.watch(REV, GATE, sample(100, 0), verdict::set);
            w.cancel();
            now.set(sample(200, 100));
            // Waiting for something not to happen: twice the window, by when it would have.
            Thread.sleep(600);
            assertNull(verdict.get());
            assertEquals(0, metrics.healthGateVerdicts());
        }
    }
}
