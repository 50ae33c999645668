package io.pointsman.proxy.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of every frontend, backend and server of the generation serving new
 * connections, by name. They change only when a generation is published
 * ({@link #publish}): a generation's compile makes counters for what it adds and takes
 * over those of what it keeps, so an entity the new generation keeps (same name; for
 * servers the same backend and address) keeps its numbers, and a config that is refused
 * never shows here.
 */
public final class ProxyStats {
    private final Map<String, Counters> frontends = new ConcurrentHashMap<>();
    private final Map<String, Counters> backends = new ConcurrentHashMap<>();
    private final Map<String, Counters> servers = new ConcurrentHashMap<>();

    /**
     * A generation was published: what it dropped leaves the stats, what it added comes
     * in. Connections of older generations keep their own references, so they still count
     * into dropped counters; those numbers simply leave the snapshot. In proportion to what
     * changed.
     */
    public void publish(StatsChange change) {
        change.droppedFrontends.forEach(frontends::remove);
        change.droppedBackends.forEach(backends::remove);
        change.droppedServers.forEach(servers::remove);
        frontends.putAll(change.addedFrontends);
        backends.putAll(change.addedBackends);
        servers.putAll(change.addedServers);
    }

    public StatsSnapshot snapshot() {
        return new StatsSnapshot(copy(frontends), copy(backends), copy(servers));
    }

    /** Only the backends' counters: what the agent's health gate samples every second. */
    public Map<String, CountersSnapshot> backendSnapshots() {
        return copy(backends);
    }

    private static Map<String, CountersSnapshot> copy(Map<String, Counters> from) {
        Map<String, CountersSnapshot> out = new TreeMap<>();
        from.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }
}
