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
        int queueMax) {

    /** Every counter zero. */
    public static final CountersSnapshot ZERO = new CountersSnapshot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
