package io.pointsman.agent.sync;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The agent's own counters, rendered as Prometheus text for {@code /metrics}. */
public final class SyncMetrics {
    private final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();
    private final LongAdder syncs = new LongAdder();
    private final LongAdder fetches = new LongAdder();
    private final LongAdder fetchFailures = new LongAdder();
    private final LongAdder repairs = new LongAdder();
    private final LongAdder gatePassed = new LongAdder();
    private final LongAdder gateFailed = new LongAdder();
    private final AtomicLong fetchNanosSum = new AtomicLong();
    private volatile double lastFetchSeconds;
    private volatile Instant lastSuccess;

    void syncRun() {
        syncs.increment();
    }

    void attempt(String result, SyncReason reason) {
        attempts.computeIfAbsent(result + "\u0000" + reason, k -> new LongAdder()).increment();
    }

    void fetched(long nanos) {
        fetches.increment();
        fetchNanosSum.addAndGet(nanos);
        lastFetchSeconds = nanos / 1e9;
    }

    void fetchFailed() {
        fetchFailures.increment();
    }

    void repaired() {
        repairs.increment();
    }

    void healthGate(boolean passed) {
        (passed ? gatePassed : gateFailed).increment();
    }

    /** Health gate verdicts so far (passed + failed). */
    public long healthGateVerdicts() {
        return gatePassed.sum() + gateFailed.sum();
    }

    void success(Instant at) {
        lastSuccess = at;
    }

    /** Syncs run so far (each trigger that ran, whether or not it applied anything). */
    public long syncCount() {
        return syncs.sum();
    }

    public long repairCount() {
        return repairs.sum();
    }

    /** Prometheus exposition text (version 0.0.4) for this node's sync. */
    public String render(SyncStatus s) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP pointsman_sync_attempts_total Apply attempts by result and reason.\n");
        sb.append("# TYPE pointsman_sync_attempts_total counter\n");
        new TreeMap<>(attempts).forEach((k, v) -> {
            int z = k.indexOf('\u0000');
            sb.append("pointsman_sync_attempts_total{result=\"").append(k, 0, z)
                    .append("\",reason=\"").append(k.substring(z + 1)).append("\"} ").append(v.sum()).append('\n');
        });
        counter(sb, "pointsman_sync_runs_total", "Syncs run (polls, webhooks, POST /sync), coalesced.", syncs.sum());
        counter(sb, "pointsman_sync_fetches_total", "Fetches from the remote.", fetches.sum());
        counter(sb, "pointsman_sync_fetch_failures_total", "ls-remote or fetch failures.", fetchFailures.sum());
        counter(sb, "pointsman_sync_clone_repairs_total", "Damaged local clones thrown away and cloned again.", repairs.sum());
        sb.append("# HELP pointsman_sync_health_gate_total Health gate verdicts on new generations (SPEC 5.11).\n");
        sb.append("# TYPE pointsman_sync_health_gate_total counter\n");
        sb.append("pointsman_sync_health_gate_total{result=\"passed\"} ").append(gatePassed.sum()).append('\n');
        sb.append("pointsman_sync_health_gate_total{result=\"failed\"} ").append(gateFailed.sum()).append('\n');
        sb.append("# HELP pointsman_sync_fetch_duration_seconds Time spent fetching.\n");
        sb.append("# TYPE pointsman_sync_fetch_duration_seconds summary\n");
        sb.append("pointsman_sync_fetch_duration_seconds_sum ").append(fetchNanosSum.get() / 1e9).append('\n');
        sb.append("pointsman_sync_fetch_duration_seconds_count ").append(fetches.sum()).append('\n');
        gauge(sb, "pointsman_sync_last_fetch_duration_seconds", "Duration of the last fetch.", lastFetchSeconds);
        Instant ok = lastSuccess;
        gauge(sb, "pointsman_sync_last_success_timestamp_seconds", "When the last apply succeeded (unix time).",
                ok == null ? 0 : ok.toEpochMilli() / 1000.0);
        Instant fetch = s.lastFetchTime();
        gauge(sb, "pointsman_sync_last_fetch_timestamp_seconds", "When the last fetch succeeded (unix time).",
                fetch == null ? 0 : fetch.toEpochMilli() / 1000.0);
        gauge(sb, "pointsman_sync_ready", "1 when the last apply attempt succeeded.", s.ready() ? 1 : 0);
        gauge(sb, "pointsman_sync_suspended", "1 while syncing is suspended.", s.suspended() ? 1 : 0);
        gauge(sb, "pointsman_sync_generation", "The proxy generation that serves.", s.generation());
        sb.append("# HELP pointsman_sync_applied_revision_info The revision that serves (value is always 1).\n");
        sb.append("# TYPE pointsman_sync_applied_revision_info gauge\n");
        if (s.lastAppliedRevision() != null) {
            String rev = s.lastAppliedRevision();
            String commit = rev.substring(rev.lastIndexOf(':') + 1);
            sb.append("pointsman_sync_applied_revision_info{node=\"").append(escape(s.node()))
                    .append("\",branch=\"").append(escape(s.branch()))
                    .append("\",commit=\"").append(commit)
                    .append("\",revision=\"").append(escape(rev)).append("\"} 1\n");
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, double v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(v == Math.rint(v) && !Double.isInfinite(v) ? String.valueOf((long) v) : String.valueOf(v)).append('\n');
    }

    private static String escape(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
