package io.pointsman.agent.sync;

import io.pointsman.agent.git.Revision;
import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.HealthGate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health gate (SPEC §5.11). The proxy's traffic totals are sampled every second, so
 * the stretch before a swap can be judged too; after a swap to a config with
 * {@code sync.health_gate}, the new generation is judged once its window has passed:
 * when at least {@code min_requests} went to its backends and more than
 * {@code max_error_ratio} of them failed, while the same stretch before the swap was not
 * that bad, {@link Verdict} goes to the engine, which swaps back.
 *
 * <p>"Before" is the window (or as much of it as was sampled) up to the swap: the previous
 * generation's own traffic. "After" also holds the last requests of connections still
 * pinned to the previous generation; with keep-alive clients that is the usual noise of
 * a few requests, not enough to tip a ratio.
 *
 * <p>Threads: one daemon timer samples and judges; {@link #watch} and {@link #cancel} are
 * called from the sync thread. A newer watch (or a cancel) makes an older pending verdict
 * void, so a revision superseded in the meantime is never swapped back.
 */
final class HealthGateWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthGateWatch.class);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    /** What the gate found wrong with {@code revision}. */
    record Verdict(Revision revision, String message) {
    }

    private final String node;
    private final Supplier<TrafficSample> traffic;
    /** The gate of the config that serves now (null: none): how much history to keep. */
    private final Supplier<HealthGate> servingGate;
    private final ScheduledExecutorService timer;

    // Guarded by this.
    private final ArrayDeque<TrafficSample> recent = new ArrayDeque<>();
    private long watchNumber;
    private ScheduledFuture<?> pending;

    private final SyncMetrics metrics;

    HealthGateWatch(String node, Supplier<TrafficSample> traffic, Supplier<HealthGate> servingGate, SyncMetrics metrics) {
        this.node = node;
        this.metrics = metrics;
        this.traffic = traffic;
        this.servingGate = servingGate;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pointsman-health-gate-" + node);
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        timer.scheduleWithFixedDelay(this::sampleNow, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Judges {@code revision}, applied just now, when {@code gate}'s window has passed.
     * Replaces any earlier watch.
     *
     * @param atSwap the totals taken just before the swap (taken after it, they would
     *               count the new generation's first failures as the old one's)
     */
    synchronized void watch(Revision revision, HealthGate gate, TrafficSample atSwap, Consumer<Verdict> onFailure) {
        cancelPending();
        Duration window = gate.windowOrDefault();
        TrafficSample.Window before = null;
        TrafficSample from = oldestSince(atSwap, window);
        if (from != null) {
            before = atSwap.since(from);
        }
        long number = ++watchNumber;
        TrafficSample.Window previous = before;
        pending = timer.schedule(() -> judgeSafely(number, revision, gate, atSwap, previous, onFailure),
                window.toMillis(), TimeUnit.MILLISECONDS);
        log.info("node {}: health gate watches {} for {} (max_error_ratio {}, min_requests {}); before the swap: {}",
                node, revision, Durations.format(window), gate.maxErrorRatioOrDefault(), gate.minRequestsOrDefault(),
                before == null ? "nothing sampled" : before);
    }

    /** Drops a pending verdict (a newer revision was applied without a gate, or the engine swapped back). */
    synchronized void cancel() {
        watchNumber++;
        cancelPending();
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** The oldest sample no older than {@code window} before {@code now}, or null when none. */
    private TrafficSample oldestSince(TrafficSample now, Duration window) {
        for (TrafficSample s : recent) {
            if (!s.at().isBefore(now.at().minus(window))) {
                return s;
            }
        }
        return null;
    }

    private void judgeSafely(long number, Revision revision, HealthGate gate, TrafficSample atSwap,
            TrafficSample.Window before, Consumer<Verdict> onFailure) {
        try {
            synchronized (this) {
                if (number != watchNumber) {
                    return;
                }
                pending = null;
            }
            TrafficSample.Window after = traffic.get().since(atSwap);
            double max = gate.maxErrorRatioOrDefault();
            int min = gate.minRequestsOrDefault();
            boolean bad = after.attempts() >= min && after.errorRatio() > max;
            boolean wasBad = before != null && before.attempts() >= min && before.errorRatio() > max;
            String facts = "after the swap " + after + "; before it "
                    + (before == null ? "nothing sampled" : before.toString());
            metrics.healthGate(!(bad && !wasBad));
            if (bad && !wasBad) {
                String message = String.format(Locale.ROOT, "health gate: error ratio %.2f above max_error_ratio %s (%s)",
                        after.errorRatio(), max, facts);
                log.warn("node {}: {} fails its {}", node, revision, message);
                onFailure.accept(new Verdict(revision, message));
            } else {
                log.info("node {}: {} passes its health gate ({}{})", node, revision, facts,
                        bad ? "; as bad as before the swap, so not the commit's fault"
                                : after.attempts() < min ? "; fewer than min_requests " + min + ", nothing to judge" : "");
            }
        } catch (RuntimeException e) {
            log.error("node {}: health gate check of {} failed", node, revision, e);
        }
    }

    /** Takes one sample (the timer does, every second). */
    void sampleNow() {
        try {
            TrafficSample s = traffic.get();
            HealthGate gate = servingGate.get();
            Duration keep = gate != null && gate.windowOrDefault().compareTo(HealthGate.DEFAULT_WINDOW) > 0
                    ? gate.windowOrDefault() : HealthGate.DEFAULT_WINDOW;
            synchronized (this) {
                recent.addLast(s);
                while (recent.size() > 1 && recent.peekFirst().at().isBefore(s.at().minus(keep).minus(SAMPLE_EVERY))) {
                    recent.removeFirst();
                }
            }
        } catch (RuntimeException e) {
            log.debug("node {}: traffic sample failed: {}", node, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
