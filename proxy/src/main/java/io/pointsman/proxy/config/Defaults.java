package io.pointsman.proxy.config;

/**
 * Values inherited by every frontend, backend and listen that does not set them.
 */
public record Defaults(
        Mode mode,
        Timeouts timeout,
        Integer retries,
        Boolean redispatch,
        Balance balance) {
}
