package io.pointsman.proxy.http.wire;

/**
 * Character classes of a request head (RFC 9110 §5.1, §5.5; RFC 3986 §3.2.2) as lookup
 * tables over unsigned bytes, and the Host / Content-Length grammars the proxy accepts.
 * They repeat {@code HeadScanner}'s and {@code RequestHygiene}'s rules byte for byte
 * (tests check both against the same regexes), working on byte ranges instead of Strings.
 */
final class RequestSyntax {
    static final byte CR = '\r';
    static final byte LF = '\n';

    /** tchar: header names and the method. */
    static final boolean[] TCHAR = new boolean[256];
    /**
     * Bytes a header value may hold: VCHAR, SP, HTAB and obs-text (0x80-0xFF). Every other
     * control byte (NUL, a CR not ending the line, DEL, ...) is refused, as Netty's validating
     * headers do.
     */
    static final boolean[] VALUE = new boolean[256];
    /** reg-name characters of a Host (RFC 3986 unreserved + sub-delims + pct-encoded's %). */
    static final boolean[] REG_NAME = new boolean[256];

    static {
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (char c : "._~!$&'()*+,;=%-".toCharArray()) {
            REG_NAME[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
            REG_NAME[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            TCHAR[c] = true;
            TCHAR[c + ('a' - 'A')] = true;
            REG_NAME[c] = true;
            REG_NAME[c + ('a' - 'A')] = true;
        }
        VALUE['\t'] = true;
        for (int c = 0x20; c < 0x7f; c++) {
            VALUE[c] = true;
        }
        for (int c = 0x80; c < 0x100; c++) {
            VALUE[c] = true;
        }
    }

    private RequestSyntax() {
    }

    static boolean isOws(int b) {
        return b == ' ' || b == '\t';
    }

    static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /** True when {@code b[start, end)} equals the lower-case ASCII {@code lower}, ignoring case. */
    static boolean equalsLower(byte[] b, int start, int end, String lower) {
        int n = lower.length();
        if (end - start != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (lower(b[start + i] & 0xff) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Same as {@link #equalsLower} against any String, both sides folded (ASCII only). */
    static boolean equalsIgnoreCase(byte[] b, int start, int end, String s) {
        int n = s.length();
        if (end - start != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff || lower(b[start + i] & 0xff) != lower(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code host[:port]}: an IP-literal in brackets ({@code [0-9A-Fa-f:.]+}) or a reg-name,
     * then optionally a colon and at most five digits ({@code RequestHygiene.isHost}).
     */
    static boolean isHost(byte[] b, int start, int end) {
        int i = start;
        if (i < end && b[i] == '[') {
            i++;
            while (i < end && isHexColonDot(b[i])) {
                i++;
            }
            if (i == start + 1 || i >= end || b[i] != ']') {
                return false;
            }
            i++;
        } else {
            while (i < end && REG_NAME[b[i] & 0xff]) {
                i++;
            }
            if (i == start) {
                return false;
            }
        }
        if (i == end) {
            return true;
        }
        if (b[i] != ':' || end - i - 1 > 5) {
            return false;
        }
        for (int j = i + 1; j < end; j++) {
            if (b[j] < '0' || b[j] > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isHexColonDot(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
    }

    /** 1 to 18 ASCII digits (fits a long), or -1 when {@code b[start, end)} is anything else. */
    static long digits(byte[] b, int start, int end) {
        int n = end - start;
        if (n < 1 || n > 18) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** Up to 80 bytes, non-printable ones as {@code \xNN}: for refusal reasons in logs. */
    static String printable(byte[] b, int start, int end) {
        StringBuilder out = new StringBuilder();
        int stop = Math.min(end, start + 80);
        for (int i = start; i < stop; i++) {
            int c = b[i] & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\x%02x", c));
        }
        if (end > stop) {
            out.append("...");
        }
        return out.toString();
    }
}
