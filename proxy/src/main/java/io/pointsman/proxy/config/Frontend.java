package io.pointsman.proxy.config;

import java.util.List;

/**
 * Where clients connect, and how their traffic picks a backend.
 *
 * @param bind           listening addresses
 * @param tls            terminate TLS here (http mode); absent = plain
 * @param maxconn        client connections at once on this frontend; absent = only the global limit
 * @param forwardfor     add X-Forwarded-For / X-Forwarded-Proto (http mode)
 * @param acceptProxy    expect a PROXY protocol v1/v2 header from an upstream balancer
 * @param acl            named matchers used by {@code use_backend} conditions
 * @param useBackend     rules in order; the first whose condition holds wins
 * @param defaultBackend used when no rule matches; absent = 503 (http) or close (tcp)
 * @param logFormat, dontlognull, dontlogNormal, logSeparateErrors as in {@link Defaults}
 * @param capture        request and response headers written into the log line
 * @param tcpka          TCP keep-alive probes on client sockets (HAProxy {@code option clitcpka}/{@code tcpka})
 */
public record Frontend(
        String name,
        Mode mode,
        List<HostPort> bind,
        Tls tls,
        Integer maxconn,
        Boolean forwardfor,
        Boolean acceptProxy,
        Timeouts timeout,
        List<Acl> acl,
        List<UseBackend> useBackend,
        String defaultBackend,
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
    }

    public Frontend(String name, Mode mode, List<HostPort> bind, Tls tls, Integer maxconn, Boolean forwardfor,
                    Boolean acceptProxy, Timeouts timeout, List<Acl> acl, List<UseBackend> useBackend,
                    String defaultBackend) {
        this(name, mode, bind, tls, maxconn, forwardfor, acceptProxy, timeout, acl, useBackend, defaultBackend,
                null, null, null, null, null, null);
    }
}
