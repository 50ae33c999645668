package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.pointsman.proxy.http.wire.RequestSyntax.equalsIgnoreCase;
import static io.pointsman.proxy.http.wire.RequestSyntax.equalsLower;
import static io.pointsman.proxy.http.wire.RequestSyntax.lower;
import static io.pointsman.proxy.http.wire.RequestSyntax.printable;

/**
 * One request head that {@link RequestHeadParser} accepted: its bytes (request line up to
 * and including the blank line) and the offsets of each header name and value, plus the
 * facts the proxy acts on (framing, keep-alive, upgrade, routing facts), worked out once.
 *
 * <p>Ownership: the head holds a private heap copy of its bytes, not a slice of the
 * buffer it was parsed from. It references no {@code ByteBuf}, needs no release and
 * cannot leak; the caller may release or reuse the input buffer as soon as
 * {@code parse} returns. (The copy is one memcpy of a few hundred bytes, which the
 * forwarding step needs anyway; a retained slice would instead pin the whole read
 * buffer until the response ends and stop the cumulator from reusing it.) The arrays
 * come from, and go back to, a small per-thread stack: the handler calls
 * {@link RequestHeadParser#recycle} when the exchange is over, after which the head
 * must not be used (it fails fast: its arrays are gone).
 *
 * <p>Strings (uri, path, host, header values) are made only when asked for, except the
 * method, which is a shared constant for the common ones. Not thread-safe: it belongs to
 * the connection's event loop, like the request it describes.
 */
public final class RequestHead {
    /** Ints per header in {@link #fields}: line (= name) start, name end, value start, value end, kind. */
    static final int FIELDS = 5;

