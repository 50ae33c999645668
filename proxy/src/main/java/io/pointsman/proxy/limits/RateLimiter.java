package io.pointsman.proxy.limits;

import io.pointsman.proxy.config.Limit;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * {@code requests: N per: P}: a client is over while its request rate over the last
 * period is above N. The rate is HAProxy's sliding-window approximation
 * ({@code freq_ctr}): two buckets, the current period's count and the previous one's,
 * the previous weighted by how much of it still lies in the window:
 * {@code rate = previous × (1 − elapsed/P) + current}. Exact for steady traffic; a burst
 * at the end of one period is remembered, fading, through the next.
 */
public final class RateLimiter extends Limiter {
    private final long periodNanos;
    private final int requests;
    private final LongSupplier clock;
    private final LruSegments<Window> clients;

    /** Counts of one client; guarded by its segment's lock. */
    private static final class Window {
        long start;
        int current;
        int previous;
    }

    RateLimiter(Limit definition, LongSupplier clock) {
        super(definition);
        this.periodNanos = definition.per().toNanos();
        this.requests = definition.requests();
        this.clock = clock;
        this.clients = new LruSegments<>(definition.sizeOrDefault());
    }

    /** Counts one request of {@code client}. */
    public void count(InetAddress client) {
        long now = clock.getAsLong();
        synchronized (clients.lock(client)) {
            Window w = clients.get(client, c -> newWindow(now));
            roll(w, now);
            if (w.current < Integer.MAX_VALUE) {
                w.current++;
            }
        }
    }

    private static Window newWindow(long now) {
        Window w = new Window();
        w.start = now;
        return w;
    }

    /** Moves the window to the period holding {@code now}. */
    private void roll(Window w, long now) {
        long elapsed = now - w.start;
        if (elapsed < periodNanos) {
            return;
        }
        long periods = elapsed / periodNanos;
        w.previous = periods == 1 ? w.current : 0;
        w.current = 0;
        w.start += periods * periodNanos;
    }

    /** The client's rate now: requests in the last period, as the two buckets estimate it. */
    public double rate(InetAddress client) {
        long now = clock.getAsLong();
        synchronized (clients.lock(client)) {
            Window w = clients.peek(client);
            if (w == null) {
                return 0;
            }
            roll(w, now);
            double remaining = 1.0 - (double) (now - w.start) / periodNanos;
            return w.previous * remaining + w.current;
        }
    }

    @Override
    public boolean isOver(InetAddress client) {
        return client != null && rate(client) > requests;
    }

    @Override
    public int tracked() {
        return clients.size();
    }
}
