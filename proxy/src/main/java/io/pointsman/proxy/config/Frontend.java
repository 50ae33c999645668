package io.pointsman.proxy.config;

import java.util.List;
import java.util.Map;

/**
 * Where clients connect, and how their traffic picks a backend.
 *
 * @param bind           listening addresses, each optionally with its own {@code tls}
 * @param tls            terminate TLS on every bind (a bind's own {@code tls:} keys win); absent = plain
 * @param maxconn        client connections at once on this frontend; absent = only the global limit
 * @param forwardedFor   add X-Forwarded-For / X-Forwarded-Proto (http mode; YAML {@code forwardfor}); null = off
 * @param acceptProxy    expect a PROXY protocol v1/v2 header from an upstream balancer
 * @param acl            named matchers used by conditions
 * @param useBackend     rules in order; the first whose condition holds wins
 * @param defaultBackend used when no rule matches; absent = 503 (http) or close (tcp)
 * @param httpRequest    rules run on every request before {@code use_backend} (http mode)
 * @param httpResponse   rules run on every server response before it leaves (http mode)
 * @param tcpRequest     rules run on every connection before routing (tcp mode)
 * @param limits         per-client request rates and connection counts, for {@code over_limit} acls
 * @param errorfiles     status → a file holding a whole HTTP response, served instead of the proxy's own page
 * @param logFormat      as in {@link Defaults}, and so {@code dontlognull}, {@code dontlogNormal}, {@code logSeparateErrors}
 * @param capture        request and response headers written into the log line
 * @param tcpka          TCP keep-alive probes on client sockets (HAProxy {@code option clitcpka}/{@code tcpka})
 */
public record Frontend(
        String name,
        Mode mode,
        List<Bind> bind,
        Tls tls,
        Integer maxconn,
        @YamlName("forwardfor") ForwardFor forwardedFor,
        Boolean acceptProxy,
        Timeouts timeout,
        List<Acl> acl,
        List<UseBackend> useBackend,
        String defaultBackend,
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
        Boolean tcpka) {

    public Frontend {
        bind = Lists.of(bind);
        acl = Lists.of(acl);
        useBackend = Lists.of(useBackend);
        httpRequest = Lists.of(httpRequest);
        httpResponse = Lists.of(httpResponse);
        tcpRequest = Lists.of(tcpRequest);
        limits = Lists.of(limits);
        errorfiles = Lists.of(errorfiles);
    }

    /** Without the logging options. */
    public Frontend(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, ForwardFor forwardedFor,
                    Boolean acceptProxy, Timeouts timeout, List<Acl> acl, List<UseBackend> useBackend,
                    String defaultBackend, List<RequestRule> httpRequest, List<ResponseRule> httpResponse,
                    List<TcpRule> tcpRequest, List<Limit> limits, Map<Integer, String> errorfiles) {
        this(name, mode, bind, tls, maxconn, forwardedFor, acceptProxy, timeout, acl, useBackend, defaultBackend,
                httpRequest, httpResponse, tcpRequest, limits, errorfiles, null, null, null, null, null, null);
    }

    /** A frontend that only routes: no rules, limits, error files or logging options. */
    public Frontend(String name, Mode mode, List<Bind> bind, Tls tls, Integer maxconn, Boolean forwardfor,
                    Boolean acceptProxy, Timeouts timeout, List<Acl> acl, List<UseBackend> useBackend,
                    String defaultBackend) {
        this(name, mode, bind, tls, maxconn, Boolean.TRUE.equals(forwardfor) ? new ForwardFor(null, null, null) : null,
                acceptProxy, timeout, acl, useBackend, defaultBackend, null, null, null, null, null);
    }

    /** Whether X-Forwarded-For / X-Forwarded-Proto are added ({@code forwardfor}); {@link #forwardedFor()} has the options. */
    public boolean forwardfor() {
        return forwardedFor != null;
    }

    /** The listening addresses, in order. */
    public List<HostPort> addresses() {
        return Bind.addresses(bind);
    }
}
