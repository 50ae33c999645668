package io.pointsman.proxy.stats;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The counters of every frontend, backend and server, by name. A generation asks for
 * its entities' counters when it is compiled; an entity that the new generation keeps
 * gets the same {@link Counters} object, so its numbers survive the swap.
 */
public final class ProxyStats {
    private final Map<String, Counters> frontends = new ConcurrentHashMap<>();
    private final Map<String, Counters> backends = new ConcurrentHashMap<>();
    private final Map<String, Counters> servers = new ConcurrentHashMap<>();

    public Counters frontend(String name) {
        return frontends.computeIfAbsent(name, n -> new Counters());
    }

    public Counters backend(String name) {
        return backends.computeIfAbsent(name, n -> new Counters());
    }

    /** @param key {@code backend/address} */
    public Counters server(String key) {
        return servers.computeIfAbsent(key, n -> new Counters());
    }

    /**
     * Forgets entities the current generation no longer has. Connections of old
     * generations keep their own references, so they still count into the forgotten
     * objects; those numbers simply leave the snapshot.
     */
    public void retainOnly(Collection<String> frontendNames, Collection<String> backendNames,
                           Collection<String> serverKeys) {
        frontends.keySet().retainAll(frontendNames);
        backends.keySet().retainAll(backendNames);
        servers.keySet().retainAll(serverKeys);
    }

    /**
     * Forgets these entities (what a swap dropped): in proportion to what changed, where
     * {@link #retainOnly} walks every counter.
     */
    public void forget(Collection<String> frontendNames, Collection<String> backendNames,
                       Collection<String> serverKeys) {
        frontendNames.forEach(frontends::remove);
        backendNames.forEach(backends::remove);
        serverKeys.forEach(servers::remove);
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
