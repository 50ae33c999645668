package io.pointsman.agent.sync;

/**
 * Where a node's {@link SyncEvent}s go (the notifier). {@link #publish} is called from the
 * sync thread and must return at once: delivery happens elsewhere, so a slow receiver can
 * never hold up an apply.
 */
public interface SyncEvents {
    SyncEvents NONE = event -> { };

    void publish(SyncEvent event);

    /** Prometheus text of its own counters, appended to {@code /metrics}; may be empty. */
    default String metricsText() {
        return "";
    }
}
