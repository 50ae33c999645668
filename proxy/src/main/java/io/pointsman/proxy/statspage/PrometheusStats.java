package io.pointsman.proxy.statspage;

import io.pointsman.proxy.stats.HttpResponses;
import io.pointsman.proxy.stats.Latency;
import io.pointsman.proxy.stats.LatencyHistogram;
import io.pointsman.proxy.stats.StatusClass;
import io.pointsman.proxy.tls.CertificateStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /metrics}: Prometheus text exposition format 0.0.4. One family per metric with
 * its HELP and TYPE lines, samples of every frontend/backend/server under it; label
 * values escaped (backslash, double quote, newline) as the format requires.
 */
public final class PrometheusStats {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusStats() {
    }

    /** One sample line: the family's name plus {@code suffix} ({@code _bucket}, {@code _sum}, … or ""). */
    private record Sample(String suffix, String labels, double value) {
    }

    private static final class Family {
        final String help;
        final String type;
        final List<Sample> samples = new ArrayList<>();

        Family(String help, String type) {
            this.help = help;
            this.type = type;
        }
    }

    private static final class Families {
        final Map<String, Family> byName = new LinkedHashMap<>();

        void add(String name, String type, String help, String labels, double value) {
            add(name, type, help, "", labels, value);
        }

        void add(String name, String type, String help, String suffix, String labels, double value) {
            byName.computeIfAbsent(name, n -> new Family(help, type)).samples.add(new Sample(suffix, labels, value));
        }

        /** A histogram: cumulative {@code _bucket}s with {@code le}, then {@code _sum} and {@code _count}. */
        void histogram(String name, String help, String labels, LatencyHistogram.Snapshot h) {
            String open = labels.isEmpty() ? "{" : labels.substring(0, labels.length() - 1) + ",";
            long[] cumulative = h.cumulative();
            for (int i = 0; i < cumulative.length; i++) {
                String le = i < LatencyHistogram.BOUNDS.length
                        ? java.math.BigDecimal.valueOf(LatencyHistogram.BOUNDS[i]).stripTrailingZeros().toPlainString()
                        : "+Inf";
                add(name, "histogram", help, "_bucket", open + "le=\"" + le + "\"}", cumulative[i]);
            }
            add(name, "histogram", help, "_sum", labels, h.sumSeconds());
            add(name, "histogram", help, "_count", labels, h.count());
        }

        void gauge(String name, String help, String labels, double value) {
            add(name, "gauge", help, labels, value);
        }

        void counter(String name, String help, String labels, double value) {
            add(name, "counter", help, labels, value);
        }
    }

    public static String render(StatsReport report) {
        Families f = new Families();
        f.gauge("pointsman_generation_info", "The generation serving new connections and its config commit.",
                labels("generation", Long.toString(report.generation()), "revision", report.revision()), 1);
        f.gauge("pointsman_generation", "Number of the current generation.", "", report.generation());
        f.gauge("pointsman_uptime_seconds", "Seconds since the process started.", "", report.uptimeSeconds());
        for (ProxySection proxy : report.proxies()) {
            if (proxy.frontend() != null) {
                frontend(f, labels("frontend", proxy.name()), proxy.frontend());
            }
            if (proxy.backend() != null) {
                backend(f, labels("backend", proxy.name()), proxy.backend());
            }
            for (StatsRow server : proxy.servers()) {
                server(f, labels("backend", proxy.name(), "server", server.name()), server);
            }
        }
        latencies(f, report.latencies());
        for (StatsReport.LogTargetRow t : report.logTargets()) {
            String l = labels("target", t.target());
            if (t.sent() >= 0) {
                f.counter("pointsman_log_lines_sent_total", "Log lines a target sent.", l, t.sent());
            }
            f.counter("pointsman_log_lines_dropped_total",
                    "Log lines dropped because the target's buffer was full (it could not keep up).", l, t.dropped());
            if (t.failed() >= 0) {
                f.counter("pointsman_log_lines_failed_total",
                        "Log lines lost by the target's transport (unresolvable, refused, send error).", l, t.failed());
            }
        }
        return text(f);
    }

