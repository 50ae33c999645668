package io.pointsman.proxy.routing;

import io.pointsman.proxy.tls.TlsFacts;

import java.net.InetAddress;

/**
 * The connection-level {@link RequestFacts} given up front: what a
 * {@code rules.RuleContext} takes from the connection handler. For route assertions,
 * tools and tests; a handler may use it too (one per connection).
 *
 * @param tls      the handshake's facts; null for plaintext
 * @param sni      the ClientHello server name, lower case; null when none or not read
 * @param uniqueId the request's unique id; null when none
 */
public record ConnectionFacts(InetAddress source, int sourcePort, int destinationPort, TlsFacts tls, String sni,
                              String uniqueId) implements RequestFacts {

    /** A plaintext connection from {@code source} (an IP literal) to local port {@code destinationPort}. */
    public static ConnectionFacts of(String source, int sourcePort, int destinationPort) {
        byte[] b = io.pointsman.proxy.config.Cidr.literal(source);
        if (b == null) {
            throw new IllegalArgumentException("source '" + source + "' is not an IP address");
        }
        try {
            return new ConnectionFacts(InetAddress.getByAddress(b), sourcePort, destinationPort, null, null, null);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(source, e);
        }
    }

    /** The same connection over TLS with these facts. */
    public ConnectionFacts withTls(TlsFacts tls) {
        return new ConnectionFacts(source, sourcePort, destinationPort, tls, tls == null ? sni : tls.sni(), uniqueId);
    }
}
