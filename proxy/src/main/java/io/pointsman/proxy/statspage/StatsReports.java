package io.pointsman.proxy.statspage;

import io.pointsman.proxy.admin.AdminState;
import io.pointsman.proxy.admin.ServerOverride;
import io.pointsman.proxy.config.Listen;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.health.HealthRegistry;
import io.pointsman.proxy.health.HealthSnapshot;
import io.pointsman.proxy.health.HealthState;
import io.pointsman.proxy.log.LogSink;
import io.pointsman.proxy.runtime.AccessLogger;
import io.pointsman.proxy.runtime.Generation;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveFrontend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.stats.CountersSnapshot;
import io.pointsman.proxy.stats.HttpResponses;
import io.pointsman.proxy.stats.Latency;
import io.pointsman.proxy.stats.LatencyHistogram;
import io.pointsman.proxy.stats.StatsSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Adapts the running proxy (current generation, its counters, health states) into a
 * {@link StatsReport}. Cheap enough to run per stats request: it copies atomics, it never
 * blocks.
 */
public final class StatsReports {
    private static final CountersSnapshot ZERO = CountersSnapshot.ZERO;
    private static final String HTTP = "http";

    private StatsReports() {
    }

    /** A supplier for {@link StatsListener}: a fresh report of {@code runtime} per call. */
    public static Supplier<StatsReport> of(ProxyRuntime runtime, String node, String version) {
        Instant started = Instant.now();
        return () -> report(runtime, node, version, started, Instant.now());
    }

    static StatsReport report(ProxyRuntime runtime, String node, String version, Instant started, Instant now) {
        long uptime = Math.max(0, Duration.between(started, now).toSeconds());
        Generation g = runtime.current();
        if (g == null) {
            return new StatsReport(node, version, "", 0, uptime, now, 0, List.of());
        }
        StatsSnapshot counters = runtime.stats().snapshot();
        HealthRegistry health = runtime.health();
        ProxyConfig config = g.config();
        List<ProxySection> sections = new ArrayList<>();
        for (var f : config.frontends()) {
            LiveFrontend live = g.frontend(f.name());
            if (live != null) {
                sections.add(new ProxySection(f.name(), mode(live.mode()),
                        frontendRow(live, counters), List.of(), null));
            }
        }
        for (var b : config.backends()) {
            LiveBackend live = g.backend(b.name());
            if (live != null) {
                sections.add(backendSection(b.name(), mode(b.mode()), null, live, counters, health, now));
            }
        }
        for (Listen l : config.listens()) {
            LiveBackend live = g.backend(l.name());
            LiveFrontend fe = g.frontend(l.name());
            if (live != null) {
                sections.add(backendSection(l.name(), mode(l.mode()), fe == null ? null : frontendRow(fe, counters), live, counters,
                        health, now));
            }
        }
        List<StatsReport.LatencyRow> latencies = new ArrayList<>();
        for (LiveBackend b : g.backends().values()) {
            Latency.Snapshot bl = b.counters().latencySnapshot();
            if (bl != null) {
                latencies.add(new StatsReport.LatencyRow(b.name(), null, bl, null));
            }
            for (LiveServer s : b.servers()) {
                Latency.Snapshot sl = s.counters().latencySnapshot();
                HealthState state = runtime.health() == null ? null
                        : runtime.health().state(b.name(), s.configuredAddress().toString());
                LatencyHistogram.Snapshot check = state == null || state.snapshot().checks() == 0 ? null
                        : state.checkLatency().snapshot();
                if (sl != null || check != null) {
                    latencies.add(new StatsReport.LatencyRow(b.name(), s.name(), sl, check));
                }
            }
        }
        latencies.sort(java.util.Comparator.comparing(StatsReport.LatencyRow::backend)
                .thenComparing(r -> r.server() == null ? "" : r.server()));
        List<StatsReport.LogTargetRow> targets = new ArrayList<>();
        targets.add(new StatsReport.LogTargetRow("default", -1, AccessLogger.stderrDropped(), -1));
        for (LogSink s : runtime.logSinks()) {
            targets.add(new StatsReport.LogTargetRow(s.toString(), s.sent(), s.dropped(), s.failed()));
        }
        return new StatsReport(node, version, g.revision(), g.number(), uptime, now, 0, sections, latencies, targets);
    }

