package io.pointsman.proxy.config;

import java.util.List;

/**
 * Where clients connect, and how their traffic picks a backend.
 *
 * @param bind           listening addresses, each optionally with its own {@code tls}
 * @param tls            terminate TLS on every bind (a bind's own {@code tls:} keys win); absent = plain
 * @param maxconn        client connections at once on this frontend; absent = only the global limit
 * @param forwardfor     add X-Forwarded-For / X-Forwarded-Proto (http mode)
 * @param acceptProxy    expect a PROXY protocol v1/v2 header from an upstream balancer
 * @param acl            named matchers used by {@code use_backend} conditions
 * @param useBackend     rules in order; the first whose condition holds wins
 * @param defaultBackend used when no rule matches; absent = 503 (http) or close (tcp)
 */
public record Frontend(
        String name,
        Mode mode,
        List<Bind> bind,
        Tls tls,
        Integer maxconn,
        Boolean forwardfor,
        Boolean acceptProxy,
        Timeouts timeout,
        List<Acl> acl,
        List<UseBackend> useBackend,
        String defaultBackend) {

    public Frontend {
        bind = Lists.of(bind);
        acl = Lists.of(acl);
        useBackend = Lists.of(useBackend);
    }

    /** The listening addresses, in order. */
    public List<HostPort> addresses() {
        return Bind.addresses(bind);
    }
}
