package io.pointsman.proxy.limits;

import io.pointsman.proxy.config.Limit;

import java.net.InetAddress;

/** One limit of a frontend: whether a client is over it now. Thread-safe. */
public abstract sealed class Limiter permits RateLimiter, ConcurrencyLimiter {
    private final Limit definition;

    Limiter(Limit definition) {
        this.definition = definition;
    }

    /** What the config said. */
    public Limit definition() {
        return definition;
    }

    /** Whether {@code client} is over the limit, counting what was already counted (the current request or connection too). */
    public abstract boolean isOver(InetAddress client);

    /** Clients tracked now (for tests and stats). */
    public abstract int tracked();
}
