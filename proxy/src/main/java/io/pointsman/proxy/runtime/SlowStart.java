package io.pointsman.proxy.runtime;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HAProxy's {@code slowstart}: a server that comes back UP after checks had marked it DOWN
 * starts with a small share of its weight and of its maxconn, growing linearly to all of
 * them over the backend's {@code slowstart} (a new config serves at full weight at once,
 * as HAProxy does at start).
 *
 * <p>The share is the server's {@link LiveServer#ramp() ramp}, 1 to {@link #FULL} (HAProxy's
 * {@code BE_WEIGHT_SCALE}: {@code (256 × elapsed + slowstart) / slowstart}), a field of
 * the server that its {@link LiveServer#effectiveWeight() effective weight} (weight × ramp,
 * what balancers compare, so a server of weight 1 ramps too) and its maxconn apply; every
 * balancer sees it for the price of one volatile read per server it looks at, and the
 * stats page shows the weight rounded up, as HAProxy's does. A timer
 * on one event loop writes it: woken when a server comes UP or a generation is published,
 * it steps every {@link #STEP_MILLIS} while some server of a serving generation ramps,
 * rebuilding the balancer of a backend whose ramps moved (roundrobin's cycle is computed
 * from the weights), and sleeps when none does. HAProxy updates the weight at most once
 * a second too.
 */
final class SlowStart {
    /** The whole weight: a server not in slow start ({@code Candidate.SCALE}). */
    static final int FULL = io.pointsman.proxy.balance.Candidate.SCALE;
    static final long STEP_MILLIS = 1000;

    private final EventExecutor executor;
    private final Supplier<Iterable<Generation>> serving;
    /** The next step, or null when asleep; touched on {@link #executor} only. */
    private ScheduledFuture<?> next;

    /**
     * @param executor where the steps run (one thread: the accept loop)
     * @param serving  the generations that serve now: the current one and the retired ones
     *                 that still have connections
     */
    SlowStart(EventExecutor executor, Supplier<Iterable<Generation>> serving) {
        this.executor = executor;
        this.serving = serving;
    }

    /** The ramp for a server this far ({@code 0..1}, of {@code slowstart}) into its slow start. */
    static int ramp(double elapsedShare) {
        return elapsedShare >= 1 ? FULL : (int) Math.min(FULL, 1 + Math.floor(Math.max(0, elapsedShare) * FULL));
    }

    /** {@code weight} at {@code ramp}: at least 1 while the weight is above 0 (HAProxy rounds up). */
    static int weight(int weight, int ramp) {
        return ramp >= FULL || weight <= 0 ? weight : Math.max(1, (weight * ramp + FULL - 1) / FULL);
    }

    /** {@code maxconn} at {@code ramp}: from 1 up (0, no limit, stays 0). */
    static int maxconn(int maxconn, int ramp) {
        return ramp >= FULL || maxconn <= 0 ? maxconn : Math.max(1, (int) ((long) maxconn * ramp / FULL));
    }

    /** A server may have started ramping (one came UP, a generation was published): step now. */
    void wake() {
        try {
            executor.execute(() -> {
                if (next == null) {
                    step();
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down: nothing ramps any more.
        }
    }

    /** Brings every ramp up to date; sleeps again when no server ramps any more. */
    private void step() {
        next = null;
        boolean ramping = false;
        for (Generation g : serving.get()) {
            for (LiveBackend b : g.backends().values()) {
                ramping |= b.updateRamps();
            }
        }
        if (ramping) {
            next = executor.schedule(this::step, STEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops stepping (the runtime closes). */
    void close() {
        try {
            executor.execute(() -> {
                if (next != null) {
                    next.cancel(false);
                    next = null;
                }
            });
        } catch (RejectedExecutionException e) {
            // already stopped
        }
    }
}
