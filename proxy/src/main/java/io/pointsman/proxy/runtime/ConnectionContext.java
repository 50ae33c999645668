package io.pointsman.proxy.runtime;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.tls.TlsTermination;

/**
 * What a client connection was given at accept: the generation current then (kept for
 * its whole life), the frontend that owned the listening address in that generation,
 * and the transport to open backend connections with.
 */
public record ConnectionContext(Generation generation, LiveFrontend frontend, HostPort bind, Transport transport) {
    public static final AttributeKey<ConnectionContext> KEY = AttributeKey.valueOf("pointsman.connection");

    public static ConnectionContext of(Channel client) {
        return client.attr(KEY).get();
    }

    /** The TLS this connection's bind terminates (its handshake's facts: {@code TlsFacts.of}); null = plaintext. */
    public TlsTermination tls() {
        return frontend.tls(bind);
    }

    /** For log lines: {@code frontend 'x' generation 3 (rev)}. */
    public String describe() {
        return "frontend '" + frontend.name() + "' " + generation;
    }
}