    /**
     * The TLS files the proxy serves with (SPEC §9): when each expires (alert on it before it
     * does) and whether its last reload failed.
     */
    public static String certificates(List<CertificateStatus> certificates) {
        Families f = new Families();
        for (CertificateStatus c : certificates) {
            String l = labels("file", c.file(), "kind", c.kind());
            if (c.notAfter() != null) {
                f.gauge("pointsman_tls_certificate_expiry_timestamp_seconds", "When the file's certificate expires"
                        + " (of a CA file the first to; of a CRL its next update), in Unix seconds.", l,
                        c.notAfter().getEpochSecond());
            }
            f.gauge("pointsman_tls_certificate_load_error", "1 when the file's last load failed; the previous"
                    + " version still serves.", l, c.error() == null ? 0 : 1);
        }
        return text(f);
    }

    private static String text(Families f) {
        StringBuilder out = new StringBuilder();
        f.byName.forEach((name, family) -> {
            out.append("# HELP ").append(name).append(' ').append(family.help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(family.type).append('\n');
            for (Sample s : family.samples) {
                out.append(name).append(s.suffix()).append(s.labels()).append(' ').append(number(s.value()))
                        .append('\n');
            }
        });
        return out.toString();
    }

    /** Queue, connect, response-head and total time per backend and server; check time per server. */
    private static void latencies(Families f, List<StatsReport.LatencyRow> rows) {
        for (StatsReport.LatencyRow r : rows) {
            boolean server = r.server() != null;
            String l = server ? labels("backend", r.backend(), "server", r.server()) : labels("backend", r.backend());
            String p = server ? "pointsman_server_" : "pointsman_backend_";
            Latency.Snapshot t = r.latency();
            if (t != null) {
                f.histogram(p + "queue_time_seconds", "Time requests waited in the queue for a server slot.", l,
                        t.queue());
                f.histogram(p + "connect_time_seconds", "Time to connect to a server.", l, t.connect());
                f.histogram(p + "response_time_seconds",
                        "Time from the server connection to the response head (http).", l, t.response());
                f.histogram(p + "total_time_seconds", "Time of whole requests (http) or sessions (tcp).", l,
                        t.total());
            }
            if (r.check() != null) {
                f.histogram("pointsman_server_check_time_seconds", "Durations of health checks.", l, r.check());
            }
        }
    }

    private static void frontend(Families f, String l, StatsRow r) {
        f.gauge("pointsman_frontend_current_sessions", "Client sessions open now.", l, r.currentSessions());
        f.gauge("pointsman_frontend_max_sessions", "Most client sessions open at once.", l, r.maxSessions());
        f.counter("pointsman_frontend_sessions_total", "Client sessions since start.", l, r.totalSessions());
        f.counter("pointsman_frontend_bytes_in_total", "Bytes received from clients.", l, r.bytesIn());
        f.counter("pointsman_frontend_bytes_out_total", "Bytes sent to clients.", l, r.bytesOut());
        f.counter("pointsman_frontend_denied_requests_total", "Requests or connections refused.", l,
                r.deniedRequests());
        f.counter("pointsman_frontend_request_errors_total", "Malformed or timed-out requests.", l,
                r.requestErrors());
        httpResponses(f, "pointsman_frontend_http_responses_total", l, r);
    }

    private static void backend(Families f, String l, StatsRow r) {
        f.gauge("pointsman_backend_up", "1 when the backend has a usable server.", l, r.serving() ? 1 : 0);
        f.gauge("pointsman_backend_active_servers", "Usable active servers.", l, r.active());
        f.gauge("pointsman_backend_backup_servers", "Usable backup servers.", l, r.backup());
        f.gauge("pointsman_backend_current_sessions", "Sessions to servers open now.", l, r.currentSessions());
        f.gauge("pointsman_backend_max_sessions", "Most sessions to servers at once.", l, r.maxSessions());
        f.counter("pointsman_backend_sessions_total", "Sessions since start.", l, r.totalSessions());
        f.counter("pointsman_backend_bytes_in_total", "Bytes sent towards servers.", l, r.bytesIn());
        f.counter("pointsman_backend_bytes_out_total", "Bytes received from servers.", l, r.bytesOut());
        f.gauge("pointsman_backend_current_queue", "Requests waiting for a server slot.", l, r.queueCurrent());
        f.gauge("pointsman_backend_max_queue", "Most requests waiting for a server slot at once.", l, r.queueMax());
        f.counter("pointsman_backend_connection_errors_total", "Failed server connects.", l,
                r.connectionErrors());
        f.counter("pointsman_backend_response_errors_total", "Bad or aborted server responses.", l,
                r.responseErrors());
        f.counter("pointsman_backend_retries_total", "Connect retries.", l, r.retries());
        f.counter("pointsman_backend_redispatches_total", "Retries sent to another server.", l, r.redispatches());
        httpResponses(f, "pointsman_backend_http_responses_total", l, r);
    }

    private static void server(Families f, String l, StatsRow r) {
        f.gauge("pointsman_server_up", "1 when the server takes new traffic (UP, UP n/m or no check).", l,
                r.serving() ? 1 : 0);
        f.gauge("pointsman_server_current_sessions", "Sessions open now.", l, r.currentSessions());
        f.gauge("pointsman_server_max_sessions", "Most sessions open at once.", l, r.maxSessions());
        f.counter("pointsman_server_sessions_total", "Sessions since start.", l, r.totalSessions());
        f.counter("pointsman_server_bytes_in_total", "Bytes sent to the server.", l, r.bytesIn());
        f.counter("pointsman_server_bytes_out_total", "Bytes received from the server.", l, r.bytesOut());
        f.counter("pointsman_server_connection_errors_total", "Failed connects.", l, r.connectionErrors());
        f.counter("pointsman_server_response_errors_total", "Bad or aborted responses.", l, r.responseErrors());
        f.counter("pointsman_server_check_failures_total", "Failed health checks.", l, r.checkFailures());
        f.counter("pointsman_server_check_down_transitions_total", "UP to DOWN transitions.", l, r.checkDowns());
        httpResponses(f, "pointsman_server_http_responses_total", l, r);
        if (r.weight() != null) {
            f.gauge("pointsman_server_weight", "Balancing weight (a runtime override included).", l, r.weight());
        }
        String admin = r.status().equals("DRAIN") ? "drain" : r.status().equals("MAINT") ? "maint" : "ready";
        f.gauge("pointsman_server_admin_state", "1 for the server's administrative state: ready, drain or maint.",
                l.substring(0, l.length() - 1) + ",state=\"" + admin + "\"}", 1);
        f.gauge("pointsman_server_runtime_override", "1 when the server's state or weight was changed at runtime,"
                + " not by a commit (drift from git).", l, r.runtime() != null ? 1 : 0);
        if (r.checkDurationMillis() != null) {
            f.gauge("pointsman_server_check_duration_seconds", "Duration of the last health check.", l,
                    r.checkDurationMillis() / 1000.0);
        }
        if (r.lastChangeSeconds() != null) {
            f.gauge("pointsman_server_last_change_seconds", "Seconds since the last status change.", l,
                    r.lastChangeSeconds());
        }
    }

    /**
     * HAProxy's exporter shape ({@code haproxy_frontend_http_responses_total{code="2xx"}}):
     * one counter family, a sample per status class under a {@code code} label. http mode
     * only, as HAProxy's; a tcp row has no samples here.
     */
    private static void httpResponses(Families f, String name, String labels, StatsRow r) {
        HttpResponses http = r.httpResponses();
        if (http == null) {
            return;
        }
        String open = labels.substring(0, labels.length() - 1); // labels() always ends with '}'
        for (StatusClass c : StatusClass.values()) {
            f.counter(name, "HTTP responses sent to clients, by status class (1xx-5xx, other).",
                    open + ",code=\"" + c.label() + "\"}", http.count(c));
        }
    }

    /** {@code {k1="v1",k2="v2"}} with values escaped. */
    static String labels(String... keyValues) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(keyValues[i]).append("=\"").append(escapeLabel(keyValues[i + 1])).append('"');
        }
        return sb.append('}').toString();
    }

    static String escapeLabel(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
