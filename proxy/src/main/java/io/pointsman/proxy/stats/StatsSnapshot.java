package io.pointsman.proxy.stats;

import java.util.Map;

/**
 * Every counter at one moment.
 *
 * @param frontends by frontend (or listen) name
 * @param backends  by backend (or listen) name
 * @param servers   by {@code backend/address}, the server key that survives swaps
 */
public record StatsSnapshot(
        Map<String, CountersSnapshot> frontends,
        Map<String, CountersSnapshot> backends,
        Map<String, CountersSnapshot> servers) {

    public StatsSnapshot {
        frontends = Map.copyOf(frontends);
        backends = Map.copyOf(backends);
        servers = Map.copyOf(servers);
    }
}
