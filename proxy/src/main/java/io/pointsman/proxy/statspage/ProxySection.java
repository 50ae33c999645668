package io.pointsman.proxy.statspage;

import java.util.List;
import java.util.Objects;

/**
 * One table of the stats page, as in HAProxy: a frontend has only its FRONTEND row, a
 * backend its server rows and a BACKEND row, a listen all three kinds.
 *
 * @param name     frontend, backend or listen name (HAProxy's pxname)
 * @param mode     {@code http} or {@code tcp}
 * @param frontend the FRONTEND row, or null for a plain backend
 * @param servers  server rows in config order
 * @param backend  the BACKEND row, or null for a plain frontend
 */
public record ProxySection(String name, String mode, StatsRow frontend, List<StatsRow> servers, StatsRow backend) {

    public ProxySection {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        servers = List.copyOf(servers);
        if (frontend == null && backend == null) {
            throw new IllegalArgumentException("proxy section '" + name + "' has neither frontend nor backend row");
        }
    }
}
