package io.pointsman.proxy.http.wire;

/**
 * Walking a comma-separated header value (RFC 9110 §5.6.1) in place: Connection,
 * Transfer-Encoding. Use: {@code for (int i = from; i <= to; i = comma + 1)} with
 * {@code comma = commaOrEnd(b, i, to)} and the token {@code [skipOws(b, i, comma),
 * trimOws(b, s, comma))}.
 */
final class Tokens {
    private Tokens() {
    }

    /** Index of the next comma in {@code b[from, to)}, or {@code to}. */
    static int commaOrEnd(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] != ',') {
            i++;
        }
        return i;
    }

    /** {@code from} moved past spaces and tabs, up to {@code to}. */
    static int skipOws(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    /** {@code to} moved back over trailing spaces and tabs, down to {@code from}. */
    static int trimOws(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        return to;
    }
}
