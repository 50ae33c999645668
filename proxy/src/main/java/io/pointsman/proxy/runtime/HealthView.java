package io.pointsman.proxy.runtime;

import io.pointsman.proxy.config.HostPort;

/** Whether active health checks currently consider a server up. */
@FunctionalInterface
public interface HealthView {
    /** Every server up: the view when no checks run. */
    HealthView ALWAYS_UP = (backend, address) -> true;

    boolean isUp(String backend, HostPort address);
}
