package io.pointsman.proxy.health;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.health.HealthSnapshot.Monitoring;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every server's health, across generations. The runtime calls {@link #reconcile} with
 * the servers of each new config; servers whose {@link ServerKey} (backend + address)
 * is unchanged keep their {@link HealthState} — status, counters, last check — and their
 * running checker, which picks up new settings (interval, rise, fall, type, path,
 * timeout) from its next check. New servers get a state and, when checked, a checker;
 * removed ones have their checker stopped.
 *
 * <p>Thread-safe: {@link #state} is a concurrent map read; {@link #reconcile} and
 * {@link #close} are serialized. Checkers run on the given event loop group, spread over
 * its loops.
 */
public final class HealthRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final HealthListener listener;
    private final ExecutorService resolver;
    private final Map<ServerKey, HealthState> states = new ConcurrentHashMap<>();
    private final Map<ServerKey, HealthChecker> checkers = new HashMap<>();
    /**
     * The same states by backend and {@link HostPort}, for {@link #isUsable} on the hot
     * path (every pick of a server): two map reads, no key object or address text built.
     */
    private final Map<String, Map<HostPort, HealthState>> byAddress = new ConcurrentHashMap<>();
    /** Which {@link HostPort} indexes each key in {@link #byAddress} (only touched in reconcile). */
    private final Map<ServerKey, HostPort> indexed = new HashMap<>();
    private boolean closed;

    /** Checks over NIO sockets; transitions logged as HAProxy does. */
    public HealthRegistry(EventLoopGroup group) {
        this(group, NioSocketChannel.class, HealthRegistry::logTransition);
    }

    /**
     * @param group        event loops the checks run on
     * @param channelClass socket channel matching the group's transport (NIO or epoll)
     * @param listener     told of every UP/DOWN transition, on a checker's event loop
     */
    public HealthRegistry(EventLoopGroup group, Class<? extends Channel> channelClass, HealthListener listener) {
        this.group = Objects.requireNonNull(group, "group");
        this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.resolver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pointsman-check-resolver");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Makes the watched servers exactly {@code specs}.
     *
     * @throws IllegalArgumentException when two specs share a key (the same address twice in a backend)
     */
    public synchronized void reconcile(Collection<ServerCheckSpec> specs) {
        if (closed) {
            throw new IllegalStateException("health registry is closed");
        }
        Map<ServerKey, ServerCheckSpec> wanted = new LinkedHashMap<>();
        for (ServerCheckSpec s : specs) {
            if (wanted.putIfAbsent(s.key(), s) != null) {
                throw new IllegalArgumentException("server " + s.key() + " is listed twice");
            }
        }
        for (ServerKey gone : states.keySet()) {
            if (!wanted.containsKey(gone)) {
                HealthChecker c = checkers.remove(gone);
                if (c != null) {
                    c.stop();
                }
                states.remove(gone);
                unindex(gone);
            }
        }
        for (ServerCheckSpec s : wanted.values()) {
            ServerKey key = s.key();
            Monitoring monitoring = s.disabled() ? Monitoring.MAINTENANCE
                    : s.checked() ? Monitoring.CHECKED : Monitoring.NOT_CHECKED;
            int rise = s.check().rise();
            int fall = s.check().fall();
            HealthState state = states.get(key);
            if (state == null) {
                state = new HealthState(key, s.server(), monitoring, rise, fall);
                states.put(key, state);
                indexed.put(key, s.address());
                byAddress.computeIfAbsent(s.backend(), b -> new ConcurrentHashMap<>()).put(s.address(), state);
            } else {
                HealthSnapshot before = state.configure(s.server(), monitoring, rise, fall);
                if (before != null) {
                    notify(state, before);
                }
            }
            HealthChecker checker = checkers.get(key);
            if (monitoring == Monitoring.CHECKED) {
                if (checker == null) {
                    checker = new HealthChecker(s, state, group.next(), channelClass, listener, resolver);
                    checkers.put(key, checker);
                    checker.start();
                } else {
                    checker.update(s);
                }
            } else if (checker != null) {
                checker.stop();
                checkers.remove(key);
            }
        }
    }

    /** The server's state, or null when it is not (or no longer) watched. */
    public HealthState state(String backend, String address) {
        return states.get(new ServerKey(backend, address));
    }

    /**
     * Whether health lets the server take new connections: up, or not checked; false in
     * MAINT. A server not (yet) reconciled counts as usable — up until proven down — so
     * a generation compiled before its reconcile serves at once. Fits the runtime's
     * {@code HealthView} as {@code registry::isUsable}; for the hot path, keep the
     * {@link #state} object instead of looking it up per pick.
     */
    public boolean isUsable(String backend, HostPort address) {
        Map<HostPort, HealthState> servers = byAddress.get(backend);
        HealthState s = servers == null ? null : servers.get(address);
        return s == null || s.isUsable();
    }

    private void unindex(ServerKey key) {
        HostPort address = indexed.remove(key);
        Map<HostPort, HealthState> servers = address == null ? null : byAddress.get(key.backend());
        if (servers != null) {
            servers.remove(address);
            if (servers.isEmpty()) {
                byAddress.remove(key.backend());
            }
        }
    }

    public HealthState state(ServerKey key) {
        return states.get(key);
    }

    /** Every watched server's state, for stats and metrics. */
    public Map<ServerKey, HealthState> states() {
        return Map.copyOf(states);
    }

    /** Whether an active checker runs for this server (for tests and diagnostics). */
    synchronized boolean isChecking(ServerKey key) {
        HealthChecker c = checkers.get(key);
        return c != null && !c.isStopped();
    }

    /** Stops every checker. The event loop group is the caller's and stays up. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (HealthChecker c : checkers.values()) {
            c.stop();
        }
        checkers.clear();
        resolver.shutdownNow();
    }

    private void notify(HealthState state, HealthSnapshot before) {
        try {
            listener.onTransition(state, before, state.snapshot());
        } catch (RuntimeException e) {
            log.warn("health listener failed for {}", state.key(), e);
        }
    }

    /**
     * HAProxy's words: {@code Server web-farm/web0 is DOWN, reason: Layer4 connection
     * problem, info: "Connection refused", check duration: 1ms.}
     */
    public static void logTransition(HealthState state, HealthSnapshot before, HealthSnapshot after) {
        String name = state.key().backend() + "/" + state.server();
        CheckResult r = after.lastCheck();
        if (after.monitoring() != Monitoring.CHECKED || r == null) {
            log.info("Server {} is {}.", name, after.status());
            return;
        }
        StringBuilder sb = new StringBuilder("Server ").append(name).append(" is ").append(after.up() ? "UP" : "DOWN")
                .append(", reason: ").append(r.code().reason());
        if (r.httpStatus() > 0) {
            sb.append(", code: ").append(r.httpStatus());
        }
        if (r.info() != null) {
            sb.append(", info: \"").append(r.info()).append('"');
        }
        sb.append(", check duration: ").append(after.lastCheckMillis()).append("ms.");
        if (after.up()) {
            log.info(sb.toString());
        } else {
            log.warn(sb.toString());
        }
    }
}
