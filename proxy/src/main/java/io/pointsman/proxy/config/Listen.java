package io.pointsman.proxy.config;

import java.util.List;

/**
 * A frontend and its backend in one (HAProxy {@code listen}): a port map. It is also
 * a backend of its own name, so a frontend's {@code use_backend} may send traffic to it.
 * {@code tls} is its frontend half's (termination); {@code server_tls} its backend half's
 * (TLS to its servers, a backend's {@code tls}).
 */
public record Listen(
        String name,
        Mode mode,
        List<Bind> bind,
        Tls tls,
        Integer maxconn,
        Boolean forwardfor,
        Boolean acceptProxy,
        Timeouts timeout,
        Balance balance,
        Check check,
        SendProxy sendProxy,
        Integer retries,
        Boolean redispatch,
        HttpReuse httpReuse,
        List<RetryOn> retryOn,
        Boolean abortonclose,
        ServerTls serverTls,
        List<Server> servers) {

    public Listen {
        bind = Lists.of(bind);
        retryOn = Lists.of(retryOn);
        servers = Lists.of(servers);
    }

    /** Without the backend HTTP options (each left to {@code defaults}). */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, Boolean forwardfor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, List<Server> servers) {
        this(name, mode, bind, tls, maxconn, forwardfor, acceptProxy, timeout, balance, check, sendProxy, retries,
                redispatch, null, List.of(), null, null, servers);
    }

    /** Without TLS to servers. */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, Boolean forwardfor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn, Boolean abortonclose,
                  List<Server> servers) {
        this(name, mode, bind, tls, maxconn, forwardfor, acceptProxy, timeout, balance, check, sendProxy, retries,
                redispatch, httpReuse, retryOn, abortonclose, null, servers);
    }

    /** The frontend half: binds here, always to the backend half. */
    public Frontend asFrontend() {
        return new Frontend(name, mode, bind, tls, maxconn, forwardfor, acceptProxy, timeout,
                List.of(), List.of(), name);
    }

    /** The backend half. */
    public Backend asBackend() {
        return new Backend(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn,
                abortonclose, serverTls, servers);
    }
}
