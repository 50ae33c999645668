package io.pointsman.proxy.config;

import java.util.List;

/**
 * TLS termination on a frontend: PEM files. {@code cert}/{@code key} is the default
 * certificate; {@code certificates} adds more, picked by SNI from their names.
 */
public record Tls(String cert, String key, List<TlsCertificate> certificates) {
    public Tls {
        certificates = Lists.of(certificates);
    }
}
