package io.pointsman.proxy.statspage;

import io.pointsman.proxy.stats.Latency;
import io.pointsman.proxy.stats.LatencyHistogram;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything the stats page, its CSV/JSON forms and {@code /metrics} show, at one moment.
 * Immutable; built from the runtime's counters and health state by an adapter, so the
 * renderers know nothing of the runtime and can be tested with hand-made reports.
 *
 * @param node            this node's name
 * @param version         Pointsman's version
 * @param revision        full commit id of the applied config ("" when not from git)
 * @param generation      number of the current generation
 * @param uptimeSeconds   since the process started
 * @param time            when the report was taken
 * @param refreshSeconds  HTML auto-refresh interval; 0 = none
 * @param proxies         frontends, listens and backends, in config order
 * @param latencies       latency histograms per backend (server null) and server, for {@code /metrics}
 * @param logTargets      each {@code global.log} target's lines sent, dropped and lost, for {@code /metrics}
 */
public record StatsReport(
        String node,
        String version,
        String revision,
        long generation,
        long uptimeSeconds,
        Instant time,
        long refreshSeconds,
        List<ProxySection> proxies,
        List<LatencyRow> latencies,
        List<LogTargetRow> logTargets) {

    public StatsReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(version, "version");
        revision = revision == null ? "" : revision;
        Objects.requireNonNull(time, "time");
        proxies = List.copyOf(proxies);
        latencies = latencies == null ? List.of() : List.copyOf(latencies);
        logTargets = logTargets == null ? List.of() : List.copyOf(logTargets);
    }

    public StatsReport(String node, String version, String revision, long generation, long uptimeSeconds,
                       Instant time, long refreshSeconds, List<ProxySection> proxies) {
        this(node, version, revision, generation, uptimeSeconds, time, refreshSeconds, proxies, null, null);
    }

    /**
     * The latency histograms of one backend ({@code server} null) or server.
     *
     * @param latency traffic's histograms, null when none was observed
     * @param check   health checks' durations (servers with checks), else null
     */
    public record LatencyRow(String backend, String server, Latency.Snapshot latency,
                             LatencyHistogram.Snapshot check) {
    }

    /** One log target's counts; {@code sent} and {@code failed} are -1 for the default stderr, which counts only drops. */
    public record LogTargetRow(String target, long sent, long dropped, long failed) {
    }

    /** The commit as shown in headers: its first 7 characters. */
    public String shortRevision() {
        return revision.length() > 7 ? revision.substring(0, 7) : revision;
    }

    /** The same report with another auto-refresh interval (the stats listener's setting wins). */
    public StatsReport withRefreshSeconds(long seconds) {
        return new StatsReport(node, version, revision, generation, uptimeSeconds, time, seconds, proxies, latencies,
                logTargets);
    }
}
