package io.pointsman.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * Values inherited by every frontend, backend and listen that does not set them.
 *
 * @param errorfiles inherited by frontends and listens, each status they set overriding it
 *                   (HAProxy's {@code errorfile} in defaults)
 */
public record Defaults(
        Mode mode,
        Timeouts timeout,
        Integer retries,
        Boolean redispatch,
        Balance balance,
        HttpReuse httpReuse,
        List<RetryOn> retryOn,
        Boolean abortonclose,
        Map<Integer, String> errorfiles) {

    public Defaults {
        retryOn = Lists.of(retryOn);
        errorfiles = Lists.of(errorfiles);
    }

    /** Without error files. */
    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance,
                    HttpReuse httpReuse, List<RetryOn> retryOn, Boolean abortonclose) {
        this(mode, timeout, retries, redispatch, balance, httpReuse, retryOn, abortonclose, null);
    }

    /** Without the backend HTTP options or error files. */
    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance) {
        this(mode, timeout, retries, redispatch, balance, null, List.of(), null, null);
    }
}
