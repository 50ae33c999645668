package io.pointsman.proxy.config;

/**
 * Whether idle keep-alive server connections serve other requests (HAProxy
 * {@code http-reuse}, as it applies to HTTP/1.1). Idle connections are pooled per event
 * loop and per server.
 */
public enum HttpReuse {
    /**
     * The default: a client connection's first request goes on a new server connection,
     * its later requests may take idle ones. A server that closes an idle connection just
     * as it is reused then never meets a client's first request, which the client could
     * not silently retry.
     */
    SAFE,
    /**
     * Every request on a server connection of its own, closed after the response; the
     * request carries {@code Connection: close} (HAProxy's {@code option
     * http-server-close}). The client side keeps its keep-alive.
     */
    NEVER,
    /** Any request, a first one too, may take an idle server connection. */
    ALWAYS
}
