package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A frontend and its backend in one (HAProxy {@code listen}): a port map. It is also
 * a backend of its own name, so a frontend's {@code use_backend} may send traffic to it.
 * Its acls, rules, limits, error files and logging options belong to its frontend half
 * (they run once per request, as in HAProxy); its server options ({@code slowstart},
 * {@code on_marked_down}, {@code log_health_checks}) to its backend half; {@code tcpka} to both.
 * {@code tls} is its frontend half's (termination); {@code server_tls} its backend half's (TLS to
 * its servers, a backend's {@code tls}).
 */
public record Listen(
        String name,
        Mode mode,
        List<Bind> bind,
        Tls tls,
        Integer maxconn,
        @YamlName("forwardfor") ForwardFor forwardedFor,
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
        List<Server> servers,
        List<Acl> acl,
        List<RequestRule> httpRequest,
        List<ResponseRule> httpResponse,
        List<TcpRule> tcpRequest,
        List<Limit> limits,
        Map<Integer, String> errorfiles,
        String logFormat,
        Boolean dontlognull,
        Boolean dontlogNormal,
        Boolean logSeparateErrors,
        Capture capture,
        Boolean logHealthChecks,
        Duration slowstart,
        OnMarkedDown onMarkedDown,
        Boolean tcpka,
        ServerTemplate serverTemplate,
        ServerTls serverTls) {

    public Listen {
        bind = Lists.of(bind);
        retryOn = Lists.of(retryOn);
        servers = Lists.of(servers);
        acl = Lists.of(acl);
        httpRequest = Lists.of(httpRequest);
        httpResponse = Lists.of(httpResponse);
        tcpRequest = Lists.of(tcpRequest);
        limits = Lists.of(limits);
        errorfiles = Lists.of(errorfiles);
    }

    /** Without a server template. */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, ForwardFor forwardedFor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                  Boolean abortonclose, List<Server> servers, List<Acl> acl, List<RequestRule> httpRequest,
                  List<ResponseRule> httpResponse, List<TcpRule> tcpRequest, List<Limit> limits,
                  Map<Integer, String> errorfiles, String logFormat, Boolean dontlognull, Boolean dontlogNormal,
                  Boolean logSeparateErrors, Capture capture, Boolean logHealthChecks, Duration slowstart,
                  OnMarkedDown onMarkedDown, Boolean tcpka, ServerTls serverTls) {
        this(name, mode, bind, tls, maxconn, forwardedFor, acceptProxy, timeout, balance, check, sendProxy, retries,
                redispatch, httpReuse, retryOn, abortonclose, servers, acl, httpRequest, httpResponse, tcpRequest,
                limits, errorfiles, logFormat, dontlognull, dontlogNormal, logSeparateErrors, capture, logHealthChecks,
                slowstart, onMarkedDown, tcpka, null, serverTls);
    }

    /** Without a server template or TLS to servers. */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, ForwardFor forwardedFor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                  Boolean abortonclose, List<Server> servers, List<Acl> acl, List<RequestRule> httpRequest,
                  List<ResponseRule> httpResponse, List<TcpRule> tcpRequest, List<Limit> limits,
                  Map<Integer, String> errorfiles, String logFormat, Boolean dontlognull, Boolean dontlogNormal,
                  Boolean logSeparateErrors, Capture capture, Boolean logHealthChecks, Duration slowstart,
                  OnMarkedDown onMarkedDown, Boolean tcpka) {
        this(name, mode, bind, tls, maxconn, forwardedFor, acceptProxy, timeout, balance, check, sendProxy, retries,
                redispatch, httpReuse, retryOn, abortonclose, servers, acl, httpRequest, httpResponse, tcpRequest,
                limits, errorfiles, logFormat, dontlognull, dontlogNormal, logSeparateErrors, capture, logHealthChecks,
                slowstart, onMarkedDown, tcpka, null, null);
    }

    /** Without the logging and server options. */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, ForwardFor forwardedFor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                  Boolean abortonclose, List<Server> servers, List<Acl> acl, List<RequestRule> httpRequest,
                  List<ResponseRule> httpResponse, List<TcpRule> tcpRequest, List<Limit> limits,
                  Map<Integer, String> errorfiles) {
        this(name, mode, bind, tls, maxconn, forwardedFor, acceptProxy, timeout, balance, check, sendProxy, retries,
                redispatch, httpReuse, retryOn, abortonclose, servers, acl, httpRequest, httpResponse, tcpRequest,
                limits, errorfiles, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Without acls, rules, limits, error files, or the logging and server options. */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, Boolean forwardfor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, HttpReuse httpReuse, List<RetryOn> retryOn,
                  Boolean abortonclose, List<Server> servers) {
        this(name, mode, bind, tls, maxconn, Boolean.TRUE.equals(forwardfor) ? new ForwardFor(null, null, null) : null,
                acceptProxy, timeout, balance, check, sendProxy, retries, redispatch, httpReuse, retryOn, abortonclose,
                servers, null, null, null, null, null, null);
    }

    /** Without the backend HTTP options (each left to {@code defaults}), acls, rules, limits, error files, or the logging and server options. */
    public Listen(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, Boolean forwardfor,
                  Boolean acceptProxy, Timeouts timeout, Balance balance, Check check, SendProxy sendProxy,
                  Integer retries, Boolean redispatch, List<Server> servers) {
        this(name, mode, bind, tls, maxconn, forwardfor, acceptProxy, timeout, balance, check, sendProxy, retries,
                redispatch, null, List.of(), null, servers);
    }

    /** Whether X-Forwarded-For / X-Forwarded-Proto are added ({@code forwardfor}). */
    public boolean forwardfor() {
        return forwardedFor != null;
    }

    /** The frontend half: binds here, always to the backend half; the rules and the logging options apply here. */
    public Frontend asFrontend() {
        return new Frontend(name, mode, bind, tls, maxconn, forwardedFor, acceptProxy, timeout,
                acl, List.of(), name, httpRequest, httpResponse, tcpRequest, limits, errorfiles, logFormat, dontlognull,
                dontlogNormal, logSeparateErrors, capture, tcpka);
    }

    /** The backend half. */
    public Backend asBackend() {
        return new Backend(name, mode, balance, check, sendProxy, timeout, retries, redispatch, httpReuse, retryOn,
                abortonclose, servers, null, null, null, null, logHealthChecks, slowstart, onMarkedDown, tcpka,
                serverTemplate, serverTls);
    }
}
