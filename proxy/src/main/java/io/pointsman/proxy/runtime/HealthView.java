package io.pointsman.proxy.runtime;

import io.pointsman.proxy.config.HostPort;

/** Whether active health checks currently consider a server up. */
@FunctionalInterface
public interface HealthView {
    /** Every server up: the view when no checks run. */
    HealthView ALWAYS_UP = (backend, address) -> true;

    boolean isUp(String backend, HostPort address);

    /**
     * How far a server's slow start has come, 0 to 1: the time since it last came UP (from
     * DOWN) over {@code slowstart}; 1 for a server that never went down (a new config
     * serves at once, as HAProxy's does at start).
     */
    default double rampUp(String backend, HostPort address, long slowstartNanos) {
        return 1;
    }
}
