package io.pointsman.proxy.stats;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations with fixed buckets (0.5 ms to 30 s). Cheap on the
 * hot path: {@link #observe} finds the bucket with a few comparisons and adds to two
 * {@link LongAdder}s (striped under contention, so event loops never fight over a cache
 * line); nothing is allocated. Buckets are counted apart and made cumulative only when
 * read ({@link #snapshot}).
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds, as {@code le} labels show them; +Inf follows. */
    public static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10, 30};
    private static final long[] BOUNDS_NANOS = new long[BOUNDS.length];

    static {
        for (int i = 0; i < BOUNDS.length; i++) {
            BOUNDS_NANOS[i] = Math.round(BOUNDS[i] * TimeUnit.SECONDS.toNanos(1));
        }
    }

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** One duration; negative ones (a clock that went nowhere) count as 0. */
    public void observe(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        // Most durations are short: a linear scan from the smallest bucket ends early.
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(n);
    }

    public Snapshot snapshot() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int i = 0; i < buckets.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, sumNanos.sum() / 1e9);
    }

    /**
     * A histogram's values at one moment.
     *
     * @param cumulative count of observations ≤ each of {@link #BOUNDS}, then all of them (+Inf)
     * @param sumSeconds the sum of every observation
     */
    public record Snapshot(long[] cumulative, double sumSeconds) {
        public static final Snapshot EMPTY = new Snapshot(new long[BOUNDS.length + 1], 0);

        public long count() {
            return cumulative[cumulative.length - 1];
        }
    }
}
