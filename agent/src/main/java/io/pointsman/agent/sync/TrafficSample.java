package io.pointsman.agent.sync;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The proxy's cumulative request/connection totals per backend at one moment: what the
 * health gate (SPEC §5.11) compares across a swap. Counters live by backend name and survive
 * swaps, so "the new generation's traffic" is what happened after the swap.
 *
 * @param backends by backend (or listen) name
 */
public record TrafficSample(Instant at, Map<String, Backend> backends) {
    public static final TrafficSample NONE = new TrafficSample(Instant.EPOCH, Map.of());

    public TrafficSample {
        backends = Map.copyOf(backends);
    }

    /**
     * @param attempts requests (http) or connections (tcp) sent to a server, plus those refused
     *                 for want of one
     * @param failures of those: failed connects, and 5xx answers (the servers' own, and
     *                 refusals and failed responses: 503, 502, 504)
     */
    public record Backend(long attempts, long failures) {
    }

    /** Attempts and failures in one stretch of time. */
    public record Window(long attempts, long failures, Duration span) {
        /** The failed share, 0–1 (a failed connect that was retried counts once per try, so capped). */
        public double errorRatio() {
            return attempts == 0 ? 0 : Math.min(1.0, (double) failures / attempts);
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%d of %d failed (%.0f%%) over %s", Math.min(failures, attempts),
                    attempts, errorRatio() * 100, io.pointsman.proxy.config.Durations.format(span));
        }
    }

    /**
     * What happened between {@code earlier} and this sample, backend by backend. A backend
     * new since then counts from zero; one whose counters went down (removed, then added
     * again) counts from zero too.
     */
    public Window since(TrafficSample earlier) {
        long attempts = 0;
        long failures = 0;
        for (Map.Entry<String, Backend> e : backends.entrySet()) {
            Backend now = e.getValue();
            Backend then = earlier.backends.get(e.getKey());
            boolean restarted = then == null || now.attempts() < then.attempts() || now.failures() < then.failures();
            attempts += restarted ? now.attempts() : now.attempts() - then.attempts();
            failures += restarted ? now.failures() : now.failures() - then.failures();
        }
        Duration span = earlier == NONE ? Duration.ZERO : Duration.between(earlier.at, at);
        return new Window(attempts, failures, span.isNegative() ? Duration.ZERO : span);
    }
}
