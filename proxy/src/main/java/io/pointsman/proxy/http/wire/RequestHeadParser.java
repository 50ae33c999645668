package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.pointsman.proxy.http.HttpLimits;

import static io.pointsman.proxy.http.wire.RequestSyntax.CR;
import static io.pointsman.proxy.http.wire.RequestSyntax.LF;
import static io.pointsman.proxy.http.wire.RequestSyntax.TCHAR;
import static io.pointsman.proxy.http.wire.RequestSyntax.VALUE;
import static io.pointsman.proxy.http.wire.RequestSyntax.isOws;
import static io.pointsman.proxy.http.wire.RequestSyntax.printable;

/**
 * Finds, checks and indexes one HTTP/1.x request head straight from the bytes a client
 * sent, without building header objects: the replacement for Netty's
 * {@code HttpRequestDecoder} + {@code StrictRequestDecoder} + {@code RequestHygiene} on the
 * head (that path is kept in the tests as the reference this parser is checked against) (bodies are framed by the caller from {@link RequestHead#contentLength()} /
 * {@link RequestHead#chunked()}). One instance per client connection, reused for every head.
 *
 * <p>Work is done in two passes so that a head arriving in pieces costs no more than one
 * arriving whole:
 * <ol>
 *   <li>framing, on the {@link ByteBuf} and resumed where the previous call stopped: finds
 *       line ends (Netty's SWAR {@code indexOf}), enforces the size limits, CRLF line ends,
 *       obs-fold and the header-name length as soon as the bytes break them, so an over-long
 *       or malformed head is refused without waiting for (or buffering) the rest;</li>
 *   <li>once the blank line is there: the head is copied once into the {@link RequestHead}'s
 *       array and every byte is checked against the RFC 9110/9112 grammar there (tight array
 *       loops, no per-byte buffer bounds checks), recording the offsets of names and values.</li>
 * </ol>
 * The rules are those of the Netty path at 119aaf1, with {@code RequestHygiene}'s reasons:
 * <ul>
 *   <li>blank lines (CR/LF) before the request line are skipped (RFC 9112 §2.2), at most
 *       {@link HttpLimits#maxInitialLine()} bytes of them;</li>
 *   <li>request line exactly {@code tchar+ SP %x21-7E+ SP HTTP/1.DIGIT CRLF}, at most
 *       {@code maxInitialLine} bytes (without CRLF); 1.2 to 1.9 are taken as 1.1 (RFC 9110 §2.5);</li>
 *   <li>every line ends with CRLF (no bare LF; a CR anywhere else is refused: it is how
 *       CR-vs-LF disagreements between hops start);</li>
 *   <li>header lines: no leading whitespace (obs-fold, SPEC §4), a non-empty token name of
 *       at most {@code maxHeaderNameSize} bytes (CVE-2021-40346) directly followed by ':',
 *       a value of VCHAR/SP/HTAB/obs-text, trimmed of SP/HTAB; the lines together at most
 *       {@code maxHeaderSize} bytes (without CRLFs, as Netty counts);</li>
 *   <li>Transfer-Encoding only as one header with exactly {@code chunked}, only on
 *       HTTP/1.1, never with Content-Length; Content-Length one header of 1-18 digits;</li>
 *   <li>exactly one Host on 1.1 (at most one on 1.0), a valid host[:port];</li>
 *   <li>target: origin-form, {@code *} for OPTIONS, or absolute-form http(s) which is
 *       rewritten to origin-form with its authority as Host (RFC 9112 §3.2.2).</li>
 * </ul>
 *
 * <p>Contract with the caller: between a call that returned null and the next one, the
 * bytes from {@code in.readerIndex()} on must stay the same (appending is fine, so is
 * {@code discardReadBytes()}; offsets are kept relative to the reader index). After a
 * refusal or to drop a partial head, {@link #reset()} (a refusal resets by itself).
 */
