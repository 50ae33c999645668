package io.pointsman.proxy.stats;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one frontend, backend or server. Written from every event loop
 * at once, so each field is atomic; read a consistent-enough copy with
 * {@link #snapshot()}.
 */
public final class Counters {
    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder connectErrors = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder redispatches = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final AtomicInteger queueCurrent = new AtomicInteger();
    private final AtomicInteger queueMax = new AtomicInteger();
    private final LongAdder queued = new LongAdder();
    private final LongAdder requestErrors = new LongAdder();
    private final LongAdder responseErrors = new LongAdder();
    // One adder per status class rather than an array: response() is a plain tableswitch
    // to a final field, no bounds check, no allocation.
    private final LongAdder responses1xx = new LongAdder();
    private final LongAdder responses2xx = new LongAdder();
    private final LongAdder responses3xx = new LongAdder();
    private final LongAdder responses4xx = new LongAdder();
    private final LongAdder responses5xx = new LongAdder();
    private final LongAdder responsesOther = new LongAdder();
    /** Made on first use: frontends have none, and a backend or server that saw no traffic needs none. */
    private volatile Latency latency;
    private volatile java.util.Set<io.netty.channel.Channel> sessions;

    /** A session starts (no limit). */
    public void open() {
        int now = current.incrementAndGet();
        total.increment();
        raiseMax(now);
    }

    /** Most calls do not raise the maximum: read before paying for a CAS. */
    private void raiseMax(int now) {
        if (now > max.get()) {
            max.accumulateAndGet(now, Math::max);
        }
    }

    /**
     * A session starts if fewer than {@code limit} are open ({@code limit <= 0}: no limit).
     * Atomic, so two event loops never both take the last slot.
     */
    public boolean tryOpen(int limit) {
        if (limit <= 0) {
            open();
            return true;
        }
        while (true) {
            int now = current.get();
            if (now >= limit) {
                return false;
            }
            if (current.compareAndSet(now, now + 1)) {
                total.increment();
                raiseMax(now + 1);
                return true;
            }
        }
    }

    /** A session ends. */
    public void close() {
        current.decrementAndGet();
    }

    public int current() {
        return current.get();
    }

    /** Bytes received from the client (frontend) or sent towards servers (backend, server). */
    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    /** Bytes sent to the client (frontend) or received from servers (backend, server). */
    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    public void connectError() {
        connectErrors.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void redispatch() {
        redispatches.increment();
    }

    /** A connection refused: no route, no usable server, queue timeout. */
    public void deny() {
        denied.increment();
    }

    /**
     * A request the client got an error for because of the request itself: malformed or
     * ambiguous (400), or not complete in time (408). HAProxy's {@code ereq}.
     */
    public void requestError() {
        requestErrors.increment();
    }

    /**
     * A server response that failed: invalid, the server closed or timed out before or
     * while answering (502/504, or a truncated response). HAProxy's {@code eresp}.
     */
    public void responseError() {
        responseErrors.increment();
    }

    /**
     * An HTTP response went to a client with this status: a server's answer or one of
     * Pointsman's own error pages (HAProxy's {@code hrsp_*} count both). Called once per
     * response on the event loop, so it costs one uncontended add, like the other counters.
     * The classes are {@link StatusClass#of}'s, spelled out here to skip the enum lookup.
     */
    public void response(int status) {
        switch (status / 100) {
            case 1 -> responses1xx.increment();
            case 2 -> responses2xx.increment();
            case 3 -> responses3xx.increment();
            case 4 -> responses4xx.increment();
            case 5 -> responses5xx.increment();
            default -> responsesOther.increment();
        }
    }

    public void enqueue() {
        int now = queueCurrent.incrementAndGet();
        queueMax.accumulateAndGet(now, Math::max);
        queued.increment();
    }

    public void dequeue() {
        queueCurrent.decrementAndGet();
    }

    /**
     * A server's open connections, tracked only where a DOWN server's sessions are closed
     * ({@code on_marked_down: shutdown_sessions}); shared across generations like the counters.
     */
    public java.util.Set<io.netty.channel.Channel> sessions() {
        java.util.Set<io.netty.channel.Channel> s = sessions;
        if (s == null) {
            synchronized (this) {
                s = sessions;
                if (s == null) {
                    s = java.util.concurrent.ConcurrentHashMap.newKeySet();
                    sessions = s;
                }
            }
        }
        return s;
    }

    /** The latency histograms of this backend or server. */
    public Latency latency() {
        Latency l = latency;
        if (l == null) {
            synchronized (this) {
                l = latency;
                if (l == null) {
                    l = new Latency();
                    latency = l;
                }
            }
        }
        return l;
    }

    /** The histograms' values, or null when nothing was observed yet. */
    public Latency.Snapshot latencySnapshot() {
        Latency l = latency;
        return l == null ? null : l.snapshot();
    }

    public CountersSnapshot snapshot() {
        return new CountersSnapshot(current.get(), max.get(), total.sum(), bytesIn.sum(), bytesOut.sum(),
                connectErrors.sum(), retries.sum(), redispatches.sum(), denied.sum(), queueCurrent.get(),
                queued.sum(), requestErrors.sum(), responseErrors.sum(), queueMax.get(),
                new HttpResponses(responses1xx.sum(), responses2xx.sum(), responses3xx.sum(), responses4xx.sum(),
                        responses5xx.sum(), responsesOther.sum()));
    }
}
