package io.pointsman.agent.node;

import io.pointsman.agent.git.RemoteAuth;
import io.pointsman.agent.git.TrustedKeys;
import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.notify.Notifier;
import io.pointsman.agent.servers.ServerStateService;
import io.pointsman.proxy.admin.ServerOverrides;
import io.pointsman.agent.status.StatusServer;
import io.pointsman.agent.status.StatusServerOptions;
import io.pointsman.agent.sync.SyncEngine;
import io.pointsman.agent.sync.SyncOptions;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: proxy runtime, git mirror and sync engine, status listener. Start
 * order matters and is the contract of SPEC §5.5: the proxy starts empty, the status
 * listener comes up (so {@code /healthz} says 503 until something serves), then the
 * sync engine re-applies the last good commit from the local clone before it asks the
 * remote for anything.
 */
public final class PointsmanNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PointsmanNode.class);

    /**
     * @param repoUrl       the central config repo (file path, file://, git://, http(s), ssh)
     * @param threads       proxy event-loop threads; 0 = {@code global.threads} of the first config served
     * @param gitTimeout    bound of one ls-remote / fetch
     * @param trustedKeys   {@code --trusted-keys} (SPEC §5.9), already loaded, or null
     */
    public record Options(String repoUrl, String branch, String node, Path stateDir, Duration poll,
            InetSocketAddress statusBind, Path statusTokenFile, Path webhookSecretFile, int threads,
            Duration gitTimeout, TrustedKeys trustedKeys) {
        public Options(String repoUrl, String branch, String node, Path stateDir, Duration poll,
                InetSocketAddress statusBind, Path statusTokenFile, Path webhookSecretFile, int threads,
                Duration gitTimeout) {
            this(repoUrl, branch, node, stateDir, poll, statusBind, statusTokenFile, webhookSecretFile, threads,
                    gitTimeout, null);
        }

        public Options {
            Objects.requireNonNull(repoUrl, "repoUrl");
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(stateDir, "stateDir");
            Objects.requireNonNull(poll, "poll");
            Objects.requireNonNull(statusBind, "statusBind");
        }
    }

    private final SyncEngine engine;
    private final StatusServer status;
    private final NodeApplier applier;
    private final Notifier notifier;
    private final ServerStateService servers;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private PointsmanNode(SyncEngine engine, StatusServer status, NodeApplier applier, Notifier notifier,
            ServerStateService servers) {
        this.engine = engine;
        this.status = status;
        this.applier = applier;
        this.notifier = notifier;
        this.servers = servers;
    }

    /**
     * The stats page's admin form, handed to the proxy before the service exists (the proxy
     * is built by the first apply, which comes after it).
     */
    public static io.pointsman.proxy.statspage.StatsAdminActions statsAdmin(AtomicReference<ServerStateService> ref) {
        return (backend, servers, state, reason) -> {
            ServerStateService s = ref.get();
            return s == null ? "the node is starting; try again" : s.apply(backend, servers, state, reason);
        };
    }

    /** Runtime server state: drain, maint, weight without a commit. */
    public ServerStateService servers() {
        return servers;
    }

    /** Starts everything; returns once the status listener is up (the first apply runs in the background). */
    public static PointsmanNode start(Options o) throws Exception {
        Files.createDirectories(o.stateDir());
        SyncEngine engine = null;
        StatusServer status = null;
        NodeApplier applier = null;
        Notifier notifier = null;
        ServerStateService servers = null;
        try {
            AtomicReference<InetSocketAddress> statusAddress = new AtomicReference<>(o.statusBind());
            ServerOverrides overrides = new ServerOverrides();
            AtomicReference<ServerStateService> serversRef = new AtomicReference<>();
            // The proxy starts with the first config it serves: its global.threads decides the
            // event loops (--threads, when given, wins).
            applier = new NodeApplier(threads -> ProxyRuntime.builder().threads(o.threads() > 0 ? o.threads() : threads)
                    .identity(o.node(), NodeApplier.version()).overrides(overrides).statsAdmin(statsAdmin(serversRef))
                    .build().start(), o.node(), SecretSource.system(), new KeepalivedManager(null), statusAddress::get);
            SyncOptions syncOptions = SyncOptions.defaults(o.node(), o.branch()).withPoll(o.poll())
                    .withFetchTimeout(o.gitTimeout() != null ? o.gitTimeout() : Duration.ofSeconds(30));
            if (o.trustedKeys() != null) {
                syncOptions = syncOptions.withTrustedKeys(o.trustedKeys());
                log.info("node {} applies only commits signed by one of the {} key(s) in {}", o.node(),
                        o.trustedKeys().keyCount(), o.trustedKeys().dir());
            }
            notifier = Notifier.forNode(o.node(), o.stateDir(), applier).start();
            engine = SyncEngine.open(o.repoUrl(), RemoteAuth.fromEnvironment(System.getenv(),
                    Path.of(System.getProperty("user.home"), ".ssh")), o.stateDir(), syncOptions, applier, notifier);
            // Before the first apply: runtime overrides saved before a restart are back in place.
            servers = new ServerStateService(o.node(), o.stateDir(), overrides, applier::runtime, notifier,
                    engine::recordHistory, java.time.Clock.systemUTC()).start();
            serversRef.set(servers);
            StatusServerOptions so = new StatusServerOptions(o.statusBind(), o.statusTokenFile(), o.webhookSecretFile());
            status = StatusServer.start(so, engine, servers);
            statusAddress.set(status.address());
            engine.start();
            log.info("node {} syncing {} (branch {}) every {}; status on {}", o.node(), engine.status().repo(),
                    o.branch(), io.pointsman.proxy.config.Durations.format(o.poll()), status.baseUrl());
            return new PointsmanNode(engine, status, applier, notifier, servers);
        } catch (Exception e) {
            if (status != null) {
                status.close();
            }
            if (engine != null) {
                engine.close();
            }
            if (applier != null) {
                applier.close();
            }
            if (notifier != null) {
                notifier.close();
            }
            if (servers != null) {
                servers.close();
            }
            throw e;
        }
    }

    /** The proxy, or null until the first config is applied. */
    public ProxyRuntime runtime() {
        return applier.runtime();
    }

    public SyncEngine engine() {
        return engine;
    }

    public StatusServer status() {
        return status;
    }

    public NodeApplier applier() {
        return applier;
    }

    /**
     * A graceful stop: the node leaves traffic first — Keepalived releases the VIP, BGP
     * withdraws the routes — so new connections go elsewhere now, not after failed health
     * checks; then syncing stops (nothing new gets applied while closing); the proxy keeps
     * serving the connections in flight for bgp {@code drain}; then the status listener and
     * the proxy close. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long drainUntil = System.nanoTime() + applier.prepareStop().toNanos();
        engine.close();
        awaitDrain(drainUntil);
        status.close();
        applier.close();
        servers.close();
        notifier.close();
        log.info("node stopped");
    }

    /** Sleeps until {@code deadline} ({@link System#nanoTime}) while the proxy finishes what is in flight. */
    public static void awaitDrain(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return;
        }
        log.info("draining: closing the listeners in {} ms", TimeUnit.NANOSECONDS.toMillis(left));
        try {
            TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
