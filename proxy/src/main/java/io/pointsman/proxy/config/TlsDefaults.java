package io.pointsman.proxy.config;

import java.util.List;

/**
 * {@code global.tls_defaults}: TLS policy for every bind that terminates TLS and does not
 * set it (HAProxy {@code ssl-default-bind-ciphers}, {@code -ciphersuites}, {@code -options}).
 * It supplies values only: a bind terminates TLS where it (or its frontend) has {@code tls:}.
 */
public record TlsDefaults(
        TlsVersion minVersion,
        String ciphers,
        String ciphersuites,
        List<String> alpn,
        Boolean tickets) {
}
