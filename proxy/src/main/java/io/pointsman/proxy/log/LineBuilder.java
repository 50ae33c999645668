package io.pointsman.proxy.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * A growable byte buffer with the few appends a log line needs, and the clock texts
 * cached for the current second. One per event loop thread (a {@code FastThreadLocal}),
 * reused for every line: formatting a line allocates nothing.
 */
public final class LineBuilder {
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PREFIX_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter PREFIX_OFFSET = DateTimeFormatter.ofPattern("XXX", Locale.ROOT);
    /** Upper case, as HAProxy writes {@code #XX} escapes and {@code +X} values. */
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes = new byte[512];
    private int length;
    private long prefixSecond = Long.MIN_VALUE;
    private byte[] prefixSecondText;
    private byte[] prefixOffsetText;
    private long requestSecond = Long.MIN_VALUE;
    private byte[] requestSecondText;

    /** The bytes written so far are {@code array()[0..length())}. */
    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    public void reset() {
        length = 0;
    }

    /** Cuts the line back to {@code n} bytes (a formatter undoing a separator). */
    public void truncate(int n) {
        length = Math.min(length, n);
    }

    public LineBuilder put(int b) {
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[length++] = (byte) b;
        return this;
    }

    /** Makes room for at least {@code n} more bytes and returns the array to write them into at {@link #length()}. */
    public byte[] room(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
        return bytes;
    }

    /** After writing into {@link #room}'s array: the line now ends at {@code end}. */
    public void advanceTo(int end) {
        length = end;
    }

