package io.pointsman.proxy.statspage;

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
 */
public record StatsReport(
        String node,
        String version,
        String revision,
        long generation,
        long uptimeSeconds,
        Instant time,
        long refreshSeconds,
        List<ProxySection> proxies) {

    public StatsReport {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(version, "version");
        revision = revision == null ? "" : revision;
        Objects.requireNonNull(time, "time");
        proxies = List.copyOf(proxies);
    }

    /** The commit as shown in headers: its first 7 characters. */
    public String shortRevision() {
        return revision.length() > 7 ? revision.substring(0, 7) : revision;
    }

    /** The same report with another auto-refresh interval (the stats listener's setting wins). */
    public StatsReport withRefreshSeconds(long seconds) {
        return new StatsReport(node, version, revision, generation, uptimeSeconds, time, seconds, proxies);
    }
}
