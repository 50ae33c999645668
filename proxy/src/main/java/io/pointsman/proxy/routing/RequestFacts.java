package io.pointsman.proxy.routing;

import io.pointsman.proxy.tls.TlsFacts;

import java.net.InetAddress;
import java.util.List;

/**
 * What a routing decision may look at. TCP connections know the source, the
 * destination port and (when the frontend routes on it) the SNI; HTTP requests also
 * know host, path, method and headers. Unknown facts are {@code null} / empty.
 */
public interface RequestFacts {
    /** The client's address (after a PROXY protocol header, the original client's). */
    InetAddress source();

    /** The local port the client connected to. */
    int destinationPort();

    /** The client connection's TLS handshake ({@code ssl_fc}); null when it is plaintext. */
    default TlsFacts tls() {
        return null;
    }

    /** TLS ClientHello server name, lower case; null when none or not read. */
    default String sni() {
        return null;
    }

    /** Host header without port, lower case; null in tcp mode. */
    default String host() {
        return null;
    }

    /** Request path without query; null in tcp mode. */
    default String path() {
        return null;
    }

    /** Request method; null in tcp mode. */
    default String method() {
        return null;
    }

    /** Values of a request header (name case-insensitive); empty when absent or tcp mode. */
    default List<String> header(String name) {
        return List.of();
    }
}
