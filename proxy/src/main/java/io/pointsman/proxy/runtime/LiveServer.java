package io.pointsman.proxy.runtime;

import io.pointsman.proxy.balance.Candidate;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.stats.Counters;
import java.net.InetSocketAddress;

/**
 * A server as one generation sees it: its config (weight, backup, maxconn) plus state
 * shared with every generation that has the same backend and address (counters,
 * health, the backend's wait queue). Connection slots are the server counters'
 * current sessions, so a maxconn holds across generations.
 */
public final class LiveServer implements Candidate {
    private final String backend;
    private final Server config;
    private final InetSocketAddress address;
    private final Counters counters;
    private final ServerQueue queue;
    private final HealthView health;
    /** Built once: the http path looks up its pooled connections by it on every request. */
    private final String key;

    /** @param key {@link #key(String, HostPort)} of backend and address */
    LiveServer(String key, String backend, Server config, InetSocketAddress address, Counters counters,
               ServerQueue queue, HealthView health) {
        this.backend = backend;
        this.config = config;
        this.address = address;
        this.counters = counters;
        this.queue = queue;
        this.health = health;
        this.key = key;
    }

    public static String key(String backend, HostPort address) {
        return backend + "/" + address;
    }

    @Override
    public String key() {
        return key;
    }

    /** The server as configured (normalized). */
    public Server config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public String backendName() {
        return backend;
    }

    public HostPort configuredAddress() {
        return config.address();
    }

    /** Resolved at compile time (off the event loops); unresolved when the name did not resolve. */
    public InetSocketAddress address() {
        return address;
    }

    public Counters counters() {
        return counters;
    }

    @Override
    public int weight() {
        return config.weight();
    }

    @Override
    public boolean backup() {
        return config.backup();
    }

    /** Administratively down ({@code disabled: true}): MAINT on the stats page. */
    public boolean disabled() {
        return config.disabled();
    }

    @Override
    public boolean isUp() {
        return !config.disabled() && !address.isUnresolved() && health.isUp(backend, config.address());
    }

    @Override
    public boolean hasFreeSlot() {
        return config.maxconn() <= 0 || counters.current() < config.maxconn();
    }

    @Override
    public int currentConnections() {
        return counters.current();
    }

    /** Takes a connection slot if one is free (atomic across event loops). */
    public boolean tryAcquire() {
        return counters.tryOpen(config.maxconn());
    }

    /** Gives a slot back and lets the longest waiter of the backend try again. */
    public void release() {
        counters.close();
        queue.slotFreed();
    }

    @Override
    public String toString() {
        return backend + "/" + config.name() + "(" + config.address() + ")";
    }
}
