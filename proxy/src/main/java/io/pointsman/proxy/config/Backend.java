package io.pointsman.proxy.config;

import java.time.Duration;
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
 * @param logHealthChecks a log line per change of a server's check result (HAProxy {@code option log-health-checks})
 * @param slowstart    after a server comes UP its weight ramps from little to full over this time (HAProxy {@code slowstart})
 * @param onMarkedDown what happens to a server's sessions when checks mark it DOWN
 * @param tcpka        TCP keep-alive probes on server sockets (HAProxy {@code option srvtcpka}/{@code tcpka})
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
        List<Server> servers,
        Boolean logHealthChecks,
        Duration slowstart,
        OnMarkedDown onMarkedDown,
        Boolean tcpka) {

    public Backend {
        retryOn = Lists.of(retryOn);
        servers = Lists.of(servers);
    }

    /** Without the server and logging options (each left to {@code defaults}). */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                   Boolean abortonclose, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn, abortonclose,
                servers, null, null, null, null);
    }

    /** Without the backend HTTP, server and logging options (each left to {@code defaults}). */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, null, List.of(), null, servers);
    }
}
