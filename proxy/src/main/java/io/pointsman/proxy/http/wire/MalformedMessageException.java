package io.pointsman.proxy.http.wire;

/**
 * A message whose bytes cannot be forwarded safely: its head or framing breaks the
 * grammar, or a limit. The message says what, for the log; no stack trace is filled in,
 * since it is an answer to input and not a bug.
 */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }
}
