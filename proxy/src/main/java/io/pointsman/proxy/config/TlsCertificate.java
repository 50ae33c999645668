package io.pointsman.proxy.config;

/**
 * One PEM certificate chain and its private key.
 *
 * @param key absent = the key is in the {@code cert} file
 */
public record TlsCertificate(String cert, String key) {
}
