package io.pointsman.proxy.config;

/**
 * Whether a TLS bind asks for client certificates (HAProxy {@code verify}): {@code none}
 * does not ask; {@code optional} asks and lets a client without one in; {@code required}
 * refuses the handshake without one. A certificate that is sent is always verified
 * against {@code client_ca} (and {@code crl}): one that fails ends the handshake.
 */
public enum TlsVerify { NONE, OPTIONAL, REQUIRED }
