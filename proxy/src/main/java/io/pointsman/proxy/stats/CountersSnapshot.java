package io.pointsman.proxy.stats;

/**
 * A copy of one entity's {@link Counters} (HAProxy stats columns in brackets).
 *
 * @param current      sessions open now (scur)
 * @param max          most sessions open at once (smax)
 * @param total        sessions since start (stot)
 * @param bytesIn      bytes from clients (bin)
 * @param bytesOut     bytes to clients (bout)
 * @param connectErrors failed server connects (econ)
 * @param retries      connect retries (wretr)
 * @param redispatches retries sent to another server (wredis)
 * @param denied       connections refused: no route, no usable server, queue timeout (dreq)
 * @param queueCurrent connections waiting for a server slot now (qcur)
 * @param queuedTotal  connections that ever waited for a slot
 * @param requestErrors  malformed, ambiguous or timed-out requests: 400, 408 (ereq)
 * @param responseErrors invalid, aborted or timed-out server responses: 502, 504 (eresp)
 * @param queueMax     most connections waiting for a slot at once (qmax)
 * @param responses    HTTP responses sent to clients by status class, the servers' and
 *                     Pointsman's own error pages (hrsp_1xx … hrsp_other); all zero in tcp mode
 */
public record CountersSnapshot(
        int current,
        int max,
        long total,
        long bytesIn,
        long bytesOut,
        long connectErrors,
        long retries,
        long redispatches,
        long denied,
        int queueCurrent,
        long queuedTotal,
        long requestErrors,
        long responseErrors,
        int queueMax,
        HttpResponses responses) {

    /** Every counter zero. */
    public static final CountersSnapshot ZERO = new CountersSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            HttpResponses.ZERO);

    public CountersSnapshot {
        responses = responses == null ? HttpResponses.ZERO : responses;
    }

    /** Without the HTTP response classes (tcp, or a test that does not look at them). */
    public CountersSnapshot(int current, int max, long total, long bytesIn, long bytesOut, long connectErrors,
            long retries, long redispatches, long denied, int queueCurrent, long queuedTotal, long requestErrors,
            long responseErrors, int queueMax) {
        this(current, max, total, bytesIn, bytesOut, connectErrors, retries, redispatches, denied, queueCurrent,
                queuedTotal, requestErrors, responseErrors, queueMax, HttpResponses.ZERO);
    }

    /** With only the 5xx class known (the shape before every class was counted). */
    public CountersSnapshot(int current, int max, long total, long bytesIn, long bytesOut, long connectErrors,
            long retries, long redispatches, long denied, int queueCurrent, long queuedTotal, long requestErrors,
            long responseErrors, int queueMax, long responses5xx) {
        this(current, max, total, bytesIn, bytesOut, connectErrors, retries, redispatches, denied, queueCurrent,
                queuedTotal, requestErrors, responseErrors, queueMax, new HttpResponses(0, 0, 0, 0, responses5xx, 0));
    }

    /** HTTP responses with a 5xx status (hrsp_5xx): what the agent's health gate counts as failed. */
    public long responses5xx() {
        return responses.serverError();
    }
}
