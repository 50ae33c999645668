package io.pointsman.agent.node;

import io.pointsman.agent.bgp.BgpAnnouncer;
import io.pointsman.agent.bgp.BgpException;
import io.pointsman.agent.bgp.BgpStatus;
import io.pointsman.agent.bgp.Bird;
import io.pointsman.agent.bgp.BirdInclude;
import io.pointsman.agent.git.Revision;
import io.pointsman.agent.keepalived.KeepalivedException;
import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.keepalived.KeepalivedRenderer;
import io.pointsman.agent.sync.ApplyOutcome;
import io.pointsman.agent.sync.ConfigApplier;
import io.pointsman.agent.sync.TrafficSample;
import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.config.Bgp;
import io.pointsman.proxy.config.ConfigDiff;
import io.pointsman.proxy.config.HealthGate;
import io.pointsman.proxy.config.Keepalived;
import io.pointsman.proxy.config.NotifyTarget;
import io.pointsman.proxy.config.SyncSettings;
import io.pointsman.proxy.config.Normalizer;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.statspage.PrometheusStats;
import io.pointsman.proxy.tls.CertificateStatus;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.PrometheusStats;
import io.pointsman.proxy.statspage.StatsReport;
import io.pointsman.proxy.statspage.StatsReports;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link ConfigApplier}: one revision's files → load, merge, resolve
 * secrets, validate → route assertions → proxy swap → Keepalived → BGP. Atomic: when the
 * Keepalived or BGP step fails after the swap, what the earlier steps changed is put back
 * and the proxy swapped back to the last good config, so {@code lastAppliedRevision} and
 * what serves never disagree. After each apply the {@link CrashGuard} learns what to undo
 * if the process dies; {@link #prepareStop} takes the node out of traffic on a planned stop.
 */
public final class NodeApplier implements ConfigApplier {
    private static final Logger log = LoggerFactory.getLogger(NodeApplier.class);

    /** What serves now: the last good revision. */
    private record Good(LoadedConfig loaded, String revision, long generation) {}

    private final IntFunction<ProxyRuntime> startRuntime;
    /** Started by the first apply, with that config's {@code global.threads}; null before. */
    private volatile ProxyRuntime runtime;
    private final String node;
    private final SecretSource secrets;
    private final KeepalivedManager keepalived;
    private final Supplier<InetSocketAddress> healthAddress;
    /** The proxy's stats as the agent's /metrics shows them; made with the runtime. */
    private volatile Supplier<StatsReport> reports;
    private volatile Good good;
    private int startedThreads;
    private volatile Path trackFile;
    private final BgpAnnouncer bgp;
    private final Bird bird;
    private final CrashGuard crashGuard;

    /**
     * @param healthAddress the agent's status listener, which Keepalived's check script calls
     */
    public NodeApplier(ProxyRuntime runtime, String node, SecretSource secrets, KeepalivedManager keepalived,
            Supplier<InetSocketAddress> healthAddress) {
        this(threads -> runtime, node, secrets, keepalived, healthAddress);
    }

    /**
     * @param startRuntime starts the proxy with the given event-loop thread count; called once,
     *                     by the first apply, so {@code global.threads} of the config that is
     *                     served first decides it (a later change takes effect at restart)
     */
    public NodeApplier(IntFunction<ProxyRuntime> startRuntime, String node, SecretSource secrets,
            KeepalivedManager keepalived, Supplier<InetSocketAddress> healthAddress) {
        this(startRuntime, node, secrets, keepalived, healthAddress, Bird.installed());
    }

    /** @param bird BIRD's programs ({@code bird -p}, {@code birdc}) for the bgp section */
    public NodeApplier(IntFunction<ProxyRuntime> startRuntime, String node, SecretSource secrets,
            KeepalivedManager keepalived, Supplier<InetSocketAddress> healthAddress, Bird bird) {
        this.startRuntime = startRuntime;
        this.node = node;
        this.secrets = secrets;
        this.keepalived = keepalived;
        this.healthAddress = healthAddress;
        this.bird = bird;
        this.bgp = new BgpAnnouncer(node, bird, Clock.systemUTC());
        this.crashGuard = new CrashGuard(node);
    }

    @Override
    public synchronized ApplyOutcome apply(ConfigFiles files, Revision revision) {
        LoadedConfig loaded;
        try {
            loaded = load(files);
        } catch (ConfigException e) {
            return new ApplyOutcome.ValidationFailed(e.errors().stream().map(ConfigError::toString).toList());
        }
        Good previous = good;
        String diff = ConfigDiff.between(previous == null ? null : previous.loaded().config(), loaded.config()).summary();
        ProxyRuntime runtime = runtime(loaded.config().global().threads());
        ApplyResult result;
        try {
            // The stats page is part of the swap: its listener is bound before it, like the
            // frontends' (a bind failure refuses the whole apply), and moves after it.
            result = runtime.apply(loaded.config(), revision.toString());
        } catch (IllegalArgumentException e) {
            // The runtime refuses what it cannot compile (e.g. one server address twice in a
            // backend) before it changes anything: refused like any invalid config.
            return new ApplyOutcome.ValidationFailed(List.of(loaded.redactor().redact(e.getMessage())));
        }
        if (result instanceof ApplyResult.BindFailed bf) {
            return new ApplyOutcome.BindFailed(loaded.redactor().redact(bf.message()));
        }
        long generation = ((ApplyResult.Applied) result).generation();
        KeepalivedStep keepalivedStep;
        try {
            keepalivedStep = applyKeepalived(loaded.config());
        } catch (KeepalivedException e) {
            String why = loaded.redactor().redact(e.getMessage());
            swapBack(previous, revision);
            log.warn("{}: keepalived step failed, proxy swapped back: {}", revision, why);
            return e.getMessage().startsWith("keepalived -t")
                    ? new ApplyOutcome.ValidationFailed(List.of("keepalived: " + why))
                    : new ApplyOutcome.Failed("keepalived: " + why);
        }
        String bgpMessage;
        try {
            bgpMessage = bgp.apply(loaded.config().bgp());
        } catch (BgpException e) {
            String why = loaded.redactor().redact(e.getMessage());
            undoKeepalived(keepalivedStep, revision);
            swapBack(previous, revision);
            log.warn("{}: bgp step failed, proxy swapped back: {}", revision, why);
            return e.refused()
                    ? new ApplyOutcome.ValidationFailed(List.of("bgp: " + why))
                    : new ApplyOutcome.Failed("bgp: " + why);
        }
        armCrashGuard(loaded.config()); // before the node counts as serving: it may start a process
        good = new Good(loaded, revision.toString(), generation);
        String message = "applied as generation " + generation + " (" + diff + ")"
                + (keepalivedStep.message().isEmpty() ? "" : "; " + keepalivedStep.message())
                + (bgpMessage.isEmpty() ? "" : "; bgp: " + bgpMessage)
                + threadsNote(loaded.config().global().threads());
        log.info("{}: {}", revision, message);
        return new ApplyOutcome.Applied(generation, message);
    }

    /** Validation the agent runs before any swap: the schema, then the repo's route assertions. */
    LoadedConfig load(ConfigFiles files) throws ConfigException {
        return RouteAssertions.loadAndCheck(files, node, secrets);
    }

    /** What the Keepalived step of one apply did, so a later step's failure can undo it. */
    private record KeepalivedStep(Keepalived section, KeepalivedManager.Outcome outcome, String message) {
        static final KeepalivedStep NONE = new KeepalivedStep(null, null, "");
    }

    private KeepalivedStep applyKeepalived(ProxyConfig config) throws KeepalivedException {
        Keepalived k = config.keepalived();
        if (k == null || k.configPath() == null) {
            return KeepalivedStep.NONE;
        }
        Path conf = Path.of(k.configPath());
        Path script = conf.resolveSibling("pointsman-check-" + node + ".sh");
        Path state = stateFile(conf);
        String text = KeepalivedRenderer.render(k, node, script.toString(), state.toString());
        KeepalivedManager.Outcome o = keepalived.apply(conf, text, script,
                KeepalivedRenderer.checkScript(healthAddress.get().getHostString(), healthAddress.get().getPort()),
                k.pidFile() == null ? null : Path.of(k.pidFile()), k.reloadCommand());
        if (Boolean.TRUE.equals(k.trackAgent())) {
            keepalived.writeTrackFile(state, true);
            trackFile = state;
        }
        return new KeepalivedStep(k, o, o.changed() ? o.message() : "");
    }

    /** A later step failed: keepalived.conf goes back to what it was and Keepalived is reloaded. */
    private void undoKeepalived(KeepalivedStep step, Revision failed) {
        if (step.outcome() == null) {
            return;
        }
        Keepalived k = step.section();
        try {
            keepalived.restore(Path.of(k.configPath()), step.outcome(), k.pidFile() == null ? null : Path.of(k.pidFile()),
                    k.reloadCommand());
        } catch (KeepalivedException e) {
            log.error("{}: could not put keepalived.conf back after a failed apply: {}", failed, e.getMessage());
        }
    }

    /**
     * Tells the {@link CrashGuard} what to undo if this process dies: Keepalived's track
     * file set (the VIP moves), BIRD's include withdrawn and BIRD reconfigured.
     */
    private void armCrashGuard(ProxyConfig config) {
        CrashGuard.Will will = CrashGuard.Will.NOTHING;
        Keepalived k = config.keepalived();
        if (k != null && k.configPath() != null && Boolean.TRUE.equals(k.trackAgent())) {
            will = will.put(stateFile(Path.of(k.configPath())), KeepalivedManager.trackFileValue(false));
        }
        Bgp b = config.bgp();
        if (b != null && b.configPath() != null && b.withdrawsWhen(Bgp.WithdrawWhen.NOT_SERVING)) {
            will = will.write(Path.of(b.configPath()), BirdInclude.withdrawn(node, "not serving (the Pointsman process is gone)"));
            if (b.controlSocket() != null && bird.birdc() != null) {
                will = will.birdcConfigure(bird.birdc(), Path.of(b.controlSocket()));
            }
        }
        crashGuard.arm(will);
    }

    private Path stateFile(Path conf) {
        return conf.resolveSibling("pointsman-" + node + ".state");
    }

    /**
     * The first half of a planned stop: Keepalived gives up the VIP and BGP withdraws the
     * routes (as {@code withdraw_when} says), while the proxy still serves what is in flight.
     *
     * @return how long to let connections finish before closing the listeners (bgp
     *         {@code drain}; zero when nothing was withdrawn)
     */
    public Duration prepareStop() {
        releaseVip();
        return bgp.stop();
    }

    /** Sync was suspended or resumed: BGP withdraws or announces again (SPEC §13 {@code withdraw_when}). */
    @Override
    public void suspended(boolean suspended) {
        bgp.suspended(suspended);
    }

    @Override
    public BgpStatus bgp() {
        return bgp.status(crashGuard.pid());
    }

    /**
     * Tells Keepalived, through its track_file, that this node stops serving: it gives up
     * the VIP at once (a graceful stop), instead of after {@code fall} failed health checks.
     */
    public void releaseVip() {
        Path f = trackFile;
        if (f != null) {
            try {
                keepalived.writeTrackFile(f, false);
                log.info("told Keepalived to release the VIP ({} = 1)", f);
            } catch (KeepalivedException e) {
                log.warn("cannot tell Keepalived to release the VIP: {}", e.getMessage());
            }
        }
    }

    private synchronized ProxyRuntime runtime(int threads) {
        if (runtime == null) {
            runtime = startRuntime.apply(threads);
            startedThreads = threads;
            reports = StatsReports.of(runtime, node, version());
        }
        return runtime;
    }

    private String threadsNote(int threads) {
        return threads == startedThreads ? ""
                : "; global.threads " + threads + " takes effect at restart (running with " + startedThreads + ")";
    }

    /** The proxy, or null before the first apply. */
    public ProxyRuntime runtime() {
        return runtime;
    }

    /**
     * Stops the proxy, its stats page included (if it was started). The crash guard stands
     * down when the node is out of traffic already (a planned stop told BIRD); otherwise it
     * is left to act when the process exits.
     */
    public synchronized void close() {
        if (runtime != null) {
            runtime.close();
        }
        if (bgp.withdrawnCleanly()) {
            crashGuard.close();
        }
    }

    private void swapBack(Good previous, Revision failed) {
        ProxyConfig back = previous != null ? previous.loaded().config() : Normalizer.normalize(
                new ProxyConfig(1, null, null, null, List.of(), List.of(), List.of(), null, null));
        String revision = previous != null ? previous.revision() : "none";
        ApplyResult r = runtime.apply(back, revision);  // runtime is started: the failed apply started it
        if (r instanceof ApplyResult.BindFailed bf) {
            // The previous generation's sockets were never closed for addresses both share;
            // a failure here means it had listeners the new one dropped and something took them.
            log.error("swap back to {} after failed {} could not bind: {}", revision, failed, bf.message());
        }
    }

    @Override
    public boolean serving() {
        return good != null;
    }

    @Override
    public String effectiveConfig() {
        Good g = good;
        return g == null ? "" : g.loaded().rendered();
    }

    @Override
    public String diff(ConfigFiles candidate) {
        Good g = good;
        try {
            LoadedConfig next = load(candidate);
            return ConfigDiff.between(g == null ? null : g.loaded().config(), next.config()).toString();
        } catch (ConfigException e) {
            return "invalid: the candidate would be refused:\n" + e.getMessage() + "\n";
        }
    }

    /** Prometheus text of the proxy, for the agent's /metrics; empty before the first apply. */
    @Override
    public String proxyMetrics() {
        Supplier<StatsReport> r = reports;
        ProxyRuntime proxy = runtime;
        return (r == null ? "" : PrometheusStats.render(r.get()))
                + (proxy == null ? "" : PrometheusStats.certificates(proxy.certificates())) + bgp.metrics();
    }

    @Override
    public List<CertificateStatus> certificates() {
        ProxyRuntime r = runtime;
        return r == null ? List.of() : r.certificates();
    }

    @Override
    public HealthGate healthGate() {
        Good g = good;
        SyncSettings sync = g == null ? null : g.loaded().config().sync();
        return sync == null ? null : sync.healthGate();
    }

    @Override
    public List<NotifyTarget> notifyTargets() {
        Good g = good;
        if (g == null) {
            return null;
        }
        SyncSettings sync = g.loaded().config().sync();
        return sync == null ? List.of() : sync.notifyTargets();
    }

    @Override
    public String redact(String text) {
        Good g = good;
        return g == null ? text : g.loaded().redactor().redact(text);
    }

    /**
     * Per backend: attempts = sessions/requests sent to servers + refused ones; failures =
     * failed connects + the 5xx answers clients got (servers' own and Pointsman's 502/503/504
     * pages). A tcp backend answers no HTTP: there, refusals and failed or timed-out server
     * sessions stand in for the 5xx (the larger of the two is taken, so nothing counts twice).
     */
    @Override
    public TrafficSample traffic() {
        ProxyRuntime r = runtime;
        if (r == null) {
            return TrafficSample.NONE;
        }
        Instant at = Instant.now();
        Map<String, TrafficSample.Backend> byName = new HashMap<>();
        r.stats().backendSnapshots().forEach((name, c) -> byName.put(name, new TrafficSample.Backend(
                c.total() + c.denied(),
                c.connectErrors() + Math.max(c.responses5xx(), c.denied() + c.responseErrors()))));
        return new TrafficSample(at, byName);
    }

    /** Pointsman's version (the jar's), or "dev". */
    public static String version() {
        String v = NodeApplier.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** Generation serving now, or 0. */
    public long generation() {
        Good g = good;
        return g == null ? 0 : g.generation();
    }
}
