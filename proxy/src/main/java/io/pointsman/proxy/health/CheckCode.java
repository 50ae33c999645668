package io.pointsman.proxy.health;

/**
 * Outcome of one check, with HAProxy's codes and reasons (its stats page and logs show
 * the same words, so people find what they already know).
 */
public enum CheckCode {
    L4OK(true, "Layer4 check passed"),
    L4CON(false, "Layer4 connection problem"),
    L4TOUT(false, "Layer4 timeout"),
    L6OK(true, "Layer6 check passed"),
    L6TOUT(false, "Layer6 timeout"),
    L6RSP(false, "Layer6 invalid response"),
    L7OK(true, "Layer7 check passed"),
    /** A 404 with {@code disable_on_404}: up, but no new requests (NOLB). */
    L7OKC(true, "Layer7 check conditionally passed"),
    L7STS(false, "Layer7 wrong status"),
    L7TOUT(false, "Layer7 timeout"),
    L7RSP(false, "Layer7 invalid response"),
    SOCKERR(false, "Socket error");

    private final boolean success;
    private final String reason;

    CheckCode(boolean success, String reason) {
        this.success = success;
        this.reason = reason;
    }

    public boolean success() {
        return success;
    }

    /** HAProxy's wording, used in transition logs: {@code Layer4 connection problem}. */
    public String reason() {
        return reason;
    }
}
