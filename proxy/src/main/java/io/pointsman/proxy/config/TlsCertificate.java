package io.pointsman.proxy.config;

/** One PEM certificate chain and its private key. */
public record TlsCertificate(String cert, String key) {
}
