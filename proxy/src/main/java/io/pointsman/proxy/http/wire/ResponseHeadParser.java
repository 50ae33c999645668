package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;

import static io.pointsman.proxy.http.wire.Tokens.commaOrEnd;
import static io.pointsman.proxy.http.wire.Tokens.skipOws;
import static io.pointsman.proxy.http.wire.Tokens.trimOws;

/**
 * Reads a response head straight from the server connection's bytes into a reused
 * {@link ResponseHead}: one copy of the head's bytes, offsets for its lines, and only
 * the facts framing and forwarding need. What it refuses (the response becomes a 502):
 * a status line other than {@code HTTP/1.0|1.1 SP 3DIGIT [SP reason]}, header names that
 * are not tokens or have whitespace before the colon, control characters in values,
 * obs-fold (RFC 9112 §5.2 lets a proxy refuse it), a Content-Length that is not plain
 * digits or comes twice, a Transfer-Encoding whose last coding is not chunked, and a head
 * longer than the limit, and both Transfer-Encoding and Content-Length (ambiguous framing,
 * refused as in requests).
 */
public final class ResponseHeadParser {
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] PROXY_CONNECTION = ascii("proxy-connection");
    private static final byte[] TE = ascii("te");
    private static final byte[] TRAILER = ascii("trailer");
    private static final byte[] UPGRADE = ascii("upgrade");
    private static final byte[] PROXY_AUTHENTICATE = ascii("proxy-authenticate");
    private static final byte[] PROXY_AUTHORIZATION = ascii("proxy-authorization");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] HOST = ascii("host");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] CLOSE = ascii("close");
    private static final byte[] WEBSOCKET = ascii("websocket");
    private final int maxHead;
    private final ResponseHead head = new ResponseHead();
    /** Bytes after the reader index already searched for the head's end without finding it. */
    private int scanned;

    /** @param maxHead longest head accepted, status line included, in bytes */
    public ResponseHeadParser(int maxHead) {
        this.maxHead = maxHead;
    }

    /**
     * Parses the head starting at {@code in}'s reader index. Returns null when it is not
     * complete yet (nothing consumed); otherwise the head, with the reader index moved
     * past its blank line. Empty lines before the status line are skipped (some servers
     * send a stray CRLF after a body).
     *
     * @throws MalformedMessageException when the head is refused
     */
    public ResponseHead parse(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        while (scanned == 0 && from < to && (in.getByte(from) == '\r' || in.getByte(from) == '\n')) {
            from++;
        }
        in.readerIndex(from);
        int end = findEnd(in, from + scanned, to);
        if (end < 0) {
            scanned = Math.max(0, to - from - 2); // the last bytes may be the start of the blank line
            if (to - from > maxHead) {
                scanned = 0;
                throw new MalformedMessageException("response head longer than " + maxHead + " bytes");
            }
            return null;
        }
        scanned = 0;
        int length = end - from;
        if (length > maxHead) {
            throw new MalformedMessageException("response head longer than " + maxHead + " bytes");
        }
        ResponseHead h = head;
        if (h.bytes.length < length) {
            h.bytes = new byte[Math.max(length, h.bytes.length * 2)];
        }
        in.getBytes(from, h.bytes, 0, length);
        h.reset(length);
        parseHead(h);
        in.readerIndex(end);
        return h;
    }

    /** Index just after the blank line ending the head, or -1. */
    private static int findEnd(ByteBuf in, int from, int to) {
        int i = from;
        while (i < to) {
            int lf = in.forEachByte(i, to - i, ByteProcessor.FIND_LF);
            if (lf < 0 || lf + 1 >= to) {
                return -1;
            }
            byte next = in.getByte(lf + 1);
            if (next == '\n') {
                return lf + 2;
            }
            if (next == '\r') {
                if (lf + 2 >= to) {
                    return -1;
                }
                if (in.getByte(lf + 2) == '\n') {
                    return lf + 3;
                }
            }
            i = lf + 1;
        }
        return -1;
    }

    private static void parseHead(ResponseHead h) {
        byte[] b = h.bytes;
        int lineEnd = lineEnd(b, 0, h.length);
        statusLine(h, b, lineEnd);
        h.statusLineEnd = lineEnd;
        int i = lineEnd;
        boolean sawContentLength = false;
        boolean sawTransferEncoding = false;
        int namedByConnection = 0;
        while (true) {
            int end = lineEnd(b, i, h.length);
            int contentEnd = contentEnd(b, i, end);
            if (contentEnd == i) {
                break; // the blank line
            }
            if (b[i] == ' ' || b[i] == '\t') {
                throw new MalformedMessageException("obs-fold (header line starting with whitespace)");
            }
            int colon = i;
            while (colon < contentEnd && b[colon] != ':') {
                if (!RequestSyntax.TCHAR[b[colon] & 0xff]) {
                    throw new MalformedMessageException("invalid character in header name");
                }
                colon++;
            }
            if (colon == contentEnd) {
                throw new MalformedMessageException("header line without a colon");
            }
            if (colon == i) {
                throw new MalformedMessageException("empty header name");
            }
            int v = skipOws(b, colon + 1, contentEnd);
            int ve = trimOws(b, v, contentEnd);
            for (int j = v; j < ve; j++) {
                int c = b[j];
                if (c >= 0 && c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new MalformedMessageException("control character in header value");
                }
            }
            byte kind = ResponseHead.OTHER;
            switch (colon - i) {
                case 2 -> kind = nameEquals(b, i, colon, TE) ? ResponseHead.HOP : kind;
                case 7 -> {
                    if (nameEquals(b, i, colon, UPGRADE)) {
                        kind = ResponseHead.UPGRADE;
                        h.upgradeHeaders++;
                        h.upgradeWebsocket = h.upgradeHeaders == 1 && nameEquals(b, v, ve, WEBSOCKET);
                    } else if (nameEquals(b, i, colon, TRAILER)) {
                        kind = ResponseHead.HOP;
                    }
                }
                case 10 -> {
                    if (nameEquals(b, i, colon, CONNECTION)) {
                        kind = ResponseHead.HOP;
                        namedByConnection += connectionTokens(h, b, v, ve);
                    } else if (nameEquals(b, i, colon, KEEP_ALIVE)) {
                        kind = ResponseHead.HOP;
                    }
                }
                case 14 -> {
                    if (nameEquals(b, i, colon, CONTENT_LENGTH)) {
                        if (sawContentLength) {
                            throw new MalformedMessageException("more than one Content-Length");
                        }
                        sawContentLength = true;
                        h.contentLength = digits(b, v, ve);
                    }
                }
                case 16 -> kind = nameEquals(b, i, colon, PROXY_CONNECTION) ? ResponseHead.HOP : kind;
                case 17 -> {
                    if (nameEquals(b, i, colon, TRANSFER_ENCODING)) {
                        sawTransferEncoding = true;
                        kind = ResponseHead.TRANSFER_ENCODING;
                        h.chunked = lastCodingIsChunked(b, v, ve);
                    }
                }
                case 18 -> kind = nameEquals(b, i, colon, PROXY_AUTHENTICATE) ? ResponseHead.HOP : kind;
                case 19 -> kind = nameEquals(b, i, colon, PROXY_AUTHORIZATION) ? ResponseHead.HOP : kind;
                default -> {
                }
            }
            h.addHeader(i, colon, end, kind);
            i = end;
        }
        if (sawTransferEncoding && sawContentLength) {
            // RFC 9112 §6.3 lets chunked win; like requests (SPEC §4), an ambiguous message is refused.
            throw new MalformedMessageException("both Content-Length and Transfer-Encoding");
        }
        if (sawTransferEncoding && !h.chunked) {
            throw new MalformedMessageException("Transfer-Encoding whose last coding is not chunked");
        }
        h.upgradeWebsocket &= h.upgradeHeaders == 1 && h.connectionUpgrade;
        if (namedByConnection > 0) {
            dropNamedByConnection(h, b);
        }
    }

    private static void statusLine(ResponseHead h, byte[] b, int end) {
        int e = contentEnd(b, 0, end);
        if (e < 12 || b[0] != 'H' || b[1] != 'T' || b[2] != 'T' || b[3] != 'P' || b[4] != '/' || b[5] != '1'
                || b[6] != '.' || (b[7] != '0' && b[7] != '1') || b[8] != ' '
                || !isDigit(b[9]) || !isDigit(b[10]) || !isDigit(b[11]) || (e > 12 && b[12] != ' ')) {
            throw new MalformedMessageException("malformed status line: " + printable(b, e));
        }
        for (int j = 13; j < e; j++) {
            int c = b[j];
            if (c >= 0 && c < 0x20 && c != '\t' || c == 0x7f) {
                throw new MalformedMessageException("control character in status line");
            }
        }
        h.minorVersion = b[7] - '0';
        h.status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
    }

    /** Counts the tokens of a Connection value; close/keep-alive/upgrade set flags, the others name headers. */
    private static int connectionTokens(ResponseHead h, byte[] b, int from, int to) {
        int named = 0;
        for (int i = from; i <= to; ) {
            int comma = commaOrEnd(b, i, to);
            int s = skipOws(b, i, comma);
            int e = trimOws(b, s, comma);
            if (e > s) {
                if (nameEquals(b, s, e, CLOSE)) {
                    h.connectionClose = true;
                } else if (nameEquals(b, s, e, KEEP_ALIVE)) {
                    h.connectionKeepAlive = true;
                } else if (nameEquals(b, s, e, UPGRADE)) {
                    h.connectionUpgrade = true;
                } else {
                    named++;
                }
            }
            i = comma + 1;
        }
        return named;
    }

    /**
     * Marks the headers a Connection header names as hop-by-hop (rare: only a Connection
     * value with tokens other than close/keep-alive/upgrade gets here). Content-Length,
     * Transfer-Encoding and Host are never removed this way: they frame or route the message.
     */
    private static void dropNamedByConnection(ResponseHead h, byte[] b) {
        for (int c = 0; c < h.headers; c++) {
            if (!nameEquals(b, h.lineStart[c], h.nameEnd[c], CONNECTION)) {
                continue;
            }
            int v = h.nameEnd[c] + 1;
            int ve = contentEnd(b, v, h.lineEnd[c]);
            for (int i = v; i <= ve; ) {
                int comma = commaOrEnd(b, i, ve);
                int s = skipOws(b, i, comma);
                int e = trimOws(b, s, comma);
                if (e > s && !nameEquals(b, s, e, CONTENT_LENGTH) && !nameEquals(b, s, e, TRANSFER_ENCODING)
                        && !nameEquals(b, s, e, HOST)) {
                    for (int k = 0; k < h.headers; k++) {
                        if (h.kind[k] == ResponseHead.OTHER
                                && equalsIgnoreCase(b, h.lineStart[k], h.nameEnd[k], b, s, e)) {
                            h.kind[k] = ResponseHead.HOP;
                        }
                    }
                }
                i = comma + 1;
            }
        }
    }

    private static boolean lastCodingIsChunked(byte[] b, int from, int to) {
        int s = to;
        while (s > from && b[s - 1] != ',') {
            s--;
        }
        return nameEquals(b, skipOws(b, s, to), to, CHUNKED);
    }

    private static long digits(byte[] b, int from, int to) {
        if (to == from || to - from > 18) {
            throw new MalformedMessageException("Content-Length is not a number");
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(b[i])) {
                throw new MalformedMessageException("Content-Length is not a number");
            }
            n = n * 10 + (b[i] - '0');
        }
        return n;
    }

    /** Index just after the LF ending the line that starts at {@code from}. */
    private static int lineEnd(byte[] b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        throw new MalformedMessageException("truncated head"); // cannot happen: the parser found the blank line
    }

    /** The line's end without its CRLF (or LF). A CR anywhere else is refused by the character checks. */
    private static int contentEnd(byte[] b, int start, int lineEnd) {
        int e = lineEnd - 1; // the LF
        if (e > start && b[e - 1] == '\r') {
            e--;
        }
        return e;
    }

    /** {@code b[from, to)} equals {@code lower} ignoring ASCII case ({@code lower} is lower-case). */
    static boolean nameEquals(byte[] b, int from, int to, byte[] lower) {
        if (to - from != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        if (aTo - aFrom != bTo - bFrom) {
            return false;
        }
        for (int i = 0; i < aTo - aFrom; i++) {
            if (lower(a[aFrom + i]) != lower(b[bFrom + i])) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String printable(byte[] b, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(n, 80); i++) {
            int c = b[i] & 0xff;
            out.append(c >= 0x20 && c < 0x7f ? Character.toString(c) : String.format("\\x%02x", c));
        }
        return out.toString();
    }
}
