package io.pointsman.proxy.http;

/**
 * Fired downstream by {@link ClientRequestDecoder} when a request whose head was already passed
 * on turns out malformed in its body (e.g. a bad chunk size after good chunks). The
 * handler that forwards the request must drop its server connection rather than reuse
 * it: the server has seen a truncated request, never the bytes after the error.
 */
public record RequestAbortedEvent(String reason) {
}
