package io.pointsman.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * A pool of servers and how traffic is spread over them.
 *
 * @param check        active health check settings for servers with {@code check: true}
 * @param sendProxy    PROXY protocol header sent to servers
 * @param retries      connect attempts per request/connection
 * @param redispatch   later connect attempts may go to another server
 * @param acl          named matchers used by this backend's rule conditions
 * @param httpRequest  rules run on a request once this backend is chosen (after the frontend's)
 * @param httpResponse rules run on its servers' responses (before the frontend's)
 * @param errorfiles   status → whole HTTP response file, for requests routed here (before the frontend's)
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
        List<Server> servers,
        List<Acl> acl,
        List<RequestRule> httpRequest,
        List<ResponseRule> httpResponse,
        Map<Integer, String> errorfiles) {

    public Backend {
        servers = Lists.of(servers);
        acl = Lists.of(acl);
        httpRequest = Lists.of(httpRequest);
        httpResponse = Lists.of(httpResponse);
        errorfiles = Lists.of(errorfiles);
    }

    /** A backend without rules or error files. */
    public Backend(String name, Mode mode, Balance balance, Check check, SendProxy sendProxy, Timeouts timeout,
                   Integer retries, Boolean redispatch, List<Server> servers) {
        this(name, mode, balance, check, sendProxy, timeout, retries, redispatch, servers, null, null, null, null);
    }
}
