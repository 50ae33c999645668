package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * @param acl          named matchers used by this backend's rule conditions
 * @param httpRequest  rules run on a request once this backend is chosen (after the frontend's)
 * @param httpResponse rules run on its servers' responses (before the frontend's)
 * @param errorfiles   status → whole HTTP response file, for requests routed here (before the frontend's)
 * @param logHealthChecks a log line per change of a server's check result (HAProxy {@code option log-health-checks})
 * @param slowstart    after a server comes UP its weight ramps from little to full over this time (HAProxy {@code slowstart})
 * @param onMarkedDown what happens to a server's sessions when checks mark it DOWN
 * @param tcpka        TCP keep-alive probes on server sockets (HAProxy {@code option srvtcpka}/{@code tcpka})
 * @param serverTemplate servers filled from DNS (HAProxy {@code server-template}), after {@code servers}; null = none
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
        List<Server> servers,
        List<Acl> acl,
        List<RequestRule> httpRequest,
        List<ResponseRule> httpResponse,
        Map<Integer, String> errorfiles,
        Boolean logHealthChecks,
        Duration slowstart,
        OnMarkedDown onMarkedDown,
        Boolean tcpka,
        ServerTemplate serverTemplate,
        ServerTls tls) {

    public Backend {
        retryOn = Lists.of(retryOn);
        servers = Lists.of(servers);
        acl = Lists.of(acl);
        httpRequest = Lists.of(httpRequest);
        httpResponse = Lists.of(httpResponse);
        errorfiles = Lists.of(errorfiles);
    }

    /** Without a server template. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                   Boolean abortonclose, List<Server> servers, List<Acl> acl, List<RequestRule> httpRequest,
                   List<ResponseRule> httpResponse, Map<Integer, String> errorfiles, Boolean logHealthChecks,
                   Duration slowstart, OnMarkedDown onMarkedDown, Boolean tcpka, ServerTls tls) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn, abortonclose,
                servers, acl, httpRequest, httpResponse, errorfiles, logHealthChecks, slowstart, onMarkedDown, tcpka,
                null, tls);
    }

    /** Without a server template or TLS to servers. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                   Boolean abortonclose, List<Server> servers, List<Acl> acl, List<RequestRule> httpRequest,
                   List<ResponseRule> httpResponse, Map<Integer, String> errorfiles, Boolean logHealthChecks,
                   Duration slowstart, OnMarkedDown onMarkedDown, Boolean tcpka) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn, abortonclose,
                servers, acl, httpRequest, httpResponse, errorfiles, logHealthChecks, slowstart, onMarkedDown, tcpka,
                null, null);
    }

    /**
     * Every server the backend runs: {@code servers}, then the template's slots
     * ({@link ServerTemplate#slots()}). Made anew on each call: for compiling, not per request.
     */
    public List<Server> allServers() {
        if (serverTemplate == null) {
            return servers;
        }
        List<Server> all = new java.util.ArrayList<>(servers);
        all.addAll(serverTemplate.slots());
        return all;
    }

    /** Without the server and logging options. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                   Boolean abortonclose, List<Server> servers, List<Acl> acl, List<RequestRule> httpRequest,
                   List<ResponseRule> httpResponse, Map<Integer, String> errorfiles) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn, abortonclose,
                servers, acl, httpRequest, httpResponse, errorfiles, null, null, null, null, null);
    }

    /** Without acls, rules, error files, or the server and logging options. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                   Boolean abortonclose, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn, abortonclose,
                servers, null, null, null, null);
    }

    /** Without the backend HTTP options (each left to {@code defaults}), acls, rules, error files, or the server and logging options. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, null, List.of(), null, servers);
    }

    /** Whether connections to {@code server} use {@link #tls} (a server may turn it off with {@code tls: false}). */
    public boolean tlsTo(Server server) {
        return tls != null && !Boolean.FALSE.equals(server.tls());
    }
}
