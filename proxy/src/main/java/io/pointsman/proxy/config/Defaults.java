package io.pointsman.proxy.config;

import java.util.List;

/**
 * Values inherited by every frontend, backend and listen that does not set them.
 */
public record Defaults(
        Mode mode,
        Timeouts timeout,
        Integer retries,
        Boolean redispatch,
        Balance balance,
        HttpReuse httpReuse,
        List<RetryOn> retryOn,
        Boolean abortonclose) {

    public Defaults {
        retryOn = Lists.of(retryOn);
    }

    /** Without the backend HTTP options. */
    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance) {
        this(mode, timeout, retries, redispatch, balance, null, List.of(), null);
    }
}
