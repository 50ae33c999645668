package io.pointsman.proxy.health;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.tls.TlsContexts;
import io.pointsman.proxy.health.HealthSnapshot.Monitoring;
import io.pointsman.proxy.config.Backend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
    /** Backend configs as last applied by {@link #apply(Plan)}, in order: what the next plan compares with. */
    private Map<String, Backend> lastBackends = Map.of();
    private boolean closed;
    /** Where a server given by name is now (the runtime's address book); null: checkers resolve names themselves. */
    private volatile java.util.function.BiFunction<String, HostPort, java.net.InetSocketAddress> addresses;

    /** Checks over NIO sockets; transitions logged as HAProxy does. */
    public HealthRegistry(EventLoopGroup group) {
        this(group, NioSocketChannel.class, (state, before, after) -> logTransition(state, before, after));
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
        Map<String, List<ServerCheckSpec>> byBackend = new LinkedHashMap<>();
        for (ServerCheckSpec s : specs) {
            byBackend.computeIfAbsent(s.backend(), b -> new ArrayList<>()).add(s);
        }
        Map<String, Map<HostPort, ServerCheckSpec>> every = new LinkedHashMap<>();
        byBackend.forEach((backend, group) -> every.put(backend, byAddress(group)));
        // No configs to compare with next time: the next plan looks at every backend.
        apply(new Plan(Map.of(), every.keySet(), every, lastBackends, TlsContexts.NONE));
    }

    /**
     * What a swap to these backends (a normalized config's {@code allBackends()}) changes
     * in health, worked out without changing anything: only backends whose specs would
     * differ from the last applied ({@link ServerCheckSpec#sameSpecs}: servers, addresses,
     * check settings; a weight is not one) get their specs built. Call it before the swap, so bad
     * check settings refuse the swap; then {@link #apply} it.
     *
     * @throws IllegalArgumentException for check settings no spec accepts, a backend
     *         listed twice, or an address listed twice in a backend
     */
    public synchronized Plan plan(Collection<Backend> backends) {
        return plan(backends, TlsContexts.NONE);
    }

    /** @param tls the TLS contexts of the generation these backends belong to (checks speak TLS where servers do) */
    public synchronized Plan plan(Collection<Backend> backends, TlsContexts tls) {
        Map<String, Backend> configs = new LinkedHashMap<>(capacity(backends.size()));
        Map<String, Map<HostPort, ServerCheckSpec>> changed = new LinkedHashMap<>();
        // The last configs in order: the same backend is usually at the same position.
        Iterator<Backend> lastInOrder = lastBackends.values().iterator();
        for (Backend b : backends) {
            if (configs.put(b.name(), b) != null) {
                throw new IllegalArgumentException("backend '" + b.name() + "' is listed twice");
            }
            Backend last = lastInOrder.hasNext() ? lastInOrder.next() : null;
            if (last == null || !last.name().equals(b.name())) {
                last = lastBackends.get(b.name());
            }
            if (last == null || !ServerCheckSpec.sameSpecs(last, b)) {
                changed.put(b.name(), byAddress(ServerCheckSpec.of(b, tls)));
            }
        }
        return new Plan(configs, configs.keySet(), changed, lastBackends, tls);
    }

    /**
     * Makes the watched servers those of the planned backends. A backend whose specs are
     * unchanged since the last apply is not looked at: its servers keep state and
     * checker untouched. Changed backends are reconciled server by server (same address:
     * state and checker kept, new settings taken; new address: new state; gone: checker
     * stopped); backends no longer listed lose all their servers.
     */
    public synchronized void apply(Plan plan) {
        if (closed) {
            throw new IllegalStateException("health registry is closed");
        }
        if (plan.base != lastBackends) {
            // Something was applied since this plan was made: its "unchanged" may be stale.
            Map<String, Map<HostPort, ServerCheckSpec>> every = new LinkedHashMap<>();
            for (Backend b : plan.configs.values()) {
                every.put(b.name(), byAddress(ServerCheckSpec.of(b, plan.tls)));
            }
            plan = new Plan(plan.configs, plan.backends, every, lastBackends, plan.tls);
        }
        for (String backend : List.copyOf(byAddress.keySet())) {
            if (!plan.backends.contains(backend)) {
                reconcileBackend(backend, Map.of());
            }
        }
        for (Map.Entry<String, Map<HostPort, ServerCheckSpec>> e : plan.changed.entrySet()) {
            reconcileBackend(e.getKey(), e.getValue());
        }
        lastBackends = plan.configs;
    }

    /** What {@link #plan} worked out, for {@link #apply}. */
    public static final class Plan {
        private final Map<String, Backend> configs;
        private final Set<String> backends;
        private final Map<String, Map<HostPort, ServerCheckSpec>> changed;
        private final Map<String, Backend> base;
        private final TlsContexts tls;

        private Plan(Map<String, Backend> configs, Set<String> backends,
                     Map<String, Map<HostPort, ServerCheckSpec>> changed,
                     Map<String, Backend> base, TlsContexts tls) {
            this.configs = configs;
            this.backends = backends;
            this.changed = changed;
            this.base = base;
            this.tls = tls;
        }

        /** Backends whose servers the apply looks at (new or changed since the last apply). */
        public Set<String> changedBackends() {
            return Collections.unmodifiableSet(changed.keySet());
        }
    }

    /** One backend's specs by address, refusing an address listed twice. */
    private static Map<HostPort, ServerCheckSpec> byAddress(List<ServerCheckSpec> specs) {
        Map<HostPort, ServerCheckSpec> out = new LinkedHashMap<>(capacity(specs.size()));
        for (ServerCheckSpec s : specs) {
            if (out.putIfAbsent(s.address(), s) != null) {
                throw new IllegalArgumentException("server " + s.key() + " is listed twice");
            }
        }
        return out;
    }

    /** Makes one backend's watched servers exactly {@code wanted}. */
    private void reconcileBackend(String backend, Map<HostPort, ServerCheckSpec> wanted) {
        Map<HostPort, HealthState> servers = byAddress.get(backend);
        if (servers != null) {
            for (Map.Entry<HostPort, HealthState> e : servers.entrySet()) {
                if (!wanted.containsKey(e.getKey())) {
                    ServerKey gone = e.getValue().key();
                    HealthChecker c = checkers.remove(gone);
                    if (c != null) {
                        c.stop();
                    }
                    states.remove(gone);
                    servers.remove(e.getKey());
                }
            }
            if (wanted.isEmpty()) {
                byAddress.remove(backend);
                return;
            }
        } else if (wanted.isEmpty()) {
            return;
        } else {
            servers = new ConcurrentHashMap<>(capacity(wanted.size()));
            byAddress.put(backend, servers);
        }
        for (ServerCheckSpec s : wanted.values()) {
            Monitoring monitoring = s.disabled() ? Monitoring.MAINTENANCE
                    : s.checked() ? Monitoring.CHECKED : Monitoring.NOT_CHECKED;
            int rise = s.check().rise();
            int fall = s.check().fall();
            HealthState state = servers.get(s.address());
            ServerKey key;
            if (state == null) {
                key = s.key();
                state = new HealthState(key, s.server(), monitoring, rise, fall);
                states.put(key, state);
                servers.put(s.address(), state);
            } else {
                key = state.key();
                HealthSnapshot before = state.configure(s.server(), monitoring, rise, fall);
                if (before != null) {
                    notify(state, before);
                }
            }
            HealthChecker checker = checkers.get(key);
            if (monitoring == Monitoring.CHECKED) {
                if (checker == null) {
                    checker = new HealthChecker(s, state, group.next(), channelClass, listener, resolver, this);
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

    /**
     * Tells checkers where servers given by name are (as the runtime resolved them, with
     * {@code global.resolvers}), instead of asking the system resolver.
     */
    public void addresses(java.util.function.BiFunction<String, HostPort, java.net.InetSocketAddress> lookup) {
        this.addresses = lookup;
    }

    java.net.InetSocketAddress resolved(String backend, HostPort address) {
        var lookup = addresses;
        return lookup == null ? null : lookup.apply(backend, address);
    }

    /** A hash table capacity that holds {@code n} entries without rehashing. */
    private static int capacity(int n) {
        return (int) (n / 0.75f) + 1;
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

    /**
     * How far a server's slow start has come: 1 unless it came UP from DOWN less than
     * {@code slowstartNanos} ago (then the elapsed share).
     */
    public double rampUp(String backend, HostPort address, long slowstartNanos) {
        Map<HostPort, HealthState> servers = byAddress.get(backend);
        HealthState s = servers == null ? null : servers.get(address);
        if (s == null) {
            return 1;
        }
        HealthSnapshot h = s.snapshot();
        if (!h.up() || h.downTransitions() == 0 || h.monitoring() != Monitoring.CHECKED) {
            return 1;
        }
        long elapsed = java.time.Duration.between(h.lastChange(), java.time.Instant.now()).toNanos();
        return elapsed >= slowstartNanos ? 1 : Math.max(0, (double) elapsed / slowstartNanos);
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
    public static String logTransition(HealthState state, HealthSnapshot before, HealthSnapshot after) {
        String name = state.key().backend() + "/" + state.server();
        CheckResult r = after.lastCheck();
        if (after.monitoring() != Monitoring.CHECKED || r == null) {
            String line = "Server " + name + " is " + after.status() + ".";
            log.info(line);
            return line;
        }
        // HAProxy's words: a server put in NOLB by a 404 (disable_on_404) "is stopping".
        StringBuilder sb = new StringBuilder("Server ").append(name).append(" is ")
                .append(!after.up() ? "DOWN" : after.nolb() ? "stopping" : "UP")
                .append(", reason: ").append(r.code().reason());
        if (r.httpStatus() > 0) {
            sb.append(", code: ").append(r.httpStatus());
        }
        if (r.info() != null) {
            sb.append(", info: \"").append(r.info()).append('"');
        }
        sb.append(", check duration: ").append(after.lastCheckMillis()).append("ms.");
        String line = sb.toString();
        if (after.up()) {
            log.info(line);
        } else {
            log.warn(line);
        }
        return line;
    }
}