    // Header kinds: the names the proxy acts on (matched case-insensitively once, at parse time).
    private static final int OTHER = 0;
    private static final int HOST = 1;
    private static final int CONTENT_LENGTH = 2;
    private static final int TRANSFER_ENCODING = 3;
    private static final int CONNECTION = 4;
    private static final int UPGRADE = 5;
    private static final int EXPECT = 6;
    /** Always hop-by-hop: Keep-Alive, Proxy-Connection, TE, Trailer, Proxy-Authenticate, Proxy-Authorization. */
    private static final int HOP_BY_HOP = 7;
    private static final int X_FORWARDED_FOR = 8;
    private static final int X_FORWARDED_PROTO = 9;
    private static final int KIND = 0xff;
    /** Flag: a Connection header names this header, so it is not forwarded. */
    private static final int NAMED_BY_CONNECTION = 0x100;

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT",
            "TRACE"};
    private static final byte[] HTTP_11_CRLF = ascii(" HTTP/1.1\r\n");
    private static final byte[] HTTP_10_CRLF = ascii(" HTTP/1.0\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] HOST_COLON = ascii("Host: ");
    private static final byte[] CONNECTION_UPGRADE = ascii("Connection: upgrade\r\n");
    private static final byte[] XFF_COLON = ascii("X-Forwarded-For: ");
    private static final byte[] XFP_COLON = ascii("X-Forwarded-Proto: ");
    private static final byte[] COMMA_SP = ascii(", ");

    /** The head's bytes from 0 to {@link #length}; may be longer (reused, see {@link RequestHeadParser#recycle}). Null once recycled. */
    byte[] bytes;
    /** {@link #FIELDS} ints per header line; may be longer. Null once recycled. */
    int[] fields;
    private final int length;
    private final int headerCount;
    private final int wireLength;
    private final String method;
    private final int methodEnd;
    private final int targetEnd;
    private final int minor;
    /** Absolute-form target rewritten to origin-form: uri is ("/" if uriSlash) + bytes[uriStart, targetEnd). */
    private final boolean absoluteForm;
    private final int uriStart;
    private final boolean uriSlash;
    /** The Host value (the Host header's, or an absolute-form target's authority); hostStart -1 when none. */
    private final int hostStart;
    private final int hostEnd;
    private final long contentLength;
    private final boolean chunked;
    private final boolean expect100Continue;
    private final boolean keepAlive;
    private final boolean wantsUpgrade;
    private String uri;
    private String path;
    private String host;

    private RequestHead(byte[] bytes, int[] fields, int length, int headerCount, int wireLength, String method,
                        int methodEnd,
                        int targetEnd, int minor, boolean absoluteForm, int uriStart, boolean uriSlash, int hostStart,
                        int hostEnd, long contentLength, boolean chunked, boolean expect100Continue,
                        boolean keepAlive, boolean wantsUpgrade) {
        this.bytes = bytes;
        this.fields = fields;
        this.length = length;
        this.headerCount = headerCount;
        this.wireLength = wireLength;
        this.method = method;
        this.methodEnd = methodEnd;
        this.targetEnd = targetEnd;
        this.minor = minor;
        this.absoluteForm = absoluteForm;
        this.uriStart = uriStart;
        this.uriSlash = uriSlash;
        this.hostStart = hostStart;
        this.hostEnd = hostEnd;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.expect100Continue = expect100Continue;
        this.keepAlive = keepAlive;
        this.wantsUpgrade = wantsUpgrade;
    }

    /**
     * Applies the request-level rules ({@code RequestHygiene.check}, same order and reasons)
     * to a syntactically valid head whose header offsets are in {@code fields}, and works
     * out its facts.
     */
    static RequestHead create(byte[] b, int headLength, int[] fields, int headerCount, int methodEnd, int targetEnd,
                              int minor, int wireLength) throws RequestRefusedException {
        int hosts = 0;
        int host = -1;
        int lengths = 0;
        int length = -1;
        int codings = 0;
        int coding = -1;
        int upgrades = 0;
        int upgrade = -1;
        int connection = -1;
        boolean expect = false;
        for (int h = 0; h < headerCount; h++) {
            int f = h * FIELDS;
            int kind = kindOf(b, fields[f], fields[f + 1]);
            fields[f + 4] = kind;
            switch (kind) {
                case HOST -> {
                    hosts++;
                    host = host < 0 ? h : host;
                }
                case CONTENT_LENGTH -> {
                    lengths++;
                    length = length < 0 ? h : length;
                }
                case TRANSFER_ENCODING -> {
                    codings++;
                    coding = coding < 0 ? h : coding;
                }
                case CONNECTION -> {
                    connection = connection < 0 ? h : connection;
                }
                case UPGRADE -> {
                    upgrades++;
                    upgrade = upgrade < 0 ? h : upgrade;
                }
                // Netty's HttpUtil.is100ContinueExpected: HTTP/1.1 and a whole value of 100-continue.
                case EXPECT -> expect |= minor == 1 && equalsLower(b, fields[f + 2], fields[f + 3], "100-continue");
                default -> {
                }
            }
        }
        if (codings > 0) {
            if (minor != 1) {
                throw new RequestRefusedException("Transfer-Encoding on HTTP/1." + minor);
            }
            if (codings != 1 || !equalsLower(b, fields[coding * FIELDS + 2], fields[coding * FIELDS + 3], "chunked")) {
                throw new RequestRefusedException("Transfer-Encoding other than exactly 'chunked': "
                        + values(b, fields, headerCount, TRANSFER_ENCODING));
            }
            if (lengths > 0) {
                throw new RequestRefusedException("both Content-Length and Transfer-Encoding");
            }
        }
        if (lengths > 1) {
            throw new RequestRefusedException("more than one Content-Length: "
                    + values(b, fields, headerCount, CONTENT_LENGTH));
        }
        long contentLength = -1;
        if (lengths == 1) {
            int f = length * FIELDS;
            contentLength = RequestSyntax.digits(b, fields[f + 2], fields[f + 3]);
            if (contentLength < 0) {
                throw new RequestRefusedException("Content-Length is not a number: '"
                        + printable(b, fields[f + 2], fields[f + 3]) + "'");
            }
        }
        if (hosts > 1) {
            throw new RequestRefusedException("more than one Host header");
        }
        if (hosts == 0 && minor == 1) {
            throw new RequestRefusedException("no Host header on HTTP/1.1");
        }
        int hostStart = -1;
        int hostEnd = -1;
        if (hosts == 1) {
            hostStart = fields[host * FIELDS + 2];
            hostEnd = fields[host * FIELDS + 3];
            if (!RequestSyntax.isHost(b, hostStart, hostEnd)) {
                throw new RequestRefusedException("malformed Host: '" + printable(b, hostStart, hostEnd) + "'");
            }
        }
        String method = method(b, methodEnd);

        // The target (RequestHygiene.checkTarget).
        int targetStart = methodEnd + 1;
        boolean absoluteForm = false;
        int uriStart = targetStart;
        boolean uriSlash = false;
        if (b[targetStart] != '/') {
            if (targetEnd - targetStart == 1 && b[targetStart] == '*') {
                if (!method.equals("OPTIONS")) {
                    throw new RequestRefusedException("'*' target on " + method);
                }
            } else {
                int schemeEnd = startsWithLower(b, targetStart, targetEnd, "http://") ? targetStart + 7
                        : startsWithLower(b, targetStart, targetEnd, "https://") ? targetStart + 8 : -1;
                if (schemeEnd < 0) {
                    throw new RequestRefusedException("unsupported request target: '"
                            + new String(b, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1) + "'");
                }
                int authorityEnd = schemeEnd;
                while (authorityEnd < targetEnd && b[authorityEnd] != '/' && b[authorityEnd] != '?') {
                    authorityEnd++;
                }
                if (!RequestSyntax.isHost(b, schemeEnd, authorityEnd)) { // '@' is no host character: userinfo fails too
                    throw new RequestRefusedException("malformed authority in absolute-form target: '"
                            + new String(b, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1) + "'");
                }
                // RFC 9112 §3.2.2: the target's authority replaces any Host header.
                absoluteForm = true;
                hostStart = schemeEnd;
                hostEnd = authorityEnd;
                uriStart = authorityEnd;
                uriSlash = authorityEnd == targetEnd || b[authorityEnd] == '?';
            }
        }

        boolean close = false;
        boolean keepAliveToken = false;
        boolean upgradeToken = false;
        boolean namesOthers = false;
        for (int h = connection; h >= 0 && h < headerCount; h++) {
            int f = h * FIELDS;
            if (fields[f + 4] != CONNECTION) {
                continue;
            }
            int end = fields[f + 3];
            for (int t = fields[f + 2]; t <= end; ) {
                int comma = Tokens.commaOrEnd(b, t, end);
                int s = Tokens.skipOws(b, t, comma);
                int e = Tokens.trimOws(b, s, comma);
                if (equalsLower(b, s, e, "close")) {
                    close = true;
                } else if (equalsLower(b, s, e, "keep-alive")) {
                    keepAliveToken = true;
                } else if (equalsLower(b, s, e, "upgrade")) {
                    upgradeToken = true;
                } else if (e > s) {
                    namesOthers = true;
                }
                t = comma + 1;
            }
        }
        if (namesOthers) {
            markNamedByConnection(b, fields, headerCount);
        }
        boolean wantsUpgrade = upgrades == 1 && upgradeToken
                && equalsLower(b, fields[upgrade * FIELDS + 2], fields[upgrade * FIELDS + 3], "websocket");
        boolean keepAlive = !close && (minor == 1 || keepAliveToken);
        return new RequestHead(b, fields, headLength, headerCount, wireLength, method, methodEnd, targetEnd, minor,
                absoluteForm, uriStart, uriSlash, hostStart, hostEnd, contentLength, codings == 1, expect, keepAlive,
                wantsUpgrade);
    }

    /**
     * Flags every header a Connection header names (RFC 9110 §7.6.1), except Content-Length,
     * Transfer-Encoding and Host: a client must not be able to strip the framing or the
     * routing of what the server receives. Rare, so quadratic in the header count is fine.
     */
    private static void markNamedByConnection(byte[] b, int[] fields, int headerCount) {
        for (int c = 0; c < headerCount; c++) {
            int cf = c * FIELDS;
            if ((fields[cf + 4] & KIND) != CONNECTION) {
                continue;
            }
            int end = fields[cf + 3];
            for (int t = fields[cf + 2]; t <= end; ) {
                int comma = Tokens.commaOrEnd(b, t, end);
                int s = Tokens.skipOws(b, t, comma);
                int e = Tokens.trimOws(b, s, comma);
                boolean named = e > s && !equalsLower(b, s, e, "close") && !equalsLower(b, s, e, "keep-alive")
                        && !equalsLower(b, s, e, "upgrade");
                for (int h = 0; h < headerCount && named; h++) {
                    int f = h * FIELDS;
                    int kind = fields[f + 4] & KIND;
                    if (kind != CONTENT_LENGTH && kind != TRANSFER_ENCODING && kind != HOST
                            && sameName(b, fields[f], fields[f + 1], s, e)) {
                        fields[f + 4] |= NAMED_BY_CONNECTION;
                    }
                }
                t = comma + 1;
            }
        }
    }

    private static boolean sameName(byte[] b, int s1, int e1, int s2, int e2) {
        if (e1 - s1 != e2 - s2) {
            return false;
        }
        for (int i = 0; i < e1 - s1; i++) {
            if (lower(b[s1 + i] & 0xff) != lower(b[s2 + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static int kindOf(byte[] b, int s, int e) {
        return switch (e - s) {
            case 2 -> equalsLower(b, s, e, "te") ? HOP_BY_HOP : OTHER;
            case 4 -> equalsLower(b, s, e, "host") ? HOST : OTHER;
            case 6 -> equalsLower(b, s, e, "expect") ? EXPECT : OTHER;
            case 7 -> equalsLower(b, s, e, "upgrade") ? UPGRADE : equalsLower(b, s, e, "trailer") ? HOP_BY_HOP : OTHER;
            case 10 -> equalsLower(b, s, e, "connection") ? CONNECTION
                    : equalsLower(b, s, e, "keep-alive") ? HOP_BY_HOP : OTHER;
            case 14 -> equalsLower(b, s, e, "content-length") ? CONTENT_LENGTH : OTHER;
            case 15 -> equalsLower(b, s, e, "x-forwarded-for") ? X_FORWARDED_FOR : OTHER;
            case 16 -> equalsLower(b, s, e, "proxy-connection") ? HOP_BY_HOP : OTHER;
            case 17 -> equalsLower(b, s, e, "transfer-encoding") ? TRANSFER_ENCODING
                    : equalsLower(b, s, e, "x-forwarded-proto") ? X_FORWARDED_PROTO : OTHER;
            case 18 -> equalsLower(b, s, e, "proxy-authenticate") ? HOP_BY_HOP : OTHER;
            case 19 -> equalsLower(b, s, e, "proxy-authorization") ? HOP_BY_HOP : OTHER;
            default -> OTHER;
        };
    }

    private static boolean startsWithLower(byte[] b, int s, int e, String prefix) {
        return e - s >= prefix.length() && equalsLower(b, s, s + prefix.length(), prefix);
    }

    /** The common methods as shared constants (so {@code ==} works and nothing is allocated). */
    private static String method(byte[] b, int methodEnd) {
        for (String m : METHODS) {
            if (m.length() == methodEnd && b[0] == m.charAt(0) && equalsCase(b, m)) {
                return m;
            }
        }
        return new String(b, 0, methodEnd, StandardCharsets.ISO_8859_1);
    }

    private static boolean equalsCase(byte[] b, String m) {
        for (int i = 1; i < m.length(); i++) {
            if (b[i] != m.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> values(byte[] b, int[] fields, int headerCount, int kind) {
        List<String> out = new ArrayList<>();
        for (int h = 0; h < headerCount; h++) {
            int f = h * FIELDS;
            if ((fields[f + 4] & KIND) == kind) {
                out.add(new String(b, fields[f + 2], fields[f + 3] - fields[f + 2], StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ---- facts ---------------------------------------------------------------------------

    /** The method, case as sent; GET HEAD POST PUT DELETE OPTIONS PATCH CONNECT TRACE are shared constants. */
    public String method() {
        return method;
    }

    /** The target as it goes to the server: origin-form, or {@code *}; absolute-form was rewritten. */
    public String uri() {
        if (uri == null) {
            String rest = new String(bytes, uriStart, targetEnd - uriStart, StandardCharsets.ISO_8859_1);
            uri = uriSlash ? "/" + rest : rest;
        }
        return uri;
    }

    /** The length of {@link #uri()} in bytes (it is ASCII: the request line was checked). */
    public int uriLength() {
        return targetEnd - uriStart + (uriSlash ? 1 : 0);
    }

    /**
     * Copies the bytes of {@link #uri()} into {@code dst} at {@code at} (room for
     * {@link #uriLength()} bytes) and returns where they end: the access log writes the
     * target without making a String of it.
     */
    public int copyUri(byte[] dst, int at) {
        if (uriSlash) {
            dst[at++] = '/';
        }
        int n = targetEnd - uriStart;
        System.arraycopy(bytes, uriStart, dst, at, n);
        return at + n;
    }

    /** {@link #uri()} without its query. */
    public String path() {
        if (path == null) {
            String u = uri();
            int q = u.indexOf('?');
            path = q < 0 ? u : u.substring(0, q);
        }
        return path;
    }

    /** The query of {@link #uri()} without its '?'; null when the target has no '?'. */
    public String query() {
        String u = uri();
        int q = u.indexOf('?');
        return q < 0 ? null : u.substring(q + 1);
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and for 1.2 to 1.9, handled as 1.1). */
    public int minorVersion() {
        return minor;
    }

    /** {@code HTTP/1.0} or {@code HTTP/1.1} (also for a 1.2-1.9 request line, handled as 1.1). */
    public String protocol() {
        return minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
    }

    /** Host without port, lower case, for routing; null when a 1.0 request had none. */
    public String host() {
        if (host == null && hostStart >= 0) {
            int end = hostStart;
            if (bytes[hostStart] == '[') {
                while (bytes[end] != ']') {
                    end++;
                }
                end++;
            } else {
                while (end < hostEnd && bytes[end] != ':') {
                    end++;
                }
            }
            host = new String(bytes, hostStart, end - hostStart, StandardCharsets.ISO_8859_1)
                    .toLowerCase(java.util.Locale.ROOT);
        }
        return host;
    }

    /** The Host value as it goes to the server (absolute-form: the target's authority); null when none. */
    public String rawHost() {
        return hostStart < 0 ? null : new String(bytes, hostStart, hostEnd - hostStart, StandardCharsets.ISO_8859_1);
    }

    /** Values of a header as received (name case-insensitive); Host reflects absolute-form rewriting. */
    public List<String> header(String name) {
        if (absoluteForm && name.equalsIgnoreCase("host")) {
            return List.of(rawHost());
        }
        List<String> out = null;
        for (int h = 0; h < headerCount; h++) {
            int f = h * FIELDS;
            if (equalsIgnoreCase(bytes, fields[f], fields[f + 1], name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(headerValue(h));
            }
        }
        return out == null ? List.of() : out;
    }

    /** Number of header lines received. */
    public int headerCount() {
        return headerCount;
    }

    /** Name of header {@code i} (0-based, in arrival order), case as sent. */
    public String headerName(int i) {
        int f = i * FIELDS;
        return new String(bytes, fields[f], fields[f + 1] - fields[f], StandardCharsets.ISO_8859_1);
    }

    /** Value of header {@code i}, without surrounding whitespace. */
    public String headerValue(int i) {
        int f = i * FIELDS;
        return new String(bytes, fields[f + 2], fields[f + 3] - fields[f + 2], StandardCharsets.ISO_8859_1);
    }

    /** The Content-Length, or -1 when there is none (then the body is chunked or empty). */
    public long contentLength() {
        return contentLength;
    }

    /** Transfer-Encoding: chunked (HTTP/1.1 only, never with Content-Length). */
    public boolean chunked() {
        return chunked;
    }

    /** True when a body follows the head. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /** HTTP/1.1 with {@code Expect: 100-continue}: the client waits for a 100 before its body. */
    public boolean expect100Continue() {
        return expect100Continue;
    }

    /** RFC 9112 §9.3: 1.1 unless {@code Connection: close}; 1.0 only with {@code Connection: keep-alive}. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /**
     * One {@code Upgrade: websocket} with {@code Connection: upgrade} ({@code HopByHop.wantsUpgrade}):
     * other upgrades (h2c) are never passed on, a tunnel would carry requests nobody routes or checks.
     */
    public boolean wantsUpgrade() {
        return wantsUpgrade;
    }

    /** Bytes of the head itself, request line to blank line. */
    public int length() {
        return length;
    }

    /** Bytes the head took on the wire: {@link #length()} plus blank lines before it. */
    public int wireLength() {
        return wireLength;
    }

    // ---- forwarding ----------------------------------------------------------------------

    /**
     * Writes the head as it goes to a server ({@code HttpProxyHandler.prepareForServer}):
     * the request line with the (rewritten) target as HTTP/1.1 (so server connections pool;
     * a 1.0 upgrade stays 1.0, as today); then, absolute-form only, {@code Host: authority};
     * then every received header line byte for byte except the hop-by-hop ones (Connection,
     * Keep-Alive, Proxy-Connection, TE, Trailer, Proxy-Authenticate, Proxy-Authorization,
     * those Connection names, Upgrade unless {@link #wantsUpgrade()}, a replaced Host; and
     * with {@code forwardedFor} the received X-Forwarded-For/-Proto); then the proxy's own:
     * {@code Connection: upgrade} when upgrading, {@code X-Forwarded-For: previous, ip} and
     * {@code X-Forwarded-Proto}, {@code Host} for a 1.0 request without one; then CRLF.
     *
     * @param forwardedFor   the client address for X-Forwarded-For, or null when the
     *                       frontend does not add X-Forwarded-* headers
     * @param forwardedProto the X-Forwarded-Proto value (http/https); unused without forwardedFor
     * @param hostIfMissing  Host for a 1.0 request that had none (today: local address:port)
     */
    public void writeForServer(ByteBuf out, String forwardedFor, String forwardedProto, String hostIfMissing) {
        out.writeBytes(bytes, 0, methodEnd + 1);
        if (uriSlash) {
            out.writeByte('/');
        }
        out.writeBytes(bytes, uriStart, targetEnd - uriStart);
        out.writeBytes(minor == 0 && wantsUpgrade ? HTTP_10_CRLF : HTTP_11_CRLF);
        if (absoluteForm) {
            out.writeBytes(HOST_COLON);
            out.writeBytes(bytes, hostStart, hostEnd - hostStart);
            out.writeBytes(CRLF);
        }
        boolean forwarded = forwardedFor != null;
        int run = -1; // start of a run of kept header lines, copied with one write
        for (int h = 0; h < headerCount; h++) {
            int f = h * FIELDS;
            if (dropped(fields[f + 4], forwarded)) {
                if (run >= 0) {
                    out.writeBytes(bytes, run, fields[f] - run);
                    run = -1;
                }
            } else if (run < 0) {
                run = fields[f];
            }
        }
        if (run >= 0) {
            out.writeBytes(bytes, run, length - 2 - run);
        }
        if (wantsUpgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        if (forwarded) {
            out.writeBytes(XFF_COLON);
            for (int h = 0; h < headerCount; h++) {
                int f = h * FIELDS;
                if (fields[f + 4] == X_FORWARDED_FOR) { // not named by Connection: those are gone
                    out.writeBytes(bytes, fields[f + 2], fields[f + 3] - fields[f + 2]);
                    out.writeBytes(COMMA_SP);
                }
            }
            ByteBufUtil.writeAscii(out, forwardedFor);
            out.writeBytes(CRLF);
            out.writeBytes(XFP_COLON);
            ByteBufUtil.writeAscii(out, forwardedProto);
            out.writeBytes(CRLF);
        }
        if (minor == 0 && !wantsUpgrade && hostStart < 0) {
            out.writeBytes(HOST_COLON);
            ByteBufUtil.writeAscii(out, hostIfMissing);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }

    /**
     * Writes the head as it goes to a server after {@code http_request} rules and with
     * {@code forwardfor}'s options: as {@link #writeForServer(ByteBuf, String, String, String)},
     * and then
     * <ul>
     *   <li>the target is {@link RequestEdits#uri()} when a rule changed path or query;</li>
     *   <li>each received line a rule dropped is left out, one it changed is written
     *       {@code Name: new value} in its place (name as received), the others are
     *       copied as they came (runs of them in one write, as without edits); lines rules
     *       added follow the received ones, in order;</li>
     *   <li>the client address goes in {@code forwardedForHeader} (null: X-Forwarded-For),
     *       merged with that header's current values into one line; with {@code ifNone} and
     *       the header already there, nothing is added and the header is left as it is;
     *       X-Forwarded-Proto is the proxy's unless a rule added one;</li>
     *   <li>a Host a rule set replaces the received one (or an absolute-form target's).</li>
     * </ul>
     * Hop-by-hop and framing lines are handled exactly as without edits (rules cannot name
     * them: validation refuses it). With no edits, the default header and no
     * {@code ifNone}, this is {@link #writeForServer(ByteBuf, String, String, String)}.
     *
     * @param edits          what rules did; null or empty for none
     * @param forwardedFor   the client address, or null when the frontend has no {@code forwardfor}
     *                       (or the client is in its {@code except} networks)
     */
    public void writeForServer(ByteBuf out, RequestEdits edits, String forwardedFor, String forwardedForHeader,
                               boolean ifNone, String forwardedProto, String hostIfMissing) {
        boolean customHeader = forwardedForHeader != null && !forwardedForHeader.equalsIgnoreCase("x-forwarded-for");
        if ((edits == null || edits.isEmpty()) && !customHeader && !(ifNone && forwardedFor != null)) {
            writeForServer(out, forwardedFor, forwardedProto, hostIfMissing);
            return;
        }
        HeaderEdits he = edits == null || edits.headers().isEmpty() ? null : edits.headers();
        String ffName = forwardedForHeader == null ? "X-Forwarded-For" : forwardedForHeader;
        String ffLower = ffName.toLowerCase(java.util.Locale.ROOT);
        boolean forwarded = forwardedFor != null;
        boolean addFf = forwarded && !(ifNone && (he != null ? he.has(ffLower) : !header(ffName).isEmpty()));

        out.writeBytes(bytes, 0, methodEnd + 1);
        if (edits != null && edits.uriChanged()) {
            ByteBufUtil.writeAscii(out, edits.uri());
        } else {
            if (uriSlash) {
                out.writeByte('/');
            }
            out.writeBytes(bytes, uriStart, targetEnd - uriStart);
        }
        out.writeBytes(minor == 0 && wantsUpgrade ? HTTP_10_CRLF : HTTP_11_CRLF);
        if (absoluteForm) {
            String host = he == null ? null : he.replacedValue(headerCount);
            if (he == null || he.kept(headerCount)) {
                out.writeBytes(HOST_COLON);
                out.writeBytes(bytes, hostStart, hostEnd - hostStart);
                out.writeBytes(CRLF);
            } else if (host != null) {
                out.writeBytes(HOST_COLON);
                ByteBufUtil.writeAscii(out, host);
                out.writeBytes(CRLF);
            }
        }
        int run = -1;
        for (int h = 0; h < headerCount; h++) {
            int f = h * FIELDS;
            int kind = fields[f + 4];
            boolean drop = droppedEdited(kind, forwarded)
                    || (addFf && (customHeader ? lineNameIs(h, ffLower) : kind == X_FORWARDED_FOR));
            String value = null;
            if (!drop && he != null && !he.kept(h)) {
                value = he.replacedValue(h);
                drop = true; // dropped, or written anew below
            }
            if (drop) {
                if (run >= 0) {
                    out.writeBytes(bytes, run, fields[f] - run);
                    run = -1;
                }
                if (value != null) {
                    out.writeBytes(bytes, fields[f], fields[f + 1] - fields[f]);
                    out.writeByte(':').writeByte(' ');
                    ByteBufUtil.writeAscii(out, value);
                    out.writeBytes(CRLF);
                }
            } else if (run < 0) {
                run = fields[f];
            }
        }
        if (run >= 0) {
            out.writeBytes(bytes, run, length - 2 - run);
        }
        if (wantsUpgrade) {
            out.writeBytes(CONNECTION_UPGRADE);
        }
        boolean ruleProto = false;
        boolean ruleHost = false;
        if (he != null) {
            for (String[] a : he.addedLines()) {
                if (addFf && a[1].equals(ffLower)) {
                    continue; // merged below
                }
                ruleProto |= a[1].equals("x-forwarded-proto");
                ruleHost |= a[1].equals("host");
                ByteBufUtil.writeAscii(out, a[0]);
                out.writeByte(':').writeByte(' ');
                ByteBufUtil.writeAscii(out, a[2]);
                out.writeBytes(CRLF);
            }
        }
        if (addFf) {
            ByteBufUtil.writeAscii(out, ffName);
            out.writeByte(':').writeByte(' ');
            for (int h = 0; h < headerCount; h++) {
                int f = h * FIELDS;
                int kind = fields[f + 4];
                if ((customHeader ? lineNameIs(h, ffLower) && (kind & NAMED_BY_CONNECTION) == 0
                        : kind == X_FORWARDED_FOR) && (he == null || !he.dropped(h))) {
                    String v = he == null ? null : he.replacedValue(h);
                    if (v != null) {
                        ByteBufUtil.writeAscii(out, v);
                    } else {
                        out.writeBytes(bytes, fields[f + 2], fields[f + 3] - fields[f + 2]);
                    }
                    out.writeBytes(COMMA_SP);
                }
            }
            if (he != null) {
                for (String[] a : he.addedLines()) {
                    if (a[1].equals(ffLower)) {
                        ByteBufUtil.writeAscii(out, a[2]);
                        out.writeBytes(COMMA_SP);
                    }
                }
            }
            ByteBufUtil.writeAscii(out, forwardedFor);
            out.writeBytes(CRLF);
        }
        if (forwarded && !ruleProto) {
            out.writeBytes(XFP_COLON);
            ByteBufUtil.writeAscii(out, forwardedProto);
            out.writeBytes(CRLF);
        }
        if (minor == 0 && !wantsUpgrade && hostStart < 0 && !ruleHost) {
            out.writeBytes(HOST_COLON);
            ByteBufUtil.writeAscii(out, hostIfMissing);
            out.writeBytes(CRLF);
        }
        out.writeBytes(CRLF);
    }

    /** As {@link #dropped} for the edited path, where X-Forwarded-For is decided by the caller. */
    private boolean droppedEdited(int kind, boolean forwarded) {
        if ((kind & NAMED_BY_CONNECTION) != 0) {
            return true;
        }
        return switch (kind) {
            case CONNECTION, HOP_BY_HOP -> true;
            case UPGRADE -> !wantsUpgrade;
            case HOST -> absoluteForm;
            case X_FORWARDED_PROTO -> forwarded;
            default -> false;
        };
    }

    private boolean lineNameIs(int h, String lower) {
        int f = h * FIELDS;
        return equalsLower(bytes, fields[f], fields[f + 1], lower);
    }

    /**
     * The header lines as rules see them: the received lines, except that an absolute-form
     * target's authority is the one Host (an extra line at the end) and received Host
     * lines are not there (they are not forwarded).
     */
    HeaderLines lines() {
        return new HeaderLines() {
            @Override
            public int lineCount() {
                return headerCount + (absoluteForm ? 1 : 0);
            }

            @Override
            public boolean nameIs(int i, String lowerName) {
                if (i == headerCount) {
                    return lowerName.equals("host");
                }
                if (absoluteForm && (fields[i * FIELDS + 4] & KIND) == HOST) {
                    return false;
                }
                return lineNameIs(i, lowerName);
            }

            @Override
            public String lineName(int i) {
                return i == headerCount ? "Host" : headerName(i);
            }

            @Override
            public String lineValue(int i) {
                return i == headerCount ? rawHost() : headerValue(i);
            }
        };
    }

    private boolean dropped(int kind, boolean forwarded) {
        if ((kind & NAMED_BY_CONNECTION) != 0) {
            return true;
        }
        return switch (kind) {
            case CONNECTION, HOP_BY_HOP -> true;
            case UPGRADE -> !wantsUpgrade;
            case HOST -> absoluteForm;
            case X_FORWARDED_FOR, X_FORWARDED_PROTO -> forwarded;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return method + " " + uri() + " " + protocol();
    }
}
