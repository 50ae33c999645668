package io.pointsman.proxy.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one generation changes in the stats when it is published: the counters of the
 * entities it adds (made for it, not yet seen by anyone) and the names of the ones it
 * drops. Built while the generation is compiled, applied by {@link ProxyStats#publish}
 * at its swap; a generation that is never published changes nothing. An entity the
 * generation keeps (same frontend or backend name, same server key) keeps the counters
 * it had, so they are in neither list.
 */
public final class StatsChange {
    final Map<String, Counters> addedFrontends = new HashMap<>();
    final Map<String, Counters> addedBackends = new HashMap<>();
    final Map<String, Counters> addedServers = new HashMap<>();
    final List<String> droppedFrontends = new ArrayList<>();
    final List<String> droppedBackends = new ArrayList<>();
    final List<String> droppedServers = new ArrayList<>();

    /** Counters for a frontend (or listen) the generation adds. */
    public Counters newFrontend(String name) {
        return put(addedFrontends, name);
    }

    /** Counters for a backend (or listen) the generation adds. */
    public Counters newBackend(String name) {
        return put(addedBackends, name);
    }

    /** @param key {@code backend/address} */
    public Counters newServer(String key) {
        return put(addedServers, key);
    }

    public void frontendDropped(String name) {
        droppedFrontends.add(name);
    }

    public void backendDropped(String name) {
        droppedBackends.add(name);
    }

    public void serverDropped(String key) {
        droppedServers.add(key);
    }

    public List<String> droppedServers() {
        return List.copyOf(droppedServers);
    }

    public List<String> droppedBackends() {
        return List.copyOf(droppedBackends);
    }

    public List<String> droppedFrontends() {
        return List.copyOf(droppedFrontends);
    }

    private static Counters put(Map<String, Counters> into, String name) {
        Counters c = new Counters();
        into.put(name, c);
        return c;
    }
}
