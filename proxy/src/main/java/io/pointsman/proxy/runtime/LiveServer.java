package io.pointsman.proxy.runtime;

import io.pointsman.proxy.admin.AdminState;
import io.pointsman.proxy.admin.OverrideCell;
import io.pointsman.proxy.admin.ServerOverride;
import io.pointsman.proxy.balance.Candidate;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.resolve.ServerAddress;
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
    private final ServerAddress address;
    private final Counters counters;
    private final ServerQueue queue;
    private final HealthView health;
    /** Runtime state (drain, maint, weight) shared with every generation that has this server. */
    private final OverrideCell override;
    /** Built once: the http path looks up its pooled connections by it on every request. */
    private final String key;
    /** The backend's {@code slowstart}; 0 = none. */
    private final long slowstartNanos;
    private final boolean shutdownSessionsOnDown;
    /**
     * Slow start's share of the weight and maxconn, 1 to {@link SlowStart#FULL} (not in slow
     * start); written by {@link SlowStart}'s timer, read on every pick.
     */
    private volatile int ramp = SlowStart.FULL;

    /** @param key {@link #key(String, HostPort)} of backend and address */
    LiveServer(String key, String backend, Server config, ServerAddress address, Counters counters,
               ServerQueue queue, HealthView health, OverrideCell override) {
        this.override = override;
        this.backend = backend;
        this.config = config;
        this.address = address;
        this.counters = counters;
        this.queue = queue;
        this.health = health;
        this.key = key;
        this.slowstartNanos = 0;
        this.shutdownSessionsOnDown = false;
    }

    /** With the backend's server options: {@code slowstart}, {@code on_marked_down}. */
    LiveServer(String key, String backend, Server config, ServerAddress address, Counters counters,
               ServerQueue queue, HealthView health, OverrideCell override, java.time.Duration slowstart,
               boolean shutdownSessionsOnDown) {
        this.override = override;
        this.backend = backend;
        this.config = config;
        this.address = address;
        this.counters = counters;
        this.queue = queue;
        this.health = health;
        this.key = key;
        this.slowstartNanos = slowstart == null ? 0 : slowstart.toNanos();
        this.shutdownSessionsOnDown = shutdownSessionsOnDown;
        updateRamp();
    }

    /** Whether the backend closes this server's sessions when it goes DOWN. */
    public boolean shutdownSessionsOnDown() {
        return shutdownSessionsOnDown;
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

    /**
     * Where new connections go: an IP literal as written, or a name as last resolved (at
     * apply, then every {@code resolvers.interval}, off the event loops).
     */
    public InetSocketAddress address() {
        return address.current();
    }

    /** The resolved address shared with other generations (the address book moves it). */
    ServerAddress serverAddress() {
        return address;
    }

    /** A name whose resolution has failed for longer than {@code hold_valid}: no traffic (stats: MAINT (resolution)). */
    public boolean unresolved() {
        return !address.valid();
    }

    public Counters counters() {
        return counters;
    }

    /**
     * The weight in use: git's (or its SRV record's), unless changed at runtime; while the
     * server is in slow start, that times its ramp, rounded up (HAProxy's effective weight,
     * which its stats page shows too).
     */
    @Override
    public int weight() {
        int weight = userWeight();
        int r = ramp;
        return r == SlowStart.FULL ? weight : SlowStart.weight(weight, r);
    }

    /** The weight times slow start's ramp, in 1/256ths: what balancers compare. */
    @Override
    public int effectiveWeight() {
        return userWeight() * ramp;
    }

    /**
     * The weight set for it, before slow start: a runtime weight when one is set, else its
     * SRV record's for a template server, else the config's.
     */
    private int userWeight() {
        int dns = address.weight();
        return override.weight(dns >= 0 ? dns : config.weight());
    }

    /** The weight the config says. */
    public int configuredWeight() {
        return config.weight();
    }

    /** Slow start's share now, 1 to {@link SlowStart#FULL} (not in slow start). */
    public int ramp() {
        return ramp;
    }

    /**
     * Sets the ramp from the time since the server came UP, or left a runtime MAINT (a timer
     * calls it while it ramps).
     *
     * @return whether it changed
     */
    boolean updateRamp() {
        int r = SlowStart.FULL;
        if (slowstartNanos != 0) {
            double share = health.rampUp(backend, config.address(), slowstartNanos);
            long left = override.leftMaintenance();
            if (left != 0) {
                // Back from a runtime MAINT: it ramps from then, as from an UP after DOWN.
                share = Math.min(share, (double) (System.nanoTime() - left) / slowstartNanos);
            }
            r = SlowStart.ramp(share);
        }
        if (r == ramp) {
            return false;
        }
        ramp = r;
        return true;
    }

    /** The maxconn in force: the configured one, times the ramp in slow start; 0 = no limit. */
    private int maxconn() {
        int r = ramp;
        return r == SlowStart.FULL ? config.maxconn() : SlowStart.maxconn(config.maxconn(), r);
    }

    /** {@code READY}, or {@code DRAIN}/{@code MAINT} when set at runtime. */
    public AdminState adminState() {
        return override.state();
    }

    /** What was changed at runtime, or null. */
    public ServerOverride runtimeOverride() {
        return override.get();
    }

    @Override
    public boolean backup() {
        return config.backup();
    }

    /** Administratively down ({@code disabled: true}): MAINT on the stats page. */
    public boolean disabled() {
        return config.disabled();
    }

    /** Takes new connections: not disabled in git, not drained or in maintenance at runtime, resolved, healthy. */
    @Override
    public boolean isUp() {
        return !config.disabled() && override.admitsNew() && address.valid()
                && health.isUp(backend, config.address());
    }

    /** Healthy (or not checked) and resolved, whatever its administrative state: what the stats page's UP means. */
    public boolean isHealthy() {
        return address.valid() && health.isUp(backend, config.address());
    }

    /**
     * Where to connect for a client that connected to {@code destinationPort}: the server's
     * address, with that port when the server was given without one (HAProxy's server
     * address without a port).
     */
    public InetSocketAddress addressFor(int destinationPort) {
        InetSocketAddress a = address.current();
        return a.getPort() != 0 ? a : new InetSocketAddress(a.getAddress(), destinationPort);
    }

    /**
     * A connection to this server opened: tracked while it is open when the backend closes
     * a DOWN server's sessions ({@code on_marked_down: shutdown_sessions}); otherwise nothing.
     */
    public void sessionOpened(io.netty.channel.Channel serverConnection) {
        if (shutdownSessionsOnDown) {
            counters.sessions().add(serverConnection);
            serverConnection.closeFuture().addListener(f -> counters.sessions().remove(serverConnection));
        }
    }

    @Override
    public boolean hasFreeSlot() {
        int max = maxconn();
        return max <= 0 || counters.current() < max;
    }

    @Override
    public int currentConnections() {
        return counters.current();
    }

    /** Takes a connection slot if one is free (atomic across event loops). */
    public boolean tryAcquire() {
        return counters.tryOpen(maxconn());
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