public final class RequestHeadParser {
    /** Arrays kept for reuse only up to these sizes: a rare huge head is not held on to. */
    private static final int MAX_SPARE_BYTES = 4096;
    private static final int MAX_SPARE_FIELDS = 64 * RequestHead.FIELDS;
    /**
     * Spare arrays per thread (per event loop): finished requests' head arrays, taken by
     * the next heads parsed on that thread. One loop has many exchanges in flight (a read
     * batch parses a head on each of its connections before their responses come), hence
     * a few dozen of them. No allocation per request for them, and no memory held per idle
     * connection: at most {@link Spares#CAPACITY} × (4 KiB + 1.25 KiB) per event loop.
     */
    private static final FastThreadLocal<Spares> SPARES = new FastThreadLocal<>() {
        @Override
        protected Spares initialValue() {
            return new Spares();
        }
    };

    /** Two stacks of recycled arrays. */
    private static final class Spares {
        static final int CAPACITY = 64;
        final byte[][] bytes = new byte[CAPACITY][];
        final int[][] fields = new int[CAPACITY][];
        int byteCount;
        int fieldCount;

        byte[] bytes(int length) {
            if (byteCount > 0) {
                byte[] b = bytes[--byteCount];
                bytes[byteCount] = null;
                if (b.length >= length) {
                    return b;
                }
            }
            return new byte[length];
        }

        int[] fields(int length) {
            if (fieldCount > 0) {
                int[] f = fields[--fieldCount];
                fields[fieldCount] = null;
                if (f.length >= length) {
                    return f;
                }
            }
            return new int[length];
        }

        void give(byte[] b, int[] f) {
            if (byteCount < CAPACITY && b.length <= MAX_SPARE_BYTES) {
                bytes[byteCount++] = b;
            }
            if (fieldCount < CAPACITY && f.length <= MAX_SPARE_FIELDS) {
                fields[fieldCount++] = f;
            }
        }
    }

    private final int maxInitialLine;
    private final int maxHeaderSize;
    private final int maxNameSize;

    // Framing state of the head being read; offsets are relative to in.readerIndex().
    /** Where the request line starts; -1 while blank lines before it are skipped. */
    private int headStart;
    /** Start of the line being read. */
    private int lineStart;
    /** No LF in [lineStart, searched): the next search starts at searched. */
    private int searched;
    /** End (the CR) of the request line, -1 before it is complete. */
    private int requestLineEnd;
    /** Content bytes of the complete header lines, as Netty counts them against maxHeaderSize. */
    private int headerBytes;
    private int headerLines;
    /** The incomplete line in hand is known to have a short enough name. */
    private boolean partialNameChecked;
    /** The request line was checked already (only done early when a head arrives in pieces). */
    private boolean requestLineChecked;

    public RequestHeadParser(HttpLimits limits) {
        this.maxInitialLine = limits.maxInitialLine();
        this.maxHeaderSize = limits.maxHeaderSize();
        this.maxNameSize = limits.maxHeaderNameSize();
        reset();
    }

    /** Forgets a partly read head. */
    public void reset() {
        headStart = -1;
        lineStart = 0;
        searched = 0;
        requestLineEnd = -1;
        headerBytes = 0;
        headerLines = 0;
        partialNameChecked = false;
        requestLineChecked = false;
    }

    /**
     * Looks for a request head at {@code in}'s reader index.
     *
     * @return the head, with {@code in}'s reader index moved past its blank line (and past
     *         the blank lines before it); or null when the head is not complete yet, with
     *         nothing consumed
     * @throws RequestRefusedException when the head must get 400, as soon as its bytes show it
     *         (a head over a limit is refused when the limit is passed, not when it ends)
     */
    public RequestHead parse(ByteBuf in) throws RequestRefusedException {
        int base = in.readerIndex();
        int end = in.writerIndex() - base;
        if (headStart < 0) {
            int i = searched;
            while (i < end) {
                byte b = in.getByte(base + i);
                if (b != CR && b != LF) {
                    break;
                }
                i++;
            }
            if (i > maxInitialLine) {
                throw refuse("more than " + maxInitialLine + " bytes of blank lines before the request line");
            }
            if (i == end) {
                searched = i;
                return null;
            }
            headStart = i;
            lineStart = i;
            searched = i;
        }
        while (true) {
            int lf = searched < end ? in.indexOf(base + searched, base + end, LF) : -1;
            if (lf < 0) {
                searched = end;
                checkPartialLine(in, base, end);
                return null;
            }
            lf -= base;
            if (lf == lineStart || in.getByte(base + lf - 1) != CR) {
                throw refuse("bare LF (a line not ended by CRLF)");
            }
            int contentEnd = lf - 1;
            int length = contentEnd - lineStart;
            if (requestLineEnd < 0) {
                if (length > maxInitialLine) {
                    throw refuse("request line longer than " + maxInitialLine + " bytes");
                }
                requestLineEnd = contentEnd;
            } else if (length == 0) {
                return complete(in, base, lf + 1);
            } else {
                headerBytes += length;
                if (headerBytes > maxHeaderSize) {
                    throw refuse("header section larger than " + maxHeaderSize + " bytes");
                }
                checkLineStart(in, base + lineStart, base + contentEnd);
                headerLines++;
            }
            lineStart = lf + 1;
            searched = lf + 1;
            partialNameChecked = false;
        }
    }

