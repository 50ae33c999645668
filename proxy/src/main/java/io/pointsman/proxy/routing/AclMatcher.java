package io.pointsman.proxy.routing;

/**
 * One compiled ACL: a test on the facts of a connection or request. Implementations
 * are immutable and thread-safe; a missing fact (e.g. no SNI, tcp mode for a path
 * matcher) never matches, as in HAProxy.
 */
interface AclMatcher {
    boolean matches(RequestFacts facts);

    /** Reads the TLS SNI (a tcp frontend must peek at the ClientHello first). */
    default boolean readsSni() {
        return false;
    }

    /** Reads something only an HTTP request has (host, path, method, headers). */
    default boolean readsHttp() {
        return false;
    }
}
