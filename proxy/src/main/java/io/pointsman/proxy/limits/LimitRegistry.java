package io.pointsman.proxy.limits;

import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Limit;
import io.pointsman.proxy.config.ProxyConfig;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The limits of the serving config and how they carry over a swap, as health state and
 * counters do: a limit that is unchanged (same frontend name, limit name and definition)
 * keeps its counters; a changed or new one starts empty; a removed one is forgotten once
 * no connection of an old generation holds it.
 *
 * <p>Two steps, so a refused apply changes nothing: {@link #prepare} (at compile time)
 * builds the new generation's limits, reusing the serving limiters; {@link #commit}
 * (once the generation serves) makes them the ones the next {@code prepare} reuses.
 * Called by one thread at a time (the apply).
 */
public final class LimitRegistry {
    private final LongSupplier clock;
    /** Serving limiters by frontend name, then limit name. */
    private Map<String, Map<String, Limiter>> serving = Map.of();

    public LimitRegistry() {
        this(System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} (tests give their own) */
    public LimitRegistry(LongSupplier clock) {
        this.clock = clock;
    }

    /** The limits of every frontend (listens included) of a normalized config, by frontend name. */
    public Prepared prepare(ProxyConfig config) {
        Map<String, FrontendLimits> out = new LinkedHashMap<>();
        for (Frontend f : config.allFrontends()) {
            out.put(f.name(), prepare(f));
        }
        return new Prepared(out);
    }

    /** One frontend's limits, reusing the serving limiters it may. */
    public FrontendLimits prepare(Frontend f) {
        if (f.limits().isEmpty()) {
            return FrontendLimits.NONE;
        }
        Map<String, Limiter> old = serving.getOrDefault(f.name(), Map.of());
        Map<String, Limiter> limiters = new LinkedHashMap<>();
        for (Limit l : f.limits()) {
            Limiter kept = old.get(l.name());
            limiters.put(l.name(), kept != null && kept.definition().equals(l) ? kept : FrontendLimits.create(l, clock));
        }
        return new FrontendLimits(limiters);
    }

    /** Makes {@code prepared} the limits the next {@link #prepare} reuses. */
    public void commit(Prepared prepared) {
        Map<String, Map<String, Limiter>> next = new HashMap<>();
        prepared.byFrontend().forEach((name, limits) -> {
            if (!limits.isEmpty()) {
                next.put(name, limits.all());
            }
        });
        serving = Map.copyOf(next);
    }

    /** A new config's limits, not yet serving. */
    public record Prepared(Map<String, FrontendLimits> byFrontend) {
        public Prepared {
            byFrontend = Map.copyOf(byFrontend);
        }

        /** The frontend's limits, {@link FrontendLimits#NONE} when it has none. */
        public FrontendLimits of(String frontend) {
            return byFrontend.getOrDefault(frontend, FrontendLimits.NONE);
        }
    }
}
