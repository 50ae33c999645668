package io.pointsman.proxy.limits;

import io.pointsman.proxy.config.Limit;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The limits of one frontend in one generation: what the connection handler counts and
 * what {@code over_limit} acls read. Immutable (the limiters it holds count, and may be
 * shared with the previous generation's frontend of the same name).
 *
 * <p>The handler's part: {@link #connectionOpened} when a client connection is accepted
 * (it counts the {@code concurrent} limits; {@link Ticket#close()} when the connection
 * ends, once), and {@link #requestStarted} when a request's head is read (it counts the
 * {@code requests} limits; a tcp connection counts as one request, at accept) — both
 * before the acls that read them are evaluated, so the current request or connection
 * is included, as with HAProxy's {@code track-sc}.
 */
public final class FrontendLimits {
    /** A frontend without limits. */
    public static final FrontendLimits NONE = new FrontendLimits(Map.of());

    private final Map<String, Limiter> byName;
    private final RateLimiter[] rates;
    private final ConcurrencyLimiter[] concurrency;

    FrontendLimits(Map<String, Limiter> byName) {
        this.byName = Map.copyOf(byName);
        List<RateLimiter> r = new ArrayList<>();
        List<ConcurrencyLimiter> c = new ArrayList<>();
        for (Limiter l : byName.values()) {
            if (l instanceof RateLimiter rl) {
                r.add(rl);
            } else if (l instanceof ConcurrencyLimiter cl) {
                c.add(cl);
            }
        }
        rates = r.toArray(new RateLimiter[0]);
        concurrency = c.toArray(new ConcurrencyLimiter[0]);
    }

    /** The limiter of this name, or null. */
    public Limiter get(String name) {
        return byName.get(name);
    }

    /** Every limiter, by name. */
    public Map<String, Limiter> all() {
        return byName;
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    /** Counts one request of {@code client} in every {@code requests} limit. */
    public void requestStarted(InetAddress client) {
        if (client == null) {
            return;
        }
        for (RateLimiter r : rates) {
            r.count(client);
        }
    }

    /** Counts a new connection of {@code client} in every {@code concurrent} limit. */
    public Ticket connectionOpened(InetAddress client) {
        if (concurrency.length == 0 || client == null) {
            return Ticket.NONE;
        }
        for (ConcurrencyLimiter c : concurrency) {
            c.opened(client);
        }
        return new Ticket(concurrency, client);
    }

    /** A counted connection; {@link #close()} uncounts it (once, however often it is called). */
    public static final class Ticket implements AutoCloseable {
        public static final Ticket NONE = new Ticket(new ConcurrencyLimiter[0], null);

        private final ConcurrencyLimiter[] limiters;
        private final InetAddress client;
        private boolean closed;

        private Ticket(ConcurrencyLimiter[] limiters, InetAddress client) {
            this.limiters = limiters;
            this.client = client;
        }

        /** Call on the connection's event loop when it ends. */
        @Override
        public void close() {
            if (closed || client == null) {
                return;
            }
            closed = true;
            for (ConcurrencyLimiter c : limiters) {
                c.closed(client);
            }
        }
    }

    static Limiter create(Limit l, java.util.function.LongSupplier clock) {
        return l.concurrent() != null ? new ConcurrencyLimiter(l) : new RateLimiter(l, clock);
    }
}
