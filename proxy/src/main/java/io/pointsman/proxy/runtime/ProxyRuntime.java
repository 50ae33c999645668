package io.pointsman.proxy.runtime;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.pointsman.proxy.admin.ServerOverrides;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.LogTarget.Severity;
import io.pointsman.proxy.config.Resolvers;
import io.pointsman.proxy.health.CheckResult;
import io.pointsman.proxy.health.HealthListener;
import io.pointsman.proxy.health.HealthRegistry;
import io.pointsman.proxy.health.HealthSnapshot;
import io.pointsman.proxy.health.HealthState;
import io.pointsman.proxy.log.LogSink;
import io.pointsman.proxy.log.LogSinks;
import io.pointsman.proxy.log.LogTargets;
import io.pointsman.proxy.resolve.AddressBook;
import io.pointsman.proxy.resolve.HostResolver;
import io.pointsman.proxy.health.ServerCheckSpec;
import io.pointsman.proxy.limits.LimitRegistry;
import io.pointsman.proxy.rules.PasswordVerifier;
import io.pointsman.proxy.stats.ProxyStats;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.tcp.TcpPipeline;
import io.pointsman.proxy.tls.CertificateStatus;
import io.pointsman.proxy.tls.CertificateWatcher;
import io.pointsman.proxy.tls.TlsContexts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy. {@link #start()} creates the event loops; {@link #apply} compiles a
 * normalized config into a new {@link Generation} and swaps it in without disturbing
 * connections in flight; {@link #close()} stops everything.
 *
 * <p>The swap (SPEC §4): compile (which changes nothing that serves), then bind the new
 * addresses first (paused), the stats page's too; if any bind fails, close what this swap
 * bound and keep the old generation. Otherwise, on the accept loop, publish the new
 * generation with one reference write, its counters with it, retire the old one and close
 * the listeners that are gone; then the stats page moves or takes its new settings.
 * Addresses in both keep their socket. {@code apply} may be called from any thread except
 * an event loop; calls are serialized.
 */
public final class ProxyRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyRuntime.class);
    private static final long BIND_TIMEOUT_SECONDS = 10;
    /** How long a retired http connection may take to finish its response before it is cut. */
    public static final Duration DEFAULT_RETIRE_GRACE = Duration.ofSeconds(5);

    private final Transport transport;
    private final int threads;
    private final HealthView customHealth;
    private final Duration retireGrace;
    private volatile HealthRegistry healthRegistry;
    private final Map<Mode, FrontendPipeline> pipelines;
    private final ProxyStats stats = new ProxyStats();
    private final GenerationCompiler compiler;
    /** Limits of the serving generation, taken over by the next where unchanged. */
    private final LimitRegistry limits = new LimitRegistry();
    /** Checks {@code auth} rules' password hashes off the event loops, for every generation. */
    private final PasswordVerifier passwords = PasswordVerifier.withOwnThread();
    private final ServerOverrides overrides;
    private final StatsPage statsPage;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<HostPort, Listener> listeners = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<Generation> retired = new ConcurrentLinkedDeque<>();
    private final ChannelHandler childInitializer = new ClientInitializer();
    private final LogSinks logSinks = new LogSinks();
    private final AddressBook addresses;

    private EventLoopGroup acceptGroup;
    private EventLoop acceptLoop;
    private SlowStart slowStart;
    private EventLoopGroup workers;
    private CertificateWatcher certificateWatcher;
    private volatile Generation current;
    private long nextNumber = 1;
    private volatile boolean closed;

    private ProxyRuntime(Builder b) {
        this.transport = b.transport != null ? b.transport : Transport.choose();
        this.threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        this.customHealth = b.health;
        this.retireGrace = b.retireGrace;
        Map<Mode, FrontendPipeline> p = new EnumMap<>(Mode.class);
        p.put(Mode.TCP, new TcpPipeline());
        p.put(Mode.HTTP, new io.pointsman.proxy.http.HttpFrontendPipeline());
        p.putAll(b.pipelines);
        this.pipelines = Map.copyOf(p);
        // Health is read through this indirection: the registry exists only once started.
        HealthView health = customHealth != null ? customHealth : new HealthView() {
            @Override
            public boolean isUp(String backend, HostPort address) {
                HealthRegistry r = healthRegistry;
                return r == null || r.isUsable(backend, address);
            }

            @Override
            public double rampUp(String backend, HostPort address, long slowstartNanos) {
                HealthRegistry r = healthRegistry;
                return r == null ? 1 : r.rampUp(backend, address, slowstartNanos);
            }
        };
        this.addresses = new AddressBook(b.resolver);
        this.overrides = b.overrides != null ? b.overrides : new ServerOverrides();
        this.compiler = new GenerationCompiler(health, overrides, connections::get, limits, passwords);
        overrides.onChange(this::rebalance);
        overrides.onStateChange(this::adminStateChanged);
        this.statsPage = new StatsPage(StatsReports.of(this, b.node, b.version), b.statsAdmin);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options fixed for the life of the process. */
    public static final class Builder {
        private int threads;
        private Transport transport;
        private HealthView health;
        private ServerOverrides overrides;
        private io.pointsman.proxy.statspage.StatsAdminActions statsAdmin;
        private Duration retireGrace = DEFAULT_RETIRE_GRACE;
        private HostResolver resolver;
        private final Map<Mode, FrontendPipeline> pipelines = new EnumMap<>(Mode.class);
        private String node = "pointsman";
        private String version = "dev";

        /** Event-loop threads ({@code global.threads}); 0 = one per core. */
        public Builder threads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /**
         * The runtime server state (drain, maint, weight) to use: the agent makes it first,
         * to put back what was set before a restart. Default: a new, empty one.
         */
        public Builder overrides(ServerOverrides overrides) {
            this.overrides = overrides;
            return this;
        }

        /**
         * What the stats page's admin form does when the config says {@code stats.admin}
         * (the agent: it keeps the changes across restarts). Default: no form.
         */
        public Builder statsAdmin(io.pointsman.proxy.statspage.StatsAdminActions actions) {
            this.statsAdmin = actions;
            return this;
        }

        /** Replaces active health checks by this view (tests; {@link HealthView#ALWAYS_UP}). */
        public Builder health(HealthView health) {
            this.health = health;
            return this;
        }

        /**
         * When an old generation is closed ({@code max_old_generations}, {@code hard_stop_after}),
         * its http connections get this long to finish the response in progress before
         * they are closed outright.
         */
        public Builder retireGrace(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("retire grace must be >= 0, got " + grace);
            }
            this.retireGrace = grace;
            return this;
        }

        /** Resolves server names with this instead of what {@code global.resolvers} says (tests). */
        public Builder resolver(HostResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        /** The node's name and Pointsman's version, as the stats page shows them. */
        public Builder identity(String node, String version) {
            this.node = java.util.Objects.requireNonNull(node, "node");
            this.version = java.util.Objects.requireNonNull(version, "version");
            return this;
        }

        /** Replaces the pipeline of a mode (HTTP plugs in here). */
        public Builder pipeline(Mode mode, FrontendPipeline pipeline) {
            pipelines.put(mode, pipeline);
            return this;
        }

        public ProxyRuntime build() {
            return new ProxyRuntime(this);
        }
    }

    /** Creates the event loops. Listens on nothing until the first {@link #apply}. */
    public synchronized ProxyRuntime start() {
        if (acceptGroup != null) {
            throw new IllegalStateException("runtime already started");
        }
        Transport.leakDetectionOffUnlessAsked();
        acceptGroup = transport.newGroup(1, new DefaultThreadFactory("pointsman-accept", true));
        acceptLoop = (EventLoop) acceptGroup.next();
        workers = transport.newGroup(threads, new DefaultThreadFactory("pointsman-io", true));
        slowStart = new SlowStart(acceptLoop, this::servingGenerations);
        certificateWatcher = new CertificateWatcher();
        if (customHealth == null) {
            healthRegistry = new HealthRegistry(workers, transport.socketChannelClass(), new HealthListener() {
                @Override
                public void onTransition(HealthState state, HealthSnapshot before, HealthSnapshot after) {
                    healthEvent(state, before, after);
                }

                @Override
                public void onCheckResultChange(HealthState state, HealthSnapshot after) {
                    checkEvent(state, after);
                }
            });
            healthRegistry.addresses((backend, address) -> addresses.current(LiveServer.key(backend, address)));
        }
        // An SRV record's weight changed a template server's: roundrobin builds its cycle again.
        addresses.onWeightChange(() -> acceptLoop.execute(() -> servingGenerations()
                .forEach(g -> g.backends().values().forEach(LiveBackend::rebalance))));
        log.info("proxy started: transport {}{}, {} event-loop threads, IPv6 {}", transport.name(),
                transport.name().equals("nio") && io.netty.channel.epoll.Epoll.isAvailable()
                        ? " (epoll available; -D" + Transport.PROPERTY + "=epoll to use it, see Transport)" : "",
                threads,
                transport.ipv6() ? "available (*:port is dual-stack)" : "unavailable (*:port is IPv4 only)");
        return this;
    }

    /**
     * Compiles and swaps in a validated, normalized config.
     *
     * @param revision where it came from (a commit), carried by the generation and its logs
     * @throws IllegalStateException when not started, closed, or called on an event loop
     * @throws IllegalArgumentException when the config cannot be compiled (e.g. one bind in two
     *         frontends, a bad rule, an error file that cannot be read); validation normally
     *         catches the rest first. Nothing changes.
     */
    public synchronized ApplyResult apply(ProxyConfig normalized, String revision) {
        if (acceptGroup == null || closed) {
            throw new IllegalStateException("runtime not running");
        }
        if (onEventLoop()) {
            throw new IllegalStateException("apply must not run on an event loop (it waits for binds)");
        }
        // Nothing that serves changes until the swap: compiling makes new objects only.
        // Server names resolved here, on this thread: one that does not resolve refuses the apply.
        AddressBook.Book book = addresses.prepare(namedServers(normalized), templates(normalized),
                normalized.global().resolvers() == null ? Resolvers.SYSTEM : normalized.global().resolvers());
        Generation next;
        HealthRegistry.Plan checks = null;
        try {
            // PEM files, read here (off the event loops) into contexts the new generation owns.
            TlsContexts tls = TlsContexts.build(normalized, current == null ? null : current.tls());
            LogTargets logTargets = logSinks.prepare(normalized.global().log());
            next = compiler.compile(normalized, revision, nextNumber, current, logTargets, book, tls);
            // Before the swap, so bad check settings refuse it; only changed backends are looked at.
            if (healthRegistry != null) {
                checks = healthRegistry.plan(normalized.allBackends(), tls);
            } else {
                ServerCheckSpec.of(normalized);
            }
        } catch (RuntimeException e) {
            retainLogTargets();
            addresses.abandon(book);
            throw e;
        }
        Set<HostPort> wanted = next.binds();
        List<HostPort> added = sorted(wanted.stream().filter(a -> !listeners.containsKey(a)).toList());
        List<HostPort> kept = sorted(wanted.stream().filter(listeners::containsKey).toList());
        List<HostPort> removed = sorted(listeners.keySet().stream().filter(a -> !wanted.contains(a)).toList());

        Map<HostPort, Listener> bound = new LinkedHashMap<>();
        HostPort binding = null;
        StatsListener statsListener;
        try {
            for (HostPort address : added) {
                binding = address;
                bound.put(address, bind(address));
            }
            binding = normalized.stats() == null ? null : normalized.stats().bind();
            statsListener = statsPage.bind(normalized.stats());
        } catch (BindFailure e) {
            for (Listener l : bound.values()) {
                l.channel().close().awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
            retainLogTargets();
            addresses.abandon(book);
            log.warn("generation {} ({}) not applied: cannot bind {}: {}; {} keeps serving", next.number(),
                    revision, binding, e.getMessage(), current == null ? "nothing" : current);
            return new ApplyResult.BindFailed(binding, e.getMessage());
        }
        nextNumber++;
        onAcceptLoop(() -> {
            publish(next, bound, removed);
            return null;
        });
        limits.commit(next.limits());
        statsPage.swapped(normalized.stats(), statsListener);
        retainLogTargets();
        addresses.commit(book);
        if (healthRegistry != null) {
            // Unchanged servers (backend + address) keep their state and checker.
            try {
                healthRegistry.apply(checks);
            } catch (RuntimeException e) {
                // The compiler already refused duplicate servers; anything else must not undo a done swap.
                log.error("generation {} ({}): health checks not updated: {}", next.number(), revision, e.toString());
            }
        }
        for (ServerOverrides.Dropped d : overrides.retain(normalized, revision, java.time.Instant.now())) {
            log.warn("runtime override of {}/{} ({}) dropped: generation {} ({}) has no such server", d.backend(),
                    d.server(), d.override().describe(), next.number(), revision);
        }
        log.info("generation {} ({}) applied: binds added {}, kept {}, removed {}", next.number(), revision,
                added, kept, removed);
        return new ApplyResult.Applied(next.number(), revision, added, kept, removed);
    }

    /**
     * Closes the log targets no generation still serving names (what a swap dropped, or
     * what a refused apply made). An old generation's connections keep logging to its
     * targets until it is gone; a target dropped with it then loses their last lines.
     */
    private void retainLogTargets() {
        List<LogTargets> kept = new ArrayList<>();
        Generation g = current;
        if (g != null) {
            kept.add(g.logTargets());
        }
        for (Generation old : retired) {
            kept.add(old.logTargets());
        }
        logSinks.retainOnly(kept);
    }

    /** The servers of a config given by host name (not IP literals): what the address book resolves. */
    private static List<AddressBook.Named> namedServers(ProxyConfig config) {
        List<AddressBook.Named> out = new ArrayList<>();
        for (io.pointsman.proxy.config.Backend b : config.allBackends()) {
            for (io.pointsman.proxy.config.Server s : b.servers()) {
                if (!GenerationCompiler.isLiteral(s.address().host())) {
                    out.add(new AddressBook.Named(LiveServer.key(b.name(), s.address()), s.address()));
                }
            }
        }
        return out;
    }

    /** The config's server templates: what the address book fills from DNS, slot by slot. */
    private static List<AddressBook.Template> templates(ProxyConfig config) {
        List<AddressBook.Template> out = new ArrayList<>();
        for (io.pointsman.proxy.config.Backend b : config.allBackends()) {
            io.pointsman.proxy.config.ServerTemplate t = b.serverTemplate();
            if (t != null) {
                HostPort target = t.target();
                List<String> keys = t.slots().stream().map(s -> LiveServer.key(b.name(), s.address())).toList();
                out.add(new AddressBook.Template(b.name() + "/" + t.address() + "#" + t.count(), target.host(),
                        target.port(), t.srv(), keys));
            }
        }
        return out;
    }

    /** Server host names and their resolution, for tests and diagnostics. */
    public AddressBook addresses() {
        return addresses;
    }

    /** Every log target, for {@code /metrics}: lines sent, dropped, lost. */
    public List<LogSink> logSinks() {
        return logSinks.all();
    }

    /**
     * A server's state changed: said in the process log (HAProxy's words) and, as HAProxy
     * sends it to its log targets, to the current generation's: DOWN at {@code alert}, UP
     * and other changes at {@code notice}.
     */
    private void healthEvent(HealthState state, HealthSnapshot before, HealthSnapshot after) {
        String line = HealthRegistry.logTransition(state, before, after);
        if (!before.up() && after.up()) {
            slowStart.wake(); // back from DOWN: its weight ramps up if its backend says slowstart
        }
        Generation g = current;
        if (g != null && before.up() && !after.up()) {
            shutdownSessions(g, state);
        }
        if (g != null && line != null) {
            g.logTargets().emit(before.up() && !after.up() ? Severity.ALERT : Severity.NOTICE, line);
            if (logsHealthChecks(g, state)) {
                checkEvent(state, after);
            }
        }
    }

    /**
     * A check's result changed: with {@code log_health_checks} on the server's backend, a
     * line in HAProxy's words ({@code Health check for server web/w1 failed, reason: …,
     * check duration: 3ms, status: 2/3 UP.}) at {@code notice}.
     */
    private void checkEvent(HealthState state, HealthSnapshot after) {
        Generation g = current;
        if (g == null || !logsHealthChecks(g, state) || after.lastCheck() == null) {
            return;
        }
        CheckResult r = after.lastCheck();
        StringBuilder sb = new StringBuilder("Health check for server ").append(state.key().backend()).append('/')
                .append(state.server()).append(r.success() ? " succeeded" : " failed")
                .append(", reason: ").append(r.code().reason());
        if (r.httpStatus() > 0) {
            sb.append(", code: ").append(r.httpStatus());
        }
        if (r.info() != null) {
            sb.append(", info: \"").append(r.info()).append('"');
        }
        sb.append(", check duration: ").append(after.lastCheckMillis()).append("ms, status: ");
        if (after.up()) {
            sb.append(after.health() - after.rise() + 1).append('/').append(after.fall())
                    .append(after.nolb() ? " NOLB." : " UP.");
        } else {
            sb.append(after.health()).append('/').append(after.rise()).append(" DOWN.");
        }
        g.logTargets().emit(Severity.NOTICE, sb.toString());
    }

    /**
     * {@code on_marked_down: shutdown_sessions}: the sessions of a server that went DOWN are
     * closed at once (each closed on its own event loop by Netty), so clients retry
     * elsewhere instead of waiting on a dead server.
     */
    private static void shutdownSessions(Generation g, HealthState state) {
        LiveBackend b = g.backend(state.key().backend());
        if (b == null) {
            return;
        }
        for (LiveServer s : b.servers()) {
            if (s.shutdownSessionsOnDown() && s.configuredAddress().toString().equals(state.key().address())) {
                int n = 0;
                for (Channel c : List.copyOf(s.counters().sessions())) {
                    c.close();
                    n++;
                }
                if (n > 0) {
                    log.info("server {}/{} is DOWN: {} sessions shut down (on_marked_down)", b.name(), s.name(), n);
                }
            }
        }
    }

    /** A drain or maintenance set or ended at runtime: a line to the log targets, as HAProxy logs it. */
    private void adminStateChanged(ServerOverrides.StateChange change) {
        if (change.from() == io.pointsman.proxy.admin.AdminState.MAINT && slowStart != null) {
            slowStart.wake(); // out of maintenance: its weight ramps up if its backend says slowstart
        }
        Generation g = current;
        LiveBackend b = g == null ? null : g.backend(change.backend());
        if (b == null) {
            return;
        }
        for (LiveServer s : b.servers()) {
            if (s.name().equals(change.server())) {
                String line = change.logLine(s.backup(), s.isHealthy());
                log.info("{}", line);
                g.logTargets().emit(change.alert() ? Severity.ALERT : Severity.NOTICE, line);
                return;
            }
        }
    }

    private static boolean logsHealthChecks(Generation g, HealthState state) {
        LiveBackend b = g.backend(state.key().backend());
        return b != null && Boolean.TRUE.equals(b.config().logHealthChecks());
    }

    /** The generation new connections get, or null before the first apply. */
    public Generation current() {
        return current;
    }

    /** The current generation and the older ones that still have connections: those whose servers slow start ramps. */
    private List<Generation> servingGenerations() {
        List<Generation> out = new ArrayList<>(retired);
        Generation g = current;
        if (g != null) {
            out.add(g);
        }
        return out;
    }

    /** Older generations that still have connections, oldest first. */
    public List<Generation> oldGenerations() {
        return retired.stream().filter(g -> g.connectionCount() > 0).toList();
    }

    /** The counters of the current generation's frontends, backends and servers. */
    public ProxyStats stats() {
        return stats;
    }

    /** The TLS files the serving generation uses, as last read (certificates, CAs, CRLs, errors). */
    public List<CertificateStatus> certificates() {
        Generation g = current;
        return g == null ? List.of() : g.tls().status();
    }

    /** Servers drained, in maintenance or reweighted at runtime (SPEC §11). */
    public ServerOverrides overrides() {
        return overrides;
    }

    /** A server of {@code backend} changed weight or state at runtime: every generation still serving picks anew. */
    private void rebalance(String backend) {
        Generation g = current;
        if (g != null && g.backend(backend) != null) {
            g.backend(backend).rebalance();
        }
        for (Generation old : retired) {
            LiveBackend b = old.backend(backend);
            if (b != null) {
                b.rebalance();
            }
        }
    }

    /** Where the stats page ({@code stats.bind}) listens now, or null when the config has none. */
    public InetSocketAddress statsAddress() {
        return statsPage.address();
    }

    /** Checks {@code auth} rules' passwords for every generation. */
    public PasswordVerifier passwords() {
        return passwords;
    }

    /** Active health checks, or null when a custom {@link HealthView} replaced them. */
    public HealthRegistry health() {
        return healthRegistry;
    }

    public Transport transport() {
        return transport;
    }

    /** Client connections open now, all frontends and generations. */
    public int connectionCount() {
        return connections.get();
    }

    /** Every listening address and what it is actually bound to (port 0 → the real port). */
    public Map<HostPort, InetSocketAddress> boundAddresses() {
        Map<HostPort, InetSocketAddress> out = new LinkedHashMap<>();
        listeners.forEach((k, v) -> out.put(k, v.address()));
        return out;
    }

    /** The actual address of a configured bind, or null when not listening on it. */
    public InetSocketAddress boundAddress(HostPort bind) {
        Listener l = listeners.get(bind);
        return l == null ? null : l.address();
    }

    /** The actual addresses a frontend of the current generation listens on. */
    public List<InetSocketAddress> boundAddresses(String frontend) {
        Generation g = current;
        List<InetSocketAddress> out = new ArrayList<>();
        if (g != null && g.frontend(frontend) != null) {
            for (HostPort b : g.frontend(frontend).binds()) {
                InetSocketAddress a = boundAddress(b);
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /** Closes every listener and connection and stops the event loops. */
    @Override
    public synchronized void close() {
        if (acceptGroup == null || closed) {
            return;
        }
        closed = true;
        slowStart.close();
        statsPage.close();
        if (healthRegistry != null) {
            healthRegistry.close();
        }
        certificateWatcher.close();
        logSinks.close();
        addresses.close();
        onAcceptLoop(() -> {
            for (Listener l : listeners.values()) {
                l.channel().close();
            }
            listeners.clear();
            for (Generation g : retired) {
                g.closeConnectionsNow();
            }
            retired.clear();
            if (current != null) {
                current.closeConnectionsNow();
            }
            return null;
        });
        // A short quiet period: the loops go on reaping completions for the channels just
        // closed (under io_uring a cancelled read hands its buffer back only then) before
        // their rings are destroyed.
        workers.shutdownGracefully(20, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        passwords.close();
        log.info("proxy stopped{}", current == null ? "" : " (was serving " + current + ")");
    }

    // ---- accept loop ---------------------------------------------------------------

    /** Read by {@link AcceptHandler}, which runs on the accept loop like {@link #publish}. */
    Generation currentOnAcceptLoop() {
        return current;
    }

    private void publish(Generation next, Map<HostPort, Listener> bound, List<HostPort> removed) {
        listeners.putAll(bound);
        Generation old = current;
        current = next;
        stats.publish(next.statsChange());
        certificateWatcher.watch(next.tls());
        for (HostPort address : removed) {
            Listener l = listeners.remove(address);
            if (l != null) {
                // Clients still in this socket's accept backlog are reset: the address is gone.
                l.channel().close();
            }
        }
        if (old != null) {
            retire(old, next.global());
        }
        slowStart.wake();
        reevaluateGate();
    }

    private void retire(Generation old, Global global) {
        Duration hardStopAfter = global.hardStopAfter();
        ScheduledFuture<?> timer = null;
        if (hardStopAfter != null && old.connectionCount() > 0) {
            timer = acceptLoop.schedule(() -> hardStop(old), hardStopAfter.toMillis(), TimeUnit.MILLISECONDS);
        }
        old.retire(timer);
        retired.addLast(old);
        // Connections only leave a retired generation (accept and swap share this loop),
        // so one that has drained is done for good.
        retired.removeIf(g -> g.connectionCount() == 0);
        int max = global.maxOldGenerations();
        while (retired.size() > max) {
            Generation oldest = retired.pollFirst();
            int n = oldest.closeConnections(retireGrace);
            log.info("{} closed: more than max_old_generations={} old generations; {} connections retired",
                    oldest, max, n);
        }
    }

    private void hardStop(Generation g) {
        int n = g.closeConnections(retireGrace);
        retired.remove(g);
        if (n > 0) {
            log.info("{}: hard_stop_after passed; {} connections retired", g, n);
        }
    }

    void connectionOpened(LiveFrontend frontend) {
        connections.incrementAndGet();
        frontend.counters().open();
        reevaluateGate();
    }

    /** From any event loop. */
    void connectionClosed(LiveFrontend frontend) {
        connections.decrementAndGet();
        frontend.counters().close();
        try {
            acceptLoop.execute(this::reevaluateGate);
        } catch (RejectedExecutionException e) {
            // Shutting down: no listener to resume.
        }
    }

    /**
     * maxconn (global and per frontend): a listener whose limit is reached stops
     * accepting (autoRead off), so new clients wait in the kernel's accept backlog; it
     * resumes when a connection closes. Runs on the accept loop, where every accept is
     * counted, so the limit is exact.
     */
    private void reevaluateGate() {
        Generation g = current;
        if (g == null || closed) {
            return;
        }
        boolean globalOpen = connections.get() < g.global().maxconn();
        for (Listener l : listeners.values()) {
            LiveFrontend f = g.frontendAt(l.bind());
            boolean open = globalOpen && f != null && (f.maxconn() <= 0 || f.counters().current() < f.maxconn());
            if (l.channel().config().isAutoRead() != open) {
                l.channel().config().setAutoRead(open);
            }
        }
    }

    // ---- binding -------------------------------------------------------------------

    /** Binds paused (autoRead off): the gate opens it once the generation owning it is published. */
    private Listener bind(HostPort address) throws BindFailure {
        InetSocketAddress socketAddress;
        try {
            socketAddress = address.isWildcard() ? transport.wildcard(address.port())
                    : new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
        } catch (UnknownHostException e) {
            throw new BindFailure("unknown host " + address.host());
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, workers)
                .channelFactory(transport.listenersOn(socketAddress))
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.AUTO_READ, false)
                // One accept per read, so the maxconn gate sees every connection before the next.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new ServerChannelRecvByteBufAllocator().maxMessagesPerRead(1))
                .handler(new AcceptHandler(address, this))
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, Transport.RECV_ALLOCATOR)
                .childHandler(childInitializer);
        ChannelFuture f = b.bind(socketAddress);
        if (!f.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            f.channel().close();
            throw new BindFailure("timed out");
        }
        if (!f.isSuccess()) {
            f.channel().close();
            Throwable c = f.cause();
            throw new BindFailure(c.getMessage() != null ? c.getMessage() : c.toString());
        }
        InetSocketAddress actual = (InetSocketAddress) f.channel().localAddress();
        log.debug("bound {} on {}", address, actual);
        return new Listener(address, f.channel(), actual);
    }

    static final class BindFailure extends Exception {
        BindFailure(String message) {
            super(message);
        }
    }

    /** Hands each accepted connection to its frontend's mode pipeline. */
    @ChannelHandler.Sharable
    private final class ClientInitializer extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            ConnectionContext cx = ConnectionContext.of(ch);
            if (cx.generation().global().nolinger()) {
                // RST instead of FIN_WAIT/TIME_WAIT at close (HAProxy "option nolinger").
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            }
            if (Boolean.TRUE.equals(cx.frontend().config().tcpka())) {
                // The kernel probes an idle client (HAProxy "option tcpka"/"clitcpka").
                ch.config().setOption(ChannelOption.SO_KEEPALIVE, true);
            }
            pipelines.get(cx.frontend().mode()).init(ch, cx);
        }
    }

    // ---- helpers -------------------------------------------------------------------

    private <T> T onAcceptLoop(Callable<T> task) {
        return acceptLoop.submit(task).syncUninterruptibly().getNow();
    }

    private boolean onEventLoop() {
        if (acceptLoop.inEventLoop()) {
            return true;
        }
        for (EventExecutor e : workers) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    private static List<HostPort> sorted(List<HostPort> list) {
        List<HostPort> out = new ArrayList<>(list);
        out.sort(Comparator.comparing(HostPort::toString));
        return out;
    }
}
