package io.pointsman.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * Values inherited by every frontend, backend and listen that does not set them.
 *
 * @param errorfiles        inherited by frontends and listens, each status they set overriding it
 *                          (HAProxy's {@code errorfile} in defaults)
 * @param logFormat         {@code httplog}, {@code tcplog}, {@code json} or a string of HAProxy %-variables;
 *                          absent: httplog in http mode, tcplog in tcp mode
 * @param dontlognull       no log line for a connection that sent nothing (HAProxy {@code option dontlognull})
 * @param dontlogNormal     log only errors, timeouts, retries and 5xx ({@code option dontlog-normal})
 * @param logSeparateErrors such lines at level {@code err} instead of {@code info} ({@code option log-separate-errors})
 * @param logHealthChecks   a line per change of a server's check result ({@code option log-health-checks})
 * @param tcpka             TCP keep-alive probes (SO_KEEPALIVE) on client and server sockets ({@code option tcpka})
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
        Map<Integer, String> errorfiles,
        String logFormat,
        Boolean dontlognull,
        Boolean dontlogNormal,
        Boolean logSeparateErrors,
        Boolean logHealthChecks,
        Boolean tcpka) {

    public Defaults {
        retryOn = Lists.of(retryOn);
        errorfiles = Lists.of(errorfiles);
    }

    /** Without the logging options. */
    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance,
                    HttpReuse httpReuse, List<RetryOn> retryOn, Boolean abortonclose, Map<Integer, String> errorfiles) {
        this(mode, timeout, retries, redispatch, balance, httpReuse, retryOn, abortonclose, errorfiles, null, null,
                null, null, null, null);
    }

    /** Without error files and the logging options. */
    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance,
                    HttpReuse httpReuse, List<RetryOn> retryOn, Boolean abortonclose) {
        this(mode, timeout, retries, redispatch, balance, httpReuse, retryOn, abortonclose, null);
    }

    /** Without the backend HTTP options, error files or the logging options. */
    public Defaults(Mode mode, Timeouts timeout, Integer retries, Boolean redispatch, Balance balance) {
        this(mode, timeout, retries, redispatch, balance, null, List.of(), null, null);
    }
}
