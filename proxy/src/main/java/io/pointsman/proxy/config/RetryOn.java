package io.pointsman.proxy.config;

import java.util.List;
import java.util.Locale;

/**
 * One {@code retry_on} event (HAProxy {@code retry-on}, names in snake_case): when a
 * request is tried again on another attempt. {@code conn_failure} (the default) retries a
 * connect that failed, in both modes; the others are http mode's and retry a request
 * whose connection failed it after it was sent, only for idempotent methods (GET, HEAD,
 * OPTIONS, TRACE, PUT, DELETE) with no body, and only while nothing of the response went
 * to the client.
 *
 * @param name the keyword as written (a status code as its digits)
 */
public record RetryOn(String name) {
    /** A connect failed (refused, unreachable, timed out): nothing was sent. */
    public static final int CONN_FAILURE = 1;
    /** The server closed the connection after the request was sent, having answered nothing. */
    public static final int EMPTY_RESPONSE = 1 << 1;
    /** The server answered something that is not an HTTP response Pointsman can forward. */
    public static final int JUNK_RESPONSE = 1 << 2;
    /** {@code timeout.server} passed while waiting for the response head. */
    public static final int RESPONSE_TIMEOUT = 1 << 3;

    /** The status codes HAProxy retries on, in the order of their bits (after the events above). */
    private static final int[] STATUSES = {401, 403, 404, 408, 425, 500, 501, 502, 503, 504};
    private static final int FIRST_STATUS_BIT = 4;
    private static final List<String> EVENTS = List.of("conn_failure", "empty_response", "junk_response",
            "response_timeout");
    /** What HAProxy's {@code all-retryable-errors} stands for (0rtt-rejected aside, see {@link #parse}). */
    private static final int ALL_RETRYABLE_ERRORS = CONN_FAILURE | EMPTY_RESPONSE | JUNK_RESPONSE | RESPONSE_TIMEOUT
            | statusBit(500) | statusBit(502) | statusBit(503) | statusBit(504);

    /** Every status code's bit. */
    public static final int ANY_STATUS = ((1 << STATUSES.length) - 1) << FIRST_STATUS_BIT;

    /** The built-in {@code retry_on}: connect failures only. */
    public static final List<RetryOn> DEFAULT = List.of(new RetryOn("conn_failure"));

    public static RetryOn parse(String text) {
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (EVENTS.contains(lower) || lower.equals("none") || lower.equals("all_retryable_errors")) {
            return new RetryOn(lower);
        }
        if (lower.equals("0rtt_rejected")) {
            throw new IllegalArgumentException("retry_on '0rtt_rejected' does not apply: Pointsman sends no TLS early "
                    + "data to servers");
        }
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            if (t.length() == 3 && statusBit(Integer.parseInt(t)) != 0) {
                return new RetryOn(t);
            }
            throw new IllegalArgumentException("retry_on status " + t + " is not one of 401, 403, 404, 408, 425, "
                    + "500, 501, 502, 503, 504");
        }
        String dashed = lower.replace('-', '_');
        if (!dashed.equals(lower) && (EVENTS.contains(dashed) || dashed.equals("all_retryable_errors"))) {
            throw new IllegalArgumentException("unknown retry_on '" + t + "' (did you mean '" + dashed + "'?)");
        }
        throw new IllegalArgumentException("unknown retry_on '" + t + "' (expected conn_failure, empty_response, "
                + "junk_response, response_timeout, all_retryable_errors, none, or a status: 401, 403, 404, 408, "
                + "425, 500, 501, 502, 503, 504)");
    }

    /** The events of a {@code retry_on} list, as bits ({@link #CONN_FAILURE} …, {@link #statusBit}). */
    public static int mask(List<RetryOn> list) {
        int mask = 0;
        for (RetryOn r : list) {
            mask |= r.bits();
        }
        return mask;
    }

    /** The bit of a status code that can be retried on; 0 for any other code. */
    public static int statusBit(int status) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i] == status) {
                return 1 << (FIRST_STATUS_BIT + i);
            }
        }
        return 0;
    }

    /** Whether this keyword retries something other than a connect (http mode only). */
    public boolean httpOnly() {
        return (bits() & ~CONN_FAILURE) != 0;
    }

    private int bits() {
        return switch (name) {
            case "none" -> 0;
            case "all_retryable_errors" -> ALL_RETRYABLE_ERRORS;
            default -> {
                int event = EVENTS.indexOf(name);
                yield event >= 0 ? 1 << event : statusBit(Integer.parseInt(name));
            }
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
