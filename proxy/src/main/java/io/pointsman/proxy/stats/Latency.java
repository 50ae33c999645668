package io.pointsman.proxy.stats;

/**
 * The latency histograms of one backend or server: time waiting in the queue, to connect,
 * until the response head, in all (HAProxy's Tw, Tc, Tr, Tt). Health checks' durations
 * are the health state's ({@code HealthState.checkLatency()}).
 */
public final class Latency {
    private final LatencyHistogram queue = new LatencyHistogram();
    private final LatencyHistogram connect = new LatencyHistogram();
    private final LatencyHistogram response = new LatencyHistogram();
    private final LatencyHistogram total = new LatencyHistogram();

    public LatencyHistogram queue() {
        return queue;
    }

    public LatencyHistogram connect() {
        return connect;
    }

    /** Connected to response head (http). */
    public LatencyHistogram response() {
        return response;
    }

    public LatencyHistogram total() {
        return total;
    }

    public Snapshot snapshot() {
        return new Snapshot(queue.snapshot(), connect.snapshot(), response.snapshot(), total.snapshot());
    }

    /** The four histograms at one moment. */
    public record Snapshot(LatencyHistogram.Snapshot queue, LatencyHistogram.Snapshot connect,
                           LatencyHistogram.Snapshot response, LatencyHistogram.Snapshot total) {
    }
}
