package io.pointsman.proxy.tls;

/**
 * A TLS file or setting that cannot be used: a missing or unreadable file, a key that
 * does not match its certificate, a CA file without a certificate. The message names the
 * file and never holds key material. An {@link IllegalArgumentException}, so an apply
 * that meets one is refused like any invalid config.
 */
public final class TlsSetupException extends IllegalArgumentException {
    public TlsSetupException(String message) {
        super(message);
    }

    public TlsSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
