package io.pointsman.agent.node;

import io.pointsman.agent.git.Revision;
import io.pointsman.agent.keepalived.KeepalivedException;
import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.keepalived.KeepalivedRenderer;
import io.pointsman.agent.sync.ApplyOutcome;
import io.pointsman.agent.sync.ConfigApplier;
import io.pointsman.agent.sync.TrafficSample;
import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.config.ConfigDiff;
import io.pointsman.proxy.config.HealthGate;
import io.pointsman.proxy.config.Keepalived;
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
 * secrets, validate → route assertions → proxy swap → Keepalived. Atomic: when the
 * Keepalived step fails after the swap, the proxy is swapped back to the last good
 * config, so {@code lastAppliedRevision} and what serves never disagree.
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
        this.startRuntime = startRuntime;
        this.node = node;
        this.secrets = secrets;
        this.keepalived = keepalived;
        this.healthAddress = healthAddress;
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
        String keepalivedMessage = "";
        try {
            keepalivedMessage = applyKeepalived(loaded.config());
        } catch (KeepalivedException e) {
            String why = loaded.redactor().redact(e.getMessage());
            swapBack(previous, revision);
            log.warn("{}: keepalived step failed, proxy swapped back: {}", revision, why);
            return e.getMessage().startsWith("keepalived -t")
                    ? new ApplyOutcome.ValidationFailed(List.of("keepalived: " + why))
                    : new ApplyOutcome.Failed("keepalived: " + why);
        }
        good = new Good(loaded, revision.toString(), generation);
        String message = "applied as generation " + generation + " (" + diff + ")"
                + (keepalivedMessage.isEmpty() ? "" : "; " + keepalivedMessage)
                + threadsNote(loaded.config().global().threads());
        log.info("{}: {}", revision, message);
        return new ApplyOutcome.Applied(generation, message);
    }

    /** Validation the agent runs before any swap: the schema, then the repo's route assertions. */
    LoadedConfig load(ConfigFiles files) throws ConfigException {
        return RouteAssertions.loadAndCheck(files, node, secrets);
    }

    private String applyKeepalived(ProxyConfig config) throws KeepalivedException {
        Keepalived k = config.keepalived();
        if (k == null || k.configPath() == null) {
            return "";
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
        return o.changed() ? o.message() : "";
    }

    private Path stateFile(Path conf) {
        return conf.resolveSibling("pointsman-" + node + ".state");
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

    /** Stops the proxy, its stats page included (if it was started). */
    public synchronized void close() {
        if (runtime != null) {
            runtime.close();
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
        return r == null ? "" : PrometheusStats.render(r.get())
                + (proxy == null ? "" : PrometheusStats.certificates(proxy.certificates()));
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