    /** Limits and obs-fold on the line still arriving ({@code [lineStart, end)}, no LF yet). */
    private void checkPartialLine(ByteBuf in, int base, int end) throws RequestRefusedException {
        int length = end - lineStart;
        if (length > 0 && in.getByte(base + end - 1) == CR) {
            length--; // may be the CR of the line's CRLF
        }
        if (requestLineEnd < 0) {
            if (length > maxInitialLine) {
                throw refuse("request line longer than " + maxInitialLine + " bytes");
            }
            return;
        }
        if (!requestLineChecked) {
            // The head arrives in pieces: answer a bad request line now, not when the head ends.
            byte[] line = new byte[requestLineEnd - headStart];
            in.getBytes(base + headStart, line);
            checkRequestLine(line, 0, line.length);
            requestLineChecked = true;
        }
        if (headerBytes + length > maxHeaderSize) {
            throw refuse("header section larger than " + maxHeaderSize + " bytes");
        }
        if (length > 0 && !partialNameChecked) {
            byte first = in.getByte(base + lineStart);
            if (isOws(first)) {
                throw refuse("obs-fold (header line starting with whitespace)");
            }
            if (length > maxNameSize) {
                checkLineStart(in, base + lineStart, base + lineStart + length);
                partialNameChecked = true;
            }
        }
    }

    /** obs-fold and header name length of the header line {@code [from, to)} (absolute indexes). */
    private void checkLineStart(ByteBuf in, int from, int to) throws RequestRefusedException {
        if (isOws(in.getByte(from))) {
            throw refuse("obs-fold (header line starting with whitespace)");
        }
        if (to - from > maxNameSize && in.indexOf(from, from + maxNameSize + 1, (byte) ':') < 0) {
            throw refuse("header name longer than " + maxNameSize + " bytes");
        }
    }

    /** The blank line ends at {@code endRel}: copy the head once, check every byte, index it. */
    private RequestHead complete(ByteBuf in, int base, int endRel) throws RequestRefusedException {
        int length = endRel - headStart;
        Spares spares = SPARES.get();
        byte[] b = spares.bytes(length);
        in.getBytes(base + headStart, b, 0, length);
        int lineEnd = requestLineEnd - headStart;
        int wireLength = endRel;
        int lines = headerLines;
        reset(); // before anything can throw: the parser is ready for the next head either way
        RequestLine line = checkRequestLine(b, 0, lineEnd);
        int[] fields = spares.fields(RequestHead.FIELDS * lines);
        int p = lineEnd + 2;
        for (int h = 0; h < lines; h++) {
            p = indexLine(b, p, fields, h * RequestHead.FIELDS);
        }
        RequestHead head = RequestHead.create(b, length, fields, lines, line.methodEnd, line.targetEnd, line.minor,
                wireLength);
        in.readerIndex(base + endRel);
        return head;
    }

