package io.pointsman.proxy.http.wire;

/**
 * A request head that must not be forwarded: the client gets 400 and the connection
 * closes (SPEC §4). The message says what was wrong, for the log; the client only ever
 * sees the generic 400 page. No stack trace: refusals are expected traffic, not bugs.
 */
public final class RequestRefusedException extends Exception {
    public RequestRefusedException(String reason) {
        super(reason, null, false, false);
    }

    /** Why the head was refused (same wording as {@code RequestHygiene} where the rule is the same). */
    public String reason() {
        return getMessage();
    }
}