    private static StatsRow frontendRow(LiveFrontend fe, StatsSnapshot counters) {
        CountersSnapshot c = counters.frontends().getOrDefault(fe.name(), ZERO);
        return StatsRow.builder(RowType.FRONTEND, "FRONTEND", "OPEN")
                .sessions(c.current(), c.max(), fe.maxconn() > 0 ? (long) fe.maxconn() : null, c.total())
                .bytes(c.bytesIn(), c.bytesOut())
                .deniedRequests(c.denied())
                .errors(c.requestErrors(), 0, 0)
                .httpResponses(http(mode(fe.mode()), c))
                .build();
    }

    /** The response classes for an http-mode row; null for tcp, whose columns HAProxy leaves empty. */
    private static HttpResponses http(String mode, CountersSnapshot c) {
        return HTTP.equals(mode) ? c.responses() : null;
    }

    private static String mode(io.pointsman.proxy.config.Mode mode) {
        return mode == null ? "tcp" : mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code drain: kernel upgrade (status API, 2026-12-07T10:00:00Z, until 11:00:00Z)}; null when none. */
    static String runtime(ServerOverride o) {
        if (o == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(o.describe());
        if (!o.reason().isBlank()) {
            sb.append(": ").append(o.reason());
        }
        sb.append(" (").append(o.by() == null ? "runtime" : o.by());
        if (o.setAt() != null) {
            sb.append(", ").append(o.setAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        if (o.expiresAt() != null) {
            sb.append(", until ").append(o.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        return sb.append(')').toString();
    }

    private static ProxySection backendSection(String name, String mode, StatsRow frontend, LiveBackend backend,
                                               StatsSnapshot counters, HealthRegistry health, Instant now) {
        List<StatsRow> servers = new ArrayList<>();
        int active = 0;
        int backup = 0;
        int weight = 0;
        for (LiveServer s : backend.servers()) {
            CountersSnapshot c = counters.servers().getOrDefault(s.key(), ZERO);
            HealthState state = health == null ? null : health.state(name, s.configuredAddress().toString());
            HealthSnapshot h = state == null ? null : state.snapshot();
            AdminState admin = s.adminState();
            // HAProxy's word for a server whose name no longer resolves: MAINT (resolution).
            String status = s.disabled() || admin == AdminState.MAINT ? "MAINT"
                    : admin == AdminState.DRAIN ? "DRAIN"
                    : s.unresolved() ? "MAINT (resolution)"
                    : h != null ? h.status() : s.isHealthy() ? "no check" : "DOWN";
            boolean usable = s.isUp();
            if (usable && s.weight() > 0) {
                weight += s.weight();
                if (s.backup()) {
                    backup++;
                } else {
                    active++;
                }
            }
            StatsRow.Builder row = StatsRow.builder(RowType.SERVER, s.name(), status)
                    .queue(c.queueCurrent(), c.queueMax())
                    .sessions(c.current(), c.max(), null, c.total())
                    .bytes(c.bytesIn(), c.bytesOut())
                    .errors(0, c.connectErrors(), c.responseErrors())
                    .retries(c.retries(), c.redispatches())
                    .weight(s.weight())
                    .activeBackup(s.backup() ? 0 : 1, s.backup() ? 1 : 0)
                    .selectedTotal(c.total())
                    .httpResponses(http(mode, c))
                    .runtime(runtime(s.runtimeOverride()));
            if (h != null) {
                row.checks(h.failedChecks(), h.downTransitions())
                        .lastChange(Math.max(0, Duration.between(h.lastChange(), now).toSeconds()), null);
                if (h.lastCheck() != null) {
                    row.lastCheck(h.lastCheck().code().name(),
                            h.lastCheck().httpStatus() > 0 ? h.lastCheck().httpStatus() : null,
                            h.lastCheckMillis() >= 0 ? h.lastCheckMillis() : null);
                }
            }
            servers.add(row.build());
        }
        CountersSnapshot b = counters.backends().getOrDefault(name, ZERO);
        StatsRow backendRow = StatsRow.builder(RowType.BACKEND, "BACKEND", active + backup > 0 ? "UP" : "DOWN")
                .queue(b.queueCurrent(), b.queueMax())
                .sessions(b.current(), b.max(), null, b.total())
                .bytes(b.bytesIn(), b.bytesOut())
                .deniedRequests(b.denied())
                .errors(0, b.connectErrors(), b.responseErrors())
                .retries(b.retries(), b.redispatches())
                .weight(weight)
                .activeBackup(active, backup)
                .selectedTotal(b.total())
                .httpResponses(http(mode, b))
                .build();
        return new ProxySection(name, mode, frontend, servers, backendRow);
    }
}