    public LineBuilder ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put(s.charAt(i));
        }
        return this;
    }

    public LineBuilder bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public LineBuilder bytes(byte[] b, int off, int len) {
        room(len);
        System.arraycopy(b, off, bytes, length, len);
        length += len;
        return this;
    }

    public LineBuilder text(String s) {
        return text(s, s.length());
    }

    /** The first {@code n} chars of {@code s}, UTF-8 encoded (what a PrintStream on UTF-8 would write). */
    public LineBuilder text(String s, int n) {
        room(n);
        // ASCII, the usual case, straight into the array; the first other char goes the slow way.
        byte[] b = bytes;
        int at = length;
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            b[at++] = (byte) c;
        }
        length = at;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                put(c);
            } else if (c < 0x800) {
                put(0xC0 | c >> 6).put(0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                put(0xF0 | cp >> 18).put(0x80 | cp >> 12 & 0x3F).put(0x80 | cp >> 6 & 0x3F).put(0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                put('?');
            } else {
                put(0xE0 | c >> 12).put(0x80 | c >> 6 & 0x3F).put(0x80 | c & 0x3F);
            }
        }
        return this;
    }

    /**
     * Text that came from a client or server (a header value), as HAProxy writes captured
     * headers: control characters, bytes above 126, {@code "}, {@code #}, and the block's
     * {@code {}, {@code |} and {@code }} as {@code #XX}, so one line stays one line and a
     * quoted field stays quoted. Header values are Latin-1 (a char per byte); a char above
     * that is written as its UTF-8 bytes, each escaped.
     */
    public LineBuilder escaped(String s, int max) {
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f && c < 0x100 || c == '"' || c == '#' || c == '{' || c == '|' || c == '}') {
                put('#').put(HEX[c >> 4 & 0xF]).put(HEX[c & 0xF]);
            } else if (c < 0x80) {
                put(c);
            } else {
                for (byte x : s.substring(i, i + 1).getBytes(StandardCharsets.UTF_8)) {
                    put('#').put(HEX[x >> 4 & 0xF]).put(HEX[x & 0xF]);
                }
            }
        }
        return this;
    }

    /** A JSON string literal, quotes included (RFC 8259 escapes); {@code null} for null. */
    public LineBuilder json(String s) {
        if (s == null) {
            return ascii("null");
        }
        put('"');
        {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    put('\\').put(c);
                } else if (c < 0x20) {
                    ascii("\\u00").put(HEX[c >> 4 & 0xF]).put(HEX[c & 0xF]);
                } else if (c < 0x80) {
                    put(c);
                } else {
                    int end = i + 1;
                    if (Character.isHighSurrogate(c) && end < s.length()) {
                        end++;
                    }
                    text(s.substring(i, end));
                    i = end - 1;
                }
            }
        }
        return put('"');
    }

    public LineBuilder number(long v) {
        if (v < 0) {
            put('-');
            if (v == Long.MIN_VALUE) {
                return ascii("9223372036854775808");
            }
            v = -v;
        }
        if (v < 10) {
            return put('0' + (int) v);
        }
        int start = length;
        while (v > 0) {
            put('0' + (int) (v % 10));
            v /= 10;
        }
        for (int i = start, j = length - 1; i < j; i++, j--) {
            byte t = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = t;
        }
        return this;
    }

    /** {@code v} (non-negative) in upper-case hexadecimal, at least {@code digits} digits (C's {@code %0NX}). */
    public LineBuilder hex(long v, int digits) {
        int n = Math.max(digits, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        room(n);
        for (int i = n - 1; i >= 0; i--) {
            bytes[length + i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        length += n;
        return this;
    }

    /**
     * Escapes what was written since {@code start}, in place: for a JSON string {@code "}
     * and backslash get a backslash and control characters are written as a six-character
     * {@code u00XX} escape; else (HAProxy's {@code +E}, for RFC 5424 structured data)
     * {@code "}, backslash and {@code ]} get a
     * backslash. Nothing moves when nothing needs it.
     */
    public void escapeFrom(int start, boolean json) {
        int extra = 0;
        for (int i = start; i < length; i++) {
            extra += escapeWidth(bytes[i], json) - 1;
        }
        if (extra == 0) {
            return;
        }
        room(extra);
        int to = length + extra;
        for (int i = length - 1; i >= start; i--) {
            byte c = bytes[i];
            int w = escapeWidth(c, json);
            if (w == 1) {
                bytes[--to] = c;
            } else if (w == 2) {
                bytes[--to] = c;
                bytes[--to] = '\\';
            } else {
                bytes[--to] = HEX[c & 0xF];
                bytes[--to] = HEX[c >> 4 & 0xF];
                bytes[--to] = '0';
                bytes[--to] = '0';
                bytes[--to] = 'u';
                bytes[--to] = '\\';
            }
        }
        length += extra;
    }

    private static int escapeWidth(byte c, boolean json) {
        if (c == '"' || c == '\\') {
            return 2;
        }
        if (json) {
            return c >= 0 && c < 0x20 ? 6 : 1;
        }
        return c == ']' ? 2 : 1;
    }

    /** {@code v} with at least {@code width} digits, zero-padded (non-negative values). */
    public LineBuilder padded(long v, int width) {
        long limit = 1;
        for (int i = 1; i < width; i++) {
            limit *= 10;
            if (v < limit) {
                put('0');
            }
        }
        return number(v);
    }

    LineBuilder millis(long epochMillis) {
        int m = (int) Math.floorMod(epochMillis, 1000L);
        return put('.').put('0' + m / 100).put('0' + m / 10 % 10).put('0' + m % 10);
    }

    /** slf4j-simple's {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in the JVM's zone. */
    public LineBuilder prefixTime(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        if (second != prefixSecond) {
            Instant at = Instant.ofEpochSecond(second);
            ZoneId zone = ZoneId.systemDefault();
            prefixSecondText = PREFIX_TIME.withZone(zone).format(at).getBytes(StandardCharsets.US_ASCII);
            prefixOffsetText = PREFIX_OFFSET.withZone(zone).format(at).getBytes(StandardCharsets.US_ASCII);
            prefixSecond = second;
        }
        bytes(prefixSecondText);
        millis(epochMillis);
        return bytes(prefixOffsetText);
    }

    /** HAProxy's {@code dd/MMM/yyyy:HH:mm:ss.SSS}, UTC. */
    public LineBuilder requestTime(long epochMillis) {
        requestSecond(epochMillis);
        return millis(epochMillis);
    }

    /** HAProxy's {@code dd/MMM/yyyy:HH:mm:ss}, UTC (no milliseconds). */
    public LineBuilder requestSecond(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        if (second != requestSecond) {
            requestSecondText = REQUEST_TIME.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII);
            requestSecond = second;
        }
        return bytes(requestSecondText);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
