package io.pointsman.proxy.config;

import java.util.Map;

/**
 * Values inherited by every frontend, backend and listen that does not set them.
 *
 * @param errorfiles inherited by frontends and listens that set none (HAProxy's {@code errorfile} in defaults)
 */
public record Defaults(
        Mode mode,
        Timeouts timeout,
        Integer retries,
        Boolean redispatch,
        Balance balance,
        Map<Integer, String> errorfiles) {

    public Defaults {
        errorfiles = Lists.of(errorfiles);
    }

    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance) {
        this(mode, timeout, retries, redispatch, balance, null);
    }
}
