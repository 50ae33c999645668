package io.pointsman.proxy.health;

import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.health.CheckStep.Expect;
import io.pointsman.proxy.health.CheckStep.ReplyMatcher;
import io.pointsman.proxy.health.CheckStep.Send;
import io.pointsman.proxy.health.CheckStep.Verdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What each check type says to a server after the connect, and what it expects back, as
 * HAProxy's protocol checks do (its {@code src/tcpcheck.c} rule sets):
 * <ul>
 *   <li>{@code tcp}: nothing; the connect is the check ({@code L4OK}).</li>
 *   <li>{@code http}: the request ({@code method path version}, Host, headers,
 *       {@code Connection: close}); the status must be in {@code expect_status}, the body
 *       contain {@code expect_body} and match {@code expect_body_reg}; with
 *       {@code disable_on_404} a 404 passes conditionally ({@code L7OKC}: NOLB).</li>
 *   <li>{@code redis}: {@code PING}, expects {@code +PONG}.</li>
 *   <li>{@code smtp}: a {@code 2xx} greeting, {@code HELO host}, a {@code 2xx} answer.</li>
 *   <li>{@code ssl_hello}: an SSLv3 ClientHello; any TLS record back (handshake or alert)
 *       shows the server speaks TLS ({@code L6OK}).</li>
 *   <li>{@code mysql}: the server's initial handshake packet (not an error packet); with a
 *       {@code user}, a 4.1 client authentication for it and an OK packet, then COM_QUIT.</li>
 *   <li>{@code pgsql}: a StartupMessage for {@code user}; an Authentication request back
 *       (not an ErrorResponse).</li>
 *   <li>{@code script}: the config's send/expect steps.</li>
 * </ul>
 * Replies are read up to {@link #MAX_REPLY} bytes, HAProxy's check buffer size.
 */
final class CheckScripts {
    static final int MAX_REPLY = 16 * 1024;
    private static final byte[] SSL_RANDOM = "POINTSMANSSLCHK\nPOINTSMANSSL".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern PGSQL_AUTH = Pattern.compile("^R\u0000\u0000\u0000[\b\n\f]\u0000\u0000\u0000[\u0000\u0002-\u0006]");

    private CheckScripts() {
    }

    /** The steps of {@code spec}'s check; empty for {@code tcp}. */
    static List<CheckStep> of(ServerCheckSpec spec) {
        Check c = spec.check();
        return switch (c.type()) {
            case TCP -> List.of();
            case HTTP -> List.of(new Send(httpRequest(c, spec.address())), new Expect(httpReply(c), CheckCode.L7TOUT));
            case REDIS -> List.of(new Send("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII)),
                    new Expect(CheckScripts::redisReply, CheckCode.L7TOUT));
            case SMTP -> List.of(
                    new Expect(regex("^[0-9]{3}[ \r]", CheckCode.L7RSP, null), CheckCode.L7TOUT),
                    new Expect(regex("^2[0-9]{2}[ \r]", CheckCode.L7STS, null), CheckCode.L7TOUT),
                    new Send(((c.method() == null || c.method().equals("GET") ? "HELO" : c.method()) + " "
                            + (c.host() == null ? "localhost" : c.host()) + "\r\n").getBytes(StandardCharsets.US_ASCII)),
                    new Expect(regex("^2[0-9]{2}[- \r]", CheckCode.L7STS, CheckCode.L7OK), CheckCode.L7TOUT));
            case SSL_HELLO -> List.of(new Send(sslClientHello(System.currentTimeMillis() / 1000)),
                    new Expect(CheckScripts::tlsRecord, CheckCode.L6TOUT));
            case MYSQL -> c.user() == null
                    ? List.of(new Expect(CheckScripts::mysqlPacket, CheckCode.L7TOUT))
                    : List.of(new Expect(CheckScripts::mysqlGreeting, CheckCode.L7TOUT),
                            new Send(mysqlLogin(c.user())), new Expect(CheckScripts::mysqlPacket, CheckCode.L7TOUT));
            case PGSQL -> List.of(new Send(pgsqlStartup(c.user() == null ? "" : c.user())),
                    new Expect(CheckScripts::pgsqlReply, CheckCode.L7TOUT));
            case SCRIPT -> script(c.script());
        };
    }

    // ---- http

    static byte[] httpRequest(Check c, HostPort address) {
        String version = c.version() == null ? "HTTP/1.1" : c.version();
        StringBuilder sb = new StringBuilder();
        sb.append(c.method() == null ? "GET" : c.method()).append(' ').append(c.path() == null ? "/" : c.path())
                .append(' ').append(version).append("\r\n");
        String host = c.host();
        if (host == null && version.equals("HTTP/1.1")) {
            host = address.port() == 80 ? (address.isIpv6() ? "[" + address.host() + "]" : address.host())
                    : address.toString();
        }
        if (host != null) {
            sb.append("Host: ").append(host).append("\r\n");
        }
        boolean userAgent = false;
        if (c.headers() != null) {
            for (Map.Entry<String, String> h : c.headers().entrySet()) {
                sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
                userAgent |= h.getKey().equalsIgnoreCase("User-Agent");
            }
        }
        if (!userAgent) {
            sb.append("User-Agent: pointsman-check\r\n");
        }
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ReplyMatcher httpReply(Check c) {
        boolean head = "HEAD".equalsIgnoreCase(c.method());
        boolean wantsBody = c.expectBody() != null || c.expectBodyReg() != null;
        Pattern bodyReg = c.expectBodyReg() == null ? null : Pattern.compile(c.expectBodyReg());
        boolean on404 = Boolean.TRUE.equals(c.disableOn404());
        return (reply, length, closed) -> {
            int headEnd = indexOf(reply, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                if (closed || length >= MAX_REPLY) {
                    return fail(CheckCode.L7RSP, closed ? "connection closed before a whole response head"
                            : "response head larger than " + MAX_REPLY + " bytes");
                }
                return Verdict.WAIT;
            }
            String headText = new String(reply, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = headText.split("\r\n");
            int status = statusOf(lines[0]);
            if (status < 0) {
                return fail(CheckCode.L7RSP, "not an HTTP response: " + abbreviate(lines[0]));
            }
            if (on404 && status == 404) {
                return new Verdict.Pass(CheckResult.http(CheckCode.L7OKC, 404));
            }
            if (!c.expectStatus().contains(status)) {
                return new Verdict.Fail(CheckResult.http(CheckCode.L7STS, status));
            }
            if (!wantsBody) {
                return new Verdict.Pass(CheckResult.http(CheckCode.L7OK, status));
            }
            byte[] body = head ? new byte[0] : body(reply, headEnd + 4, length, lines, closed);
            if (body == null) {
                return Verdict.WAIT;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            if (c.expectBody() != null && !text.contains(c.expectBody())) {
                return new Verdict.Fail(new CheckResult(CheckCode.L7RSP, status,
                        "HTTP content check did not match: no '" + abbreviate(c.expectBody()) + "' in the body"));
            }
            if (bodyReg != null && !bodyReg.matcher(text).find()) {
                return new Verdict.Fail(new CheckResult(CheckCode.L7RSP, status,
                        "HTTP content check did not match: body does not match /" + abbreviate(c.expectBodyReg()) + "/"));
            }
            return new Verdict.Pass(CheckResult.http(CheckCode.L7OK, status));
        };
    }

    /** The body once it is whole (by Content-Length, chunks, or the close), cut at {@link #MAX_REPLY}; null = wait. */
    private static byte[] body(byte[] reply, int from, int length, String[] headLines, boolean closed) {
        long contentLength = -1;
        boolean chunked = false;
        for (int i = 1; i < headLines.length; i++) {
            String l = headLines[i];
            int colon = l.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = l.substring(0, colon).trim();
            String value = l.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    contentLength = -1;
                }
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        boolean full = length >= MAX_REPLY;
        if (chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = from;
            while (true) {
                int lineEnd = indexOf(reply, at, length, "\r\n".getBytes(StandardCharsets.US_ASCII));
                if (lineEnd < 0) {
                    return closed || full ? out.toByteArray() : null;
                }
                String sizeText = new String(reply, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int semicolon = sizeText.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    return out.toByteArray();
                }
                if (size <= 0) {
                    // 0 ends the body; a signed size ("-51", which parseInt takes) is no chunk size.
                    return out.toByteArray();
                }
                int dataStart = lineEnd + 2;
                if ((long) dataStart + size > length) {
                    if (closed || full) {
                        out.write(reply, dataStart, Math.max(0, length - dataStart));
                        return out.toByteArray();
                    }
                    return null;
                }
                out.write(reply, dataStart, size);
                at = dataStart + size + 2;
            }
        }
        int available = length - from;
        if (contentLength >= 0) {
            if (available >= contentLength) {
                return java.util.Arrays.copyOfRange(reply, from, from + (int) contentLength);
            }
            return closed || full ? java.util.Arrays.copyOfRange(reply, from, length) : null;
        }
        return closed || full ? java.util.Arrays.copyOfRange(reply, from, length) : null;
    }

    private static int statusOf(String statusLine) {
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            return -1;
        }
        try {
            int s = Integer.parseInt(statusLine.substring(9, 12));
            return s >= 100 && s <= 599 ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- redis, smtp, tls

    private static Verdict redisReply(byte[] reply, int length, boolean closed) {
        String text = new String(reply, 0, length, StandardCharsets.ISO_8859_1);
        if (text.contains("+PONG\r\n")) {
            return new Verdict.Pass(CheckResult.of(CheckCode.L7OK, "Redis server is ok"));
        }
        int eol = text.indexOf("\r\n");
        if (eol >= 0 || closed || length >= MAX_REPLY) {
            return fail(CheckCode.L7STS, eol >= 0 ? text.substring(0, eol) : "no +PONG");
        }
        return Verdict.WAIT;
    }

    /** HAProxy's {@code expect rstring}: the reply must match {@code regex} (from its start); waits for more while it does not. */
    private static ReplyMatcher regex(String regex, CheckCode error, CheckCode ok) {
        Pattern p = Pattern.compile(regex);
        return (reply, length, closed) -> {
            String text = new String(reply, 0, length, StandardCharsets.ISO_8859_1);
            if (p.matcher(text).find()) {
                return new Verdict.Pass(ok == null ? null : CheckResult.of(ok, firstLine(text)));
            }
            if (closed || length >= MAX_REPLY || (text.contains("\n") && !text.isEmpty())) {
                return fail(error, text.isEmpty() ? "no reply" : firstLine(text));
            }
            return Verdict.WAIT;
        };
    }

    /** HAProxy's SSLv3 ClientHello (ssl-hello-chk): any TLS server answers it with a record. */
    static byte[] sslClientHello(long epochSeconds) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x16, 0x03, 0x00, 0x00, 0x79, 0x01, 0x00, 0x00, 0x75, 0x03, 0x00});
        b.write((int) (epochSeconds >>> 24));
        b.write((int) (epochSeconds >>> 16));
        b.write((int) (epochSeconds >>> 8));
        b.write((int) epochSeconds);
        b.writeBytes(SSL_RANDOM);
        b.write(0x00); // no session id
        b.writeBytes(new byte[] {0x00, 0x4E});
        int[] ciphers = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10,
            0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
            0x36, 0x37, 0x38, 0x39, 0x3A};
        for (int cipher : ciphers) {
            b.write(0x00);
            b.write(cipher);
        }
        b.writeBytes(new byte[] {0x01, 0x00});
        return b.toByteArray();
    }

    /** At least a record header back, starting with handshake (0x16) or alert (0x15): the server speaks TLS. */
    private static Verdict tlsRecord(byte[] reply, int length, boolean closed) {
        if (length < 5) {
            return closed ? fail(CheckCode.L6RSP, length == 0 ? "connection closed without a reply"
                    : "reply too short for a TLS record") : Verdict.WAIT;
        }
        return reply[0] == 0x16 || reply[0] == 0x15 ? new Verdict.Pass(CheckResult.of(CheckCode.L6OK))
                : fail(CheckCode.L6RSP, "not a TLS record");
    }

    // ---- mysql, pgsql

    /** One whole MySQL packet: not an error packet (0xff) passes. */
    private static Verdict mysqlPacket(byte[] reply, int length, boolean closed) {
        if (length < 4) {
            return closed ? fail(CheckCode.L7RSP, "truncated MySQL packet") : Verdict.WAIT;
        }
        int plen = (reply[0] & 0xFF) | (reply[1] & 0xFF) << 8 | (reply[2] & 0xFF) << 16;
        if (length < plen + 4) {
            return closed || length >= MAX_REPLY ? fail(CheckCode.L7RSP, "truncated MySQL packet") : Verdict.WAIT;
        }
        if (plen == 0) {
            return fail(CheckCode.L7RSP, "empty MySQL packet");
        }
        if ((reply[4] & 0xFF) == 0xFF) {
            int code = plen >= 3 ? (reply[5] & 0xFF) | (reply[6] & 0xFF) << 8 : 0;
            String message = plen > 3 ? new String(reply, 7, plen - 3, StandardCharsets.UTF_8) : "";
            return fail(CheckCode.L7STS, "MySQL error " + code + ": " + message);
        }
        // The initial handshake starts with the protocol version (10) and a NUL-terminated server version.
        String info = null;
        if (reply[4] == 10) {
            int end = 5;
            while (end < plen + 4 && reply[end] != 0) {
                end++;
            }
            info = new String(reply, 5, end - 5, StandardCharsets.UTF_8);
        }
        return new Verdict.Pass(CheckResult.of(CheckCode.L7OK, info));
    }

    /** The greeting of a check that logs in next: it must pass, and the check goes on. */
    private static Verdict mysqlGreeting(byte[] reply, int length, boolean closed) {
        Verdict v = mysqlPacket(reply, length, closed);
        return v instanceof Verdict.Pass ? new Verdict.Pass(null) : v;
    }

    /** HAProxy's mysql-check 4.1 client authentication for {@code user} (no password), then COM_QUIT. */
    static byte[] mysqlLogin(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        int plen = 34 + name.length;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(plen & 0xFF);
        b.write(plen >>> 8 & 0xFF);
        b.write(plen >>> 16 & 0xFF);
        b.write(1); // sequence id
        b.writeBytes(new byte[] {0x00, (byte) 0x82, 0x00, 0x00}); // client capabilities
        b.writeBytes(new byte[] {0x00, (byte) 0x80, 0x00, 0x01}); // max packet
        b.write(0x21); // utf8
        b.writeBytes(new byte[23]);
        b.writeBytes(name);
        b.write(0); // end of the user name
        b.write(0); // no password
        b.writeBytes(new byte[] {0x01, 0x00, 0x00, 0x00, 0x01}); // COM_QUIT
        return b.toByteArray();
    }

    /** A PostgreSQL 3.0 StartupMessage for {@code user}, as HAProxy's pgsql-check sends it. */
    static byte[] pgsqlStartup(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        int len = 15 + name.length;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len});
        b.writeBytes(new byte[] {0x00, 0x03, 0x00, 0x00});
        b.writeBytes("user\0".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(name);
        b.write(0);
        b.write(0);
        return b.toByteArray();
    }

    /** Not an ErrorResponse ('E'), and an AuthenticationOk/…/SASL request ('R'): the server is ok. */
    private static Verdict pgsqlReply(byte[] reply, int length, boolean closed) {
        if (length >= 1 && reply[0] == 'E') {
            if (length < 5 && !closed) {
                return Verdict.WAIT;
            }
            String text = new String(reply, 0, length, StandardCharsets.UTF_8);
            int m = text.indexOf("\u0000M");
            String message = m >= 0 ? text.substring(m + 2, Math.max(m + 2, text.indexOf('\u0000', m + 2))) : "error";
            return fail(CheckCode.L7RSP, "PostgreSQL: " + message);
        }
        if (length < 9) {
            return closed ? fail(CheckCode.L7RSP, "truncated PostgreSQL reply") : Verdict.WAIT;
        }
        String head = new String(reply, 0, 9, StandardCharsets.ISO_8859_1);
        return PGSQL_AUTH.matcher(head).find() ? new Verdict.Pass(CheckResult.of(CheckCode.L7OK, "PostgreSQL server is ok"))
                : fail(CheckCode.L7STS, "unexpected PostgreSQL reply");
    }

    // ---- script

    private static List<CheckStep> script(List<io.pointsman.proxy.config.CheckStep> steps) {
        List<CheckStep> out = new ArrayList<>();
        for (io.pointsman.proxy.config.CheckStep s : steps) {
            if (s.send() != null) {
                out.add(new Send(s.send().getBytes(StandardCharsets.UTF_8)));
            } else if (s.expect() != null) {
                String want = s.expect();
                out.add(new Expect((reply, length, closed) -> {
                    String text = new String(reply, 0, length, StandardCharsets.UTF_8);
                    if (text.contains(want)) {
                        return new Verdict.Pass(null);
                    }
                    return closed || length >= MAX_REPLY
                            ? fail(CheckCode.L7RSP, "TCPCHK did not match content '" + abbreviate(want) + "'")
                            : Verdict.WAIT;
                }, CheckCode.L7TOUT));
            } else if (s.expectReg() != null) {
                Pattern p = Pattern.compile(s.expectReg());
                out.add(new Expect((reply, length, closed) -> {
                    String text = new String(reply, 0, length, StandardCharsets.UTF_8);
                    if (p.matcher(text).find()) {
                        return new Verdict.Pass(null);
                    }
                    return closed || length >= MAX_REPLY
                            ? fail(CheckCode.L7RSP, "TCPCHK did not match /" + abbreviate(s.expectReg()) + "/")
                            : Verdict.WAIT;
                }, CheckCode.L7TOUT));
            }
        }
        return out;
    }

    // ---- helpers

    private static Verdict fail(CheckCode code, String info) {
        return new Verdict.Fail(CheckResult.of(code, info));
    }

    private static String firstLine(String text) {
        int eol = text.indexOf('\r');
        int nl = text.indexOf('\n');
        int end = eol < 0 ? nl : nl < 0 ? eol : Math.min(eol, nl);
        return abbreviate(end < 0 ? text : text.substring(0, end));
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static int indexOf(byte[] a, int length, byte[] what) {
        return indexOf(a, 0, length, what);
    }

    private static int indexOf(byte[] a, int from, int length, byte[] what) {
        outer:
        for (int i = from; i + what.length <= length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (a[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
