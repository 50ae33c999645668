package io.pointsman.proxy.statspage;

import io.pointsman.proxy.stats.HttpResponses;

import java.util.Objects;

/**
 * One row of the stats page (HAProxy CSV column names in brackets). Counters that do not
 * apply to a row type are 0; values that are unknown are null (shown empty).
 *
 * @param type               FRONTEND, BACKEND or SERVER (type)
 * @param name               "FRONTEND", "BACKEND" or the server name (svname)
 * @param status             HAProxy words: {@code OPEN} (frontends), {@code UP}, {@code DOWN},
 *                           {@code UP 1/3}, {@code DOWN 1/2}, {@code MAINT}, {@code DRAIN}, {@code no check} (status)
 * @param queueCurrent       requests waiting for a server slot now (qcur)
 * @param queueMax           most ever waiting (qmax)
 * @param currentSessions    (scur)
 * @param maxSessions        (smax)
 * @param sessionLimit       maxconn; null = none (slim)
 * @param totalSessions      (stot)
 * @param bytesIn            from clients (bin)
 * @param bytesOut           to clients (bout)
 * @param deniedRequests     refused: no route, no server, queue timeout (dreq)
 * @param requestErrors      malformed requests (ereq)
 * @param connectionErrors   failed server connects (econ)
 * @param responseErrors     bad or aborted server responses (eresp)
 * @param retries            (wretr)
 * @param redispatches       (wredis)
 * @param weight             server weight; for a backend the sum of its usable servers' (weight)
 * @param active             server: 1 if not a backup; backend: usable active servers (act)
 * @param backup             server: 1 if a backup; backend: usable backup servers (bck)
 * @param checkFailures      failed checks (chkfail)
 * @param checkDowns         UP→DOWN transitions (chkdown)
 * @param lastChangeSeconds  seconds since the last status change; null = never (lastchg)
 * @param downtimeSeconds    total time down; null = unknown (downtime)
 * @param selectedTotal      times picked by the balancer (lbtot)
 * @param checkStatus        last check's code, e.g. {@code L7OK}, {@code L4CON}; null = no check (check_status)
 * @param checkCode          last check's HTTP status; null = none (check_code)
 * @param checkDurationMillis last check's duration; null = none (check_duration)
 * @param httpResponses      responses sent to clients by status class; null in tcp mode, where
 *                           HAProxy leaves these columns empty (hrsp_1xx … hrsp_other)
 * @param runtime            what was changed at runtime, without a commit ({@code drain: kernel
 *                           upgrade, by status API at …}); null when the server is as git says
 */
public record StatsRow(
        RowType type,
        String name,
        String status,
        long queueCurrent,
        long queueMax,
        long currentSessions,
        long maxSessions,
        Long sessionLimit,
        long totalSessions,
        long bytesIn,
        long bytesOut,
        long deniedRequests,
        long requestErrors,
        long connectionErrors,
        long responseErrors,
        long retries,
        long redispatches,
        Integer weight,
        int active,
        int backup,
        long checkFailures,
        long checkDowns,
        Long lastChangeSeconds,
        Long downtimeSeconds,
        long selectedTotal,
        String checkStatus,
        Integer checkCode,
        Long checkDurationMillis,
        HttpResponses httpResponses,
        String runtime) {

    public StatsRow {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
    }

    /** True for statuses a server or backend serves traffic in ({@code UP}, {@code UP 1/3}, {@code no check}, {@code OPEN}). */
    public boolean serving() {
        return status.startsWith("UP") || status.equals("no check") || status.equals("OPEN");
    }

    /** A row with the given identity and every counter zero: a start for tests and adapters. */
    public static Builder builder(RowType type, String name, String status) {
        return new Builder(type, name, status);
    }

    /** Fluent construction, since most rows fill only a few columns. */
    public static final class Builder {
        private final RowType type;
        private final String name;
        private String status;
        private long queueCurrent, queueMax, currentSessions, maxSessions, totalSessions, bytesIn, bytesOut;
        private long deniedRequests, requestErrors, connectionErrors, responseErrors, retries, redispatches;
        private long checkFailures, checkDowns, selectedTotal;
        private Long sessionLimit, lastChangeSeconds, downtimeSeconds, checkDurationMillis;
        private Integer weight, checkCode;
        private int active, backup;
        private String checkStatus;
        private HttpResponses httpResponses;
        private String runtime;

        private Builder(RowType type, String name, String status) {
            this.type = type;
            this.name = name;
            this.status = status;
        }

        public Builder status(String v) { status = v; return this; }
        public Builder queue(long current, long max) { queueCurrent = current; queueMax = max; return this; }
        public Builder sessions(long current, long max, Long limit, long total) {
            currentSessions = current; maxSessions = max; sessionLimit = limit; totalSessions = total; return this;
        }
        public Builder bytes(long in, long out) { bytesIn = in; bytesOut = out; return this; }
        public Builder deniedRequests(long v) { deniedRequests = v; return this; }
        public Builder errors(long request, long connection, long response) {
            requestErrors = request; connectionErrors = connection; responseErrors = response; return this;
        }
        public Builder retries(long retried, long redispatched) { retries = retried; redispatches = redispatched; return this; }
        public Builder weight(Integer v) { weight = v; return this; }
        public Builder activeBackup(int act, int bck) { active = act; backup = bck; return this; }
        public Builder checks(long failures, long downs) { checkFailures = failures; checkDowns = downs; return this; }
        public Builder lastChange(Long seconds, Long downtime) { lastChangeSeconds = seconds; downtimeSeconds = downtime; return this; }
        public Builder selectedTotal(long v) { selectedTotal = v; return this; }
        public Builder lastCheck(String statusCode, Integer httpCode, Long durationMillis) {
            checkStatus = statusCode; checkCode = httpCode; checkDurationMillis = durationMillis; return this;
        }

        /** Servers changed at runtime only: what and why. */
        public Builder runtime(String v) { runtime = v; return this; }

        /** HTTP mode only; leave unset for tcp rows. */
        public Builder httpResponses(HttpResponses v) { httpResponses = v; return this; }

        public StatsRow build() {
            return new StatsRow(type, name, status, queueCurrent, queueMax, currentSessions, maxSessions,
                    sessionLimit, totalSessions, bytesIn, bytesOut, deniedRequests, requestErrors,
                    connectionErrors, responseErrors, retries, redispatches, weight, active, backup,
                    checkFailures, checkDowns, lastChangeSeconds, downtimeSeconds, selectedTotal, checkStatus,
                    checkCode, checkDurationMillis, httpResponses, runtime);
        }
    }
}