    /**
     * Gives {@code head}'s arrays to the next head parsed on this thread. Call it only when
     * nothing will look at {@code head} again (its exchange is over): from here on its
     * bytes belong to another request, and the head fails fast (its arrays are gone) if it
     * is used all the same. Strings it already handed out stay valid.
     */
    public static void recycle(RequestHead head) {
        if (head == null) {
            return;
        }
        byte[] b = head.bytes;
        int[] f = head.fields;
        if (b == null) {
            return; // recycled already
        }
        head.bytes = null;
        head.fields = null;
        SPARES.get().give(b, f);
    }

    private record RequestLine(int methodEnd, int targetEnd, int minor) {
    }

    /**
     * Exactly {@code METHOD SP target SP HTTP/1.x} in {@code b[start, end)} (no CRLF): a token,
     * one space, visible ASCII, one space, {@code HTTP/1.} and one digit; {@code HTTP/1.2} to
     * {@code HTTP/1.9} are handled as {@code HTTP/1.1} (RFC 9110 §2.5: same major version,
     * answered with the highest minor we speak). Netty alone tolerates runs of spaces, other
     * whitespace and any version; it refuses 1.2-1.9, which is the one place we accept more.
     */
    private static RequestLine checkRequestLine(byte[] b, int start, int end) throws RequestRefusedException {
        int i = start;
        while (i < end && TCHAR[b[i] & 0xff]) {
            i++;
        }
        int methodEnd = i;
        if (i == start || i >= end || b[i] != ' ') {
            throw badRequestLine(b, start, end);
        }
        int targetStart = ++i;
        while (i < end && b[i] >= 0x21 && b[i] <= 0x7e) {
            i++;
        }
        if (i == targetStart || end - i != 9 || b[i] != ' ' || b[i + 1] != 'H' || b[i + 2] != 'T'
                || b[i + 3] != 'T' || b[i + 4] != 'P' || b[i + 5] != '/' || b[i + 6] != '1' || b[i + 7] != '.'
                || b[i + 8] < '0' || b[i + 8] > '9') {
            throw badRequestLine(b, start, end);
        }
        // RFC 9110 §2.5: a later 1.x minor version is answered as the highest we speak, 1.1.
        return new RequestLine(methodEnd, i, b[i + 8] == '0' ? 0 : 1);
    }

    private static RequestRefusedException badRequestLine(byte[] b, int start, int end) {
        return new RequestRefusedException("malformed request line: " + printable(b, start, end));
    }

    /**
     * Checks the header line starting at {@code p} and records name and value offsets at
     * {@code fields[f...]}. Returns where the next line starts.
     */
    private static int indexLine(byte[] b, int p, int[] fields, int f) throws RequestRefusedException {
        int i = p;
        while (TCHAR[b[i] & 0xff]) {
            i++;
        }
        if (b[i] != ':') {
            throw badName(b, p, i);
        }
        if (i == p) {
            throw new RequestRefusedException("empty header name");
        }
        int nameEnd = i++;
        while (isOws(b[i])) {
            i++;
        }
        int valueStart = i;
        while (VALUE[b[i] & 0xff]) {
            i++;
        }
        if (b[i] != CR || b[i + 1] != LF) {
            throw new RequestRefusedException(String.format("invalid byte 0x%02x in the value of header '%s'",
                    b[i] & 0xff, printable(b, p, nameEnd)));
        }
        int valueEnd = i;
        while (valueEnd > valueStart && isOws(b[valueEnd - 1])) {
            valueEnd--;
        }
        fields[f] = p;
        fields[f + 1] = nameEnd;
        fields[f + 2] = valueStart;
        fields[f + 3] = valueEnd;
        return i + 2;
    }

    private static RequestRefusedException badName(byte[] b, int p, int i) {
        int stop = i;
        while (b[stop] != CR) {
            stop++;
        }
        int c = b[i] & 0xff;
        String line = printable(b, p, stop);
        if (c == CR && b[i + 1] == LF) {
            return new RequestRefusedException("header line without a colon: " + line);
        }
        if (isOws(c)) {
            return new RequestRefusedException("whitespace between header name and colon: " + line);
        }
        return new RequestRefusedException(String.format("invalid byte 0x%02x in header name: %s", c, line));
    }

    private RequestRefusedException refuse(String reason) {
        reset();
        return new RequestRefusedException(reason);
    }
}
