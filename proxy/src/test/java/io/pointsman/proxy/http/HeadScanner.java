package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Looks at the raw bytes of one request head for what Netty's decoder accepts or silently
 * repairs, before any byte of it is interpreted:
 * <ul>
 *   <li>obs-fold (a header line starting with SP or HT): Netty joins it to the previous
 *       value, a backend may not; RFC 9112 §5.2 allows rejecting it, SPEC §4 requires it;</li>
 *   <li>a request line that is not exactly {@code METHOD SP target SP HTTP/1.x} (Netty
 *       tolerates runs of spaces and any version);</li>
 *   <li>a header name longer than {@link HttpLimits#maxHeaderNameSize()}
 *       (CVE-2021-40346).</li>
 * </ul>
 * One instance per connection; {@link #reset()} before each request head.
 */
final class HeadScanner {
    /** RFC 9110 tchar, for the method. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            TCHAR[c] = true;
            TCHAR[c + ('a' - 'A')] = true;
        }
    }

    private final HttpLimits limits;
    private final StringBuilder requestLine = new StringBuilder();
    private boolean lineStart;
    private boolean seenRequestLine;
    private boolean inName;
    private int lineLength;
    private int nameLength;
    private String failure;

    HeadScanner(HttpLimits limits) {
        this.limits = limits;
        reset();
    }

    void reset() {
        requestLine.setLength(0);
        lineStart = true;
        seenRequestLine = false;
        inName = false;
        lineLength = 0;
        nameLength = 0;
        failure = null;
    }

    /** Why the head is refused, or null while it is acceptable. */
    String failure() {
        return failure;
    }

    /**
     * Scans {@code buf[from, to)}. Returns the index just after the blank line ending the
     * head, or -1 when the head goes on past {@code to} or {@link #failure()} is set.
     */
    int scan(ByteBuf buf, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = buf.getByte(i);
            if (b == '\n') {
                if (endLine()) {
                    return i + 1;
                }
                if (failure != null) {
                    return -1;
                }
                continue;
            }
            if (b == '\r') {
                continue; // Netty's strict line parsing rejects a CR that is not before LF
            }
            if (lineStart) {
                lineStart = false;
                if (seenRequestLine && (b == ' ' || b == '\t')) {
                    failure = "obs-fold (header line starting with whitespace)";
                    return -1;
                }
                inName = seenRequestLine;
            }
            lineLength++;
            if (!seenRequestLine) {
                if (requestLine.length() <= limits.maxInitialLine()) {
                    requestLine.append((char) (b & 0xff));
                }
            } else if (inName) {
                if (b == ':') {
                    inName = false;
                } else if (++nameLength > limits.maxHeaderNameSize()) {
                    failure = "header name longer than " + limits.maxHeaderNameSize() + " bytes";
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Returns true when this line was the blank line that ends the head. */
    private boolean endLine() {
        boolean empty = lineLength == 0;
        lineStart = true;
        lineLength = 0;
        nameLength = 0;
        inName = false;
        if (!seenRequestLine) {
            if (empty) {
                return false; // blank lines before a request line are tolerated (RFC 9112 §2.2)
            }
            seenRequestLine = true;
            // An over-long line is left to Netty, which answers it with TooLongHttpLineException.
            if (requestLine.length() <= limits.maxInitialLine()
                    && !isRequestLine(requestLine)) {
                failure = "malformed request line: " + printable(requestLine);
            }
            return false;
        }
        return empty;
    }

    /**
     * Exactly {@code METHOD SP target SP HTTP/1.x}: a token, one space, visible ASCII
     * (no spaces), one space, {@code HTTP/1.0} or {@code HTTP/1.1}. Written out rather than
     * a regex: it runs for every request.
     */
    static boolean isRequestLine(CharSequence line) {
        int n = line.length();
        int i = 0;
        while (i < n && line.charAt(i) < 128 && TCHAR[line.charAt(i)]) {
            i++;
        }
        if (i == 0 || i >= n || line.charAt(i) != ' ') {
            return false;
        }
        int targetStart = ++i;
        while (i < n && line.charAt(i) >= 0x21 && line.charAt(i) <= 0x7E) {
            i++;
        }
        if (i == targetStart || n - i != 9 || line.charAt(i) != ' ') {
            return false;
        }
        char minor = line.charAt(n - 1);
        return line.charAt(i + 1) == 'H' && line.charAt(i + 2) == 'T' && line.charAt(i + 3) == 'T'
                && line.charAt(i + 4) == 'P' && line.charAt(i + 5) == '/' && line.charAt(i + 6) == '1'
                && line.charAt(i + 7) == '.' && (minor == '0' || minor == '1');
    }

    private static String printable(CharSequence s) {
        String text = s.length() > 80 ? s.subSequence(0, 80) + "..." : s.toString();
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder();
        for (byte c : bytes) {
            out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\x%02x", c & 0xff));
        }
        return out.toString();
    }
}
