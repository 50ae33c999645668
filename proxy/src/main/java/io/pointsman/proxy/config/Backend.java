package io.pointsman.proxy.config;

import java.util.List;

/**
 * A pool of servers and how traffic is spread over them.
 *
 * @param check        active health check settings for servers with {@code check: true}
 * @param sendProxy    PROXY protocol header sent to servers
 * @param retries      connect attempts per request/connection
 * @param redispatch   later connect attempts may go to another server
 * @param httpReuse    whether idle server connections serve other requests (http mode)
 * @param retryOn      what a request is tried again on ({@link RetryOn})
 * @param abortonclose a client's FIN while its request waits for a server (queued,
 *                     connecting, or waiting for the response head in http) aborts it
 * @param tls          TLS to the servers (as written; normalized: with
 *                     {@code global.server_tls_defaults} and the built-in defaults); absent = plain
 */
public record Backend(
        String name,
        Mode mode,
        Balance balance,
        Check check,
        SendProxy sendProxy,
        Timeouts timeout,
        Integer retries,
        Boolean redispatch,
        HttpReuse httpReuse,
        List<RetryOn> retryOn,
        Boolean abortonclose,
        ServerTls tls,
        List<Server> servers) {

    public Backend {
        retryOn = Lists.of(retryOn);
        servers = Lists.of(servers);
    }

    /** Without the backend HTTP options (each left to {@code defaults}). */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, null, List.of(), null, servers);
    }

    /** Without TLS to servers. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                   Boolean abortonclose, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn, abortonclose,
                null, servers);
    }

    /** Whether connections to {@code server} use {@link #tls} (a server may turn it off with {@code tls: false}). */
    public boolean tlsTo(Server server) {
        return tls != null && !Boolean.FALSE.equals(server.tls());
    }
}
