package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.http.HttpLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.pointsman.proxy.http.wire.RequestHeads.accept;
import static io.pointsman.proxy.http.wire.RequestHeads.bytes;
import static io.pointsman.proxy.http.wire.RequestHeads.forServer;
import static io.pointsman.proxy.http.wire.RequestHeads.parseAll;
import static io.pointsman.proxy.http.wire.RequestHeads.refuse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw bytes in, a head with the right facts or a refusal with its reason out. The refusal
 * cases are RequestHygieneTest's and HeadScannerTest's, re-expressed against the parser
 * (body-level ones, bad chunk sizes, belong to the body decoder and are not here).
 */
class RequestHeadParserTest {

    // --- HAProxy CVEs -------------------------------------------------------------

    /** CVE-2021-40346: a 270-byte header name overflowed HAProxy's 8-bit name length. */
    @Test
    void cve_2021_40346_overlongHeaderNameSmuggling() {
        assertEquals("header name longer than 255 bytes", refuse("POST /index.html HTTP/1.1\r\nHost: abc.com\r\n"
                + "Content-Length0" + "a".repeat(255) + ":\r\n"
                + "Content-Length: 60\r\n\r\n"
                + "GET /admin/add_user.py HTTP/1.1\r\nHost: abc.com\r\nabc: xyz"));
        accept("GET / HTTP/1.1\r\nHost: a\r\n" + "N".repeat(255) + ": v\r\n\r\n");
    }

    /** CVE-2023-25725: an empty header name ended HAProxy's header list early. */
    @Test
    void cve_2023_25725_emptyHeaderNameTruncation() {
        assertEquals("empty header name", refuse("GET /public HTTP/1.1\r\nHost: a\r\n:\r\nContent-Length: 37\r\n\r\n"
                + "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals("empty header name", refuse("GET /public HTTP/1.1\r\nHost: a\r\n: x\r\nContent-Length: 37\r\n\r\n"
                + "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    /** CVE-2023-40225: an empty Content-Length was treated as absent and forwarded as-is. */
    @Test
    void cve_2023_40225_emptyContentLength() {
        assertEquals("more than one Content-Length: [, 35]",
                refuse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\nContent-Length: 35\r\n\r\n"));
        assertEquals("Content-Length is not a number: ''", refuse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  \r\n\r\n"));
        assertEquals("Content-Length is not a number: '5,'",
                refuse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\nhello"));
    }

    // --- framing ------------------------------------------------------------------

    @Test
    void contentLengthAndTransferEncodingTogether() {
        assertEquals("both Content-Length and Transfer-Encoding",
                refuse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertEquals("both Content-Length and Transfer-Encoding",
                refuse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Content-Length: 3\r\nContent-Length: 4",
            "Content-Length: 3\r\nContent-Length: 3",
            "Content-Length: 3, 3",
            "Content-Length: 3, 4",
            "Content-Length: +3",
            "Content-Length: -1",
            "Content-Length: 0x3",
            "Content-Length: 99999999999999999999999"})
    void badOrDuplicateContentLength(String header) {
        String why = refuse("POST / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\nabcd");
        assertTrue(why.startsWith("more than one Content-Length") || why.startsWith("Content-Length is not a number"), why);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Transfer-Encoding: chunked, identity",
            "Transfer-Encoding: identity, chunked",
            "Transfer-Encoding: xchunked",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked ,",
            "Transfer-Encoding: identity"})
    void transferEncodingOtherThanExactlyChunked(String header) {
        String why = refuse("POST / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\n0\r\n\r\n");
        assertTrue(why.startsWith("Transfer-Encoding other than exactly 'chunked': ["), why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: \u000bchunked", "Transfer-Encoding:\tchunked\t x"})
    void transferEncodingWithStrayWhitespace(String header) {
        String why = refuse("POST / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\n0\r\n\r\n");
        assertTrue(why.startsWith("invalid byte 0x0b") || why.startsWith("Transfer-Encoding other than"), why);
    }

    @Test
    void transferEncodingOnHttp10() {
        assertEquals("Transfer-Encoding on HTTP/1.0", refuse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    @Test
    void framingFacts() {
        RequestHead chunked = accept("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked \r\n\r\nzz\r\n");
        assertTrue(chunked.chunked());
        assertEquals(-1, chunked.contentLength());
        assertTrue(chunked.hasBody());
        RequestHead sized = accept("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n");
        assertEquals(7, sized.contentLength());
        assertFalse(sized.chunked());
        assertEquals(123456789012345678L,
                accept("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 123456789012345678\r\n\r\n").contentLength());
        RequestHead none = accept("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(-1, none.contentLength());
        assertFalse(none.hasBody());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").hasBody());
    }

    // --- head syntax ----------------------------------------------------------------

    @Test
    void obsFoldWithSpaceOrTab() {
        String obsFold = "obs-fold (header line starting with whitespace)";
        assertEquals(obsFold, refuse("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"));
        assertEquals(obsFold, refuse("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"));
        assertEquals(obsFold,
                refuse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length:\r\n 5\r\n\r\n"));
        assertEquals(obsFold, refuse("GET / HTTP/1.1\r\n Host: a\r\n\r\n"));
    }

    @Test
    void obsFoldInSecondPipelinedRequest() {
        List<String> out = parseAll("POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
                + "GET /two HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n");
        assertEquals(2, out.size());
        assertTrue(out.get(0).startsWith("POST /one "), out.get(0));
        assertEquals("refused: obs-fold (header line starting with whitespace)", out.get(1));
    }

    @Test
    void obsFoldRefusedBeforeTheHeadEnds() {
        assertEquals("obs-fold (header line starting with whitespace)", refuse("GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\t"));
    }

    @Test
    void headerSectionOverTheLimit() {
        int max = HttpLimits.DEFAULT.maxHeaderSize();
        assertEquals("header section larger than 16384 bytes",
                refuse("GET / HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(max) + "\r\n\r\n"));
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 2000; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertEquals("header section larger than 16384 bytes", refuse(many.append("\r\n").toString()));
    }

    @Test
    void limitsAreInclusiveAsInNetty() {
        HttpLimits small = new HttpLimits(20, 30, 100, 5);
        // 30 bytes of header lines (CRLFs not counted): accepted; one more: refused.
        accept2(small, "GET / HTTP/1.1\r\nHost: a\r\nXXXXX: " + "v".repeat(30 - 7 - 7) + "\r\n\r\n");
        assertEquals("header section larger than 30 bytes",
                refuse("GET / HTTP/1.1\r\nHost: a\r\nXXXXX: " + "v".repeat(30 - 7 - 6) + "\r\n\r\n", small));
        accept2(small, "GET /" + "a".repeat(20 - 14) + " HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("request line longer than 20 bytes",
                refuse("GET /" + "a".repeat(20 - 13) + " HTTP/1.1\r\nHost: a\r\n\r\n", small));
        assertEquals("header name longer than 5 bytes", refuse("GET / HTTP/1.1\r\nHost: a\r\nXXXXXX: v\r\n\r\n", small));
    }

    private static void accept2(HttpLimits limits, String raw) {
        List<String> out = parseAll(raw, limits);
        assertEquals(1, out.size(), out::toString);
        assertFalse(out.get(0).startsWith("refused"), out.get(0));
    }

    /** Past a limit the head is refused at once, without waiting for the rest of it. */
    @Test
    void overLongHeadsAreRefusedBeforeTheyEnd() {
        assertEquals("request line longer than 8192 bytes", refuse("GET /" + "a".repeat(8200)));
        assertEquals("header section larger than 16384 bytes",
                refuse("GET / HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(16390)));
        assertEquals("header name longer than 255 bytes", refuse("GET / HTTP/1.1\r\nHost: a\r\n" + "N".repeat(256)));
        assertEquals("more than 8192 bytes of blank lines before the request line", refuse("\r\n".repeat(4097)));
        assertNull(parseHead("\r\n".repeat(4096)), "8192 bytes of blank lines are still fine");
        assertNull(parseHead("GET / HTTP/1.1\r\nHost: a\r\n" + "N".repeat(255)));
    }

    private static RequestHead parseHead(String raw) {
        ByteBuf in = bytes(raw);
        try {
            int before = in.readerIndex();
            RequestHead head = new RequestHeadParser(HttpLimits.DEFAULT).parse(in);
            if (head == null) {
                assertEquals(before, in.readerIndex(), "nothing consumed");
            }
            return head;
        } catch (RequestRefusedException e) {
            throw new AssertionError(e.reason());
        } finally {
            in.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET  / HTTP/1.1",
            "GET / HTTP/1.1 ",
            "GET /\tHTTP/1.1",
            "GET / HTTP/9.1",
            "GET / HTTP/2.0",
            "GET /",
            "G(T / HTTP/1.1",
            "GET /a b HTTP/1.1",
            " GET / HTTP/1.1",
            "GET / http/1.1",
            "GET / HTTP/1.",
            "GET / HTTP/1.10",
            "GET /\u00e9 HTTP/1.1",
            "GET /x\u007f HTTP/1.1",
            "\u00e9ET / HTTP/1.1",
            "GET\u0000 / HTTP/1.1",
            "GET /\r HTTP/1.1"})
    void badRequestLine(String line) {
        String why = refuse(line + "\r\nHost: a\r\n\r\n");
        assertTrue(why.startsWith("malformed request line: "), why);
    }

    /** RFC 9110 §2.5: a request line with a later 1.x minor version is handled as HTTP/1.1. */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.2", "HTTP/1.9"})
    void laterMinorVersionIsHandledAsHttp11(String version) {
        RequestHead h = accept("GET /a?b HTTP/1.1\r\nHost: a\r\n\r\n".replace("HTTP/1.1", version));
        assertEquals(1, h.minorVersion());
        assertEquals("HTTP/1.1", h.protocol());
        assertTrue(h.keepAlive(), "1.1 semantics: keep-alive by default");
        assertTrue(forServer(h, null).startsWith("GET /a?b HTTP/1.1\r\n"), "forwarded as 1.1");
        // ...with 1.1's rules: a Host is required, as for 1.1.
        assertEquals("no Host header on HTTP/1.1", refuse("GET / " + version + "\r\n\r\n"));
    }

    @Test
    void badRequestLineAnsweredBeforeTheHeadEnds() {
        assertTrue(refuse("GET  / HTTP/1.1\r\nHost: a\r\n").startsWith("malformed request line: GET  / HTTP/1.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"X(A): 1", "Content-Length : 0", "X A: 1", "X\u0000: 1", "NoColon", "X: a\u0000b",
            "X: a\rb", "X\r: 1", "\u00e9: 1", "X: \u007f", "X: a\u001fb", "X:\u000cb"})
    void badHeaderLine(String header) {
        String why = refuse("GET / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\n");
        assertTrue(why.startsWith("invalid byte") || why.startsWith("whitespace between header name and colon")
                || why.startsWith("header line without a colon"), why);
    }

    @Test
    void headerReasonsNameTheProblem() {
        assertEquals("whitespace between header name and colon: Content-Length : 0",
                refuse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 0\r\n\r\n"));
        assertEquals("header line without a colon: NoColon", refuse("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"));
        assertEquals("invalid byte 0x00 in the value of header 'X'", refuse("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n"));
        assertEquals("invalid byte 0x28 in header name: X(A): 1", refuse("GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n"));
    }

    @Test
    void bareLineFeeds() {
        assertEquals("bare LF (a line not ended by CRLF)", refuse("GET / HTTP/1.1\nHost: a\n\n"));
        assertEquals("bare LF (a line not ended by CRLF)", refuse("GET / HTTP/1.1\r\nHost: a\n\r\n"));
        assertEquals("bare LF (a line not ended by CRLF)", refuse("GET / HTTP/1.1\r\nHost: a\r\n\n"));
    }

    @Test
    void missingOrDuplicateHost() {
        assertEquals("no Host header on HTTP/1.1", refuse("GET / HTTP/1.1\r\n\r\n"));
        assertEquals("more than one Host header", refuse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        assertEquals("more than one Host header", refuse("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"));
        assertEquals("malformed Host: 'a b'", refuse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"));
        assertEquals("malformed Host: 'a/b'", refuse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"));
        assertEquals("malformed Host: ''", refuse("GET / HTTP/1.1\r\nHost:\r\n\r\n"));
        RequestHead old = accept("GET / HTTP/1.0\r\n\r\n");
        assertNull(old.host());
        assertNull(old.rawHost());
        assertEquals(List.of(), old.header("Host"));
    }

    @Test
    void hostForRouting() {
        RequestHead h = accept("GET / HTTP/1.1\r\nHOST:  WWW.Example.COM:8080 \r\n\r\n");
        assertEquals("www.example.com", h.host());
        assertEquals("WWW.Example.COM:8080", h.rawHost());
        assertEquals("[::1]", accept("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n").host());
        assertEquals("[::ffff:1.2.3.4]", accept("GET / HTTP/1.1\r\nHost: [::FFFF:1.2.3.4]\r\n\r\n").host());
        assertEquals("a", accept("GET / HTTP/1.1\r\nHost: a:\r\n\r\n").host());
    }

    @Test
    void absoluteFormBecomesOriginFormWithHostFromAuthority() {
        RequestHead r = accept("GET http://Example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        assertEquals("/p/q?x=1", r.uri());
        assertEquals("/p/q", r.path());
        assertEquals("Example.com:8080", r.rawHost());
        assertEquals("example.com", r.host());
        assertEquals(List.of("Example.com:8080"), r.header("host"));
        assertEquals("/", accept("GET https://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n").uri());
        assertEquals("/?q", accept("GET http://a?q HTTP/1.1\r\nHost: a\r\n\r\n").uri());
        assertEquals("/x", accept("GET HTTPS://a/x HTTP/1.1\r\nHost: a\r\n\r\n").uri());
        assertEquals("a", accept("GET http://a/ HTTP/1.0\r\n\r\n").rawHost());
        assertEquals("unsupported request target: 'ftp://a/'", refuse("GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals("malformed authority in absolute-form target: 'http:///x'",
                refuse("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals("malformed authority in absolute-form target: 'http://user@a/x'",
                refuse("GET http://user@a/x HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals("unsupported request target: 'a:443'", refuse("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"));
        assertEquals("'*' target on GET", refuse("GET * HTTP/1.1\r\nHost: a\r\n\r\n"));
        RequestHead star = accept("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("*", star.uri());
        assertEquals("*", star.path());
        assertEquals("no Host header on HTTP/1.1", refuse("GET http://a/ HTTP/1.1\r\n\r\n"),
                "absolute-form does not excuse a missing Host (as RequestHygiene)");
    }

    // --- facts ----------------------------------------------------------------------

    @Test
    void commonMethodsAreSharedConstants() {
        for (String m : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE")) {
            assertSame(m, accept(m + " / HTTP/1.1\r\nHost: a\r\n\r\n").method());
        }
        assertEquals("get", accept("get / HTTP/1.1\r\nHost: a\r\n\r\n").method(), "methods are case-sensitive");
        assertEquals("M-SEARCH", accept("M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n").method());
    }

    @Test
    void keepAliveAsRfc9112() {
        assertTrue(accept("GET / HTTP/1.1\r\nHost: a\r\n\r\n").keepAlive());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").keepAlive());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nConnection: x, close\r\n\r\n").keepAlive());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(accept("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(accept("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(accept("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keepAlive());
    }

    @Test
    void expectContinueOnlyOnHttp11() {
        assertTrue(accept("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n").expect100Continue());
        assertFalse(accept("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n").expect100Continue());
        assertFalse(accept("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue, x\r\n\r\n").expect100Continue());
    }

    @Test
    void websocketUpgradeOnlyWhenExactlyAsked() {
        assertTrue(accept("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\r\n")
                .wantsUpgrade());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n").wantsUpgrade());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\n").wantsUpgrade());
        assertFalse(accept("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nUpgrade: websocket\r\n"
                + "Connection: upgrade\r\n\r\n").wantsUpgrade());
    }

    @Test
    void headersForAcls() {
        RequestHead h = accept("GET /a?b HTTP/1.1\r\nHost: a\r\nX-Tag: one \r\nx-tag:two\r\nCookie: c=1\r\n\r\n");
        assertEquals(List.of("one", "two"), h.header("X-TAG"));
        assertEquals(List.of(), h.header("X-Other"));
        assertEquals(4, h.headerCount());
        assertEquals("x-tag", h.headerName(2));
        assertEquals("two", h.headerValue(2));
        assertEquals("/a", h.path());
        assertEquals(List.of(""), accept("GET / HTTP/1.1\r\nHost: a\r\nX:\r\n\r\n").header("x"));
        assertEquals(List.of("caf\u00e9"), accept("GET / HTTP/1.1\r\nHost: a\r\nX: caf\u00e9\r\n\r\n").header("x"),
                "obs-text passes as ISO-8859-1");
    }

    // --- what passes ------------------------------------------------------------------

    @Test
    void validRequestsPassIntactIncludingPipelined() {
        String raw = "\r\nPOST /a HTTP/1.1\r\nHost: a:80\r\nContent-Length: 5\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: [::1]:8080\r\nX-Long: " + "v".repeat(1000) + "\r\n\r\n";
        RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);
        ByteBuf in = bytes(raw);
        try {
            RequestHead a = parser.parse(in);
            assertEquals("/a", a.uri());
            assertEquals(5, a.contentLength());
            assertEquals(a.length() + 2, a.wireLength(), "the blank line before it was consumed too");
            assertEquals(raw.indexOf("POST /b"), in.readerIndex());
            RequestHead b = parser.parse(in);
            assertEquals("/b", b.uri());
            assertTrue(b.chunked());
            RequestHead c = parser.parse(in);
            assertEquals("/c", c.uri());
            assertEquals("[::1]", c.host());
            assertEquals(1000, c.header("x-long").get(0).length());
            assertFalse(in.isReadable());
            assertNull(parser.parse(in));
        } catch (RequestRefusedException e) {
            throw new AssertionError(e.reason());
        } finally {
            in.release();
        }
    }

    @Test
    void aRecycledHeadsArraysCarryTheNextHeadAndTheOldHeadFailsFast() {
        RequestHead first = accept("POST /first HTTP/1.1\r\nHost: first.example\r\nX-Long: " + "v".repeat(300)
                + "\r\nContent-Length: 3\r\nAccept: */*\r\n\r\n");
        assertEquals("/first", first.uri()); // handed out before recycling: stays valid
        byte[] bytes = first.bytes;
        int[] fields = first.fields;
        RequestHeadParser.recycle(first);
        RequestHeadParser.recycle(first); // twice: no harm
        RequestHeadParser.recycle(null);

        // A shorter head on the same thread takes the arrays; what lies past its end is the
        // first head's bytes, and nothing may read them.
        String raw = "GET /second?q HTTP/1.1\r\nHost: b\r\nConnection: keep-alive\r\n\r\n";
        RequestHead second = accept(raw);
        assertSame(bytes, second.bytes, "the recycled byte array was reused");
        assertSame(fields, second.fields, "the recycled field array was reused");
        assertEquals(raw.length(), second.length());
        assertEquals("/second?q", second.uri());
        assertEquals("b", second.host());
        assertEquals(-1, second.contentLength());
        assertEquals(List.of(), second.header("x-long"));
        assertEquals("GET /second?q HTTP/1.1\r\nHost: b\r\n\r\n", forServer(second, null));

        // The first head has no bytes any more: using it fails at once instead of reading
        // another request's bytes.
        assertEquals("/first", first.uri());
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> first.header("host"));
        org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class, () -> forServer(first, null));

        // A head longer than the spare gets its own arrays.
        RequestHeadParser.recycle(second);
        RequestHead third = accept("GET /third HTTP/1.1\r\nHost: c\r\nX-Big: " + "w".repeat(bytes.length) + "\r\n\r\n");
        assertTrue(third.bytes != bytes && third.bytes.length >= third.length());
        assertEquals("c", third.host());
    }

    // --- arrival in pieces --------------------------------------------------------------

    private static final List<String> SAMPLES = List.of(
            "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "\r\n\nGET /x?y HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n"
                    + "POST /b HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\n"
                    + "GET http://c:81/z HTTP/1.1\r\nHost: x\r\nConnection: close, X-Secret\r\nX-Secret: 1\r\n\r\n",
            "GET / HTTP/1.0\r\nX-Forwarded-For: 1.2.3.4\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\nGET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n" + "N".repeat(300) + ": v\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "GET /" + "a".repeat(40) + " HTTP/1.1\r\nHost: a\r\n\r\n");

    /** The result must not depend on where the bytes are cut. */
    @Test
    void headsSplitAtEveryBytePosition() {
        for (String raw : SAMPLES) {
            List<String> whole = parseAll(raw);
            for (int cut = 0; cut <= raw.length(); cut++) {
                assertEquals(whole, feed(List.of(raw.substring(0, cut), raw.substring(cut))), "cut at " + cut + ":\n" + raw);
            }
        }
    }

    @Test
    void headsArrivingByteByByteAndInRandomPieces() {
        Random random = new Random(7);
        for (String raw : SAMPLES) {
            List<String> whole = parseAll(raw);
            List<String> single = new ArrayList<>();
            for (char c : raw.toCharArray()) {
                single.add(String.valueOf(c));
            }
            assertEquals(whole, feed(single), raw);
            for (int round = 0; round < 20; round++) {
                List<String> pieces = new ArrayList<>();
                int at = 0;
                while (at < raw.length()) {
                    int n = Math.min(raw.length() - at, 1 + random.nextInt(12));
                    pieces.add(raw.substring(at, at + n));
                    at += n;
                }
                assertEquals(whole, feed(pieces), raw);
            }
        }
    }

    /** Feeds pieces into one cumulating buffer, parsing after each, discarding read bytes between heads. */
    private static List<String> feed(List<String> pieces) {
        RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);
        ByteBuf in = Unpooled.buffer();
        List<String> out = new ArrayList<>();
        try {
            for (String piece : pieces) {
                in.writeBytes(piece.getBytes(StandardCharsets.ISO_8859_1));
                RequestHead head;
                while ((head = parser.parse(in)) != null) {
                    out.add(RequestHeads.describe(head));
                    in.discardReadBytes();
                }
            }
        } catch (RequestRefusedException e) {
            out.add("refused: " + e.reason());
        } finally {
            in.release();
        }
        return out;
    }

    @Test
    void aRefusalResetsTheParser() throws RequestRefusedException {
        RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);
        ByteBuf bad = bytes("GET / HTTP/1.1\r\nHost: a\r\nX");
        ByteBuf good = bytes("GET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
        try {
            assertNull(parser.parse(bad));
            bad.writeBytes(" : y\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            try {
                parser.parse(bad);
                throw new AssertionError("accepted");
            } catch (RequestRefusedException expected) {
                assertTrue(expected.reason().startsWith("whitespace between"), expected.reason());
            }
            assertEquals("/ok", parser.parse(good).uri());
        } finally {
            bad.release();
            good.release();
        }
    }

    // --- what goes to the server, byte for byte ---------------------------------------------

    @Test
    void getWithKeepAlive() {
        RequestHead h = accept("GET /a?b HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n");
        assertEquals("GET /a?b HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n"
                + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: https\r\n\r\n", forServer(h, "10.0.0.9"));
        assertEquals("GET /a?b HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n", forServer(h, null));
    }

    @Test
    void headerBytesPassVerbatim() {
        String raw = "PUT /x HTTP/1.1\r\nhOsT:a\r\nX-Odd:   spaced \t value \t\r\ncontent-length: 007\r\n\r\n";
        assertEquals(raw, forServer(accept(raw), null));
    }

    @Test
    void http10WithoutHostGetsOneAndTalks11() {
        RequestHead h = accept("\r\nGET / HTTP/1.0\r\nUser-Agent: x\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\nUser-Agent: x\r\nHost: 127.0.0.1:8080\r\n\r\n", forServer(h, null));
        assertEquals("GET / HTTP/1.1\r\nHost: h\r\n\r\n", forServer(accept("GET / HTTP/1.0\r\nHost: h\r\n\r\n"), null));
    }

    @Test
    void xForwardedForIsAppended() {
        RequestHead h = accept("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nAccept: */*\r\n"
                + "x-forwarded-for: 2.2.2.2\r\nX-Forwarded-Proto: http\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n"
                + "X-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.0.0.9\r\nX-Forwarded-Proto: https\r\n\r\n", forServer(h, "10.0.0.9"));
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nAccept: */*\r\n"
                + "x-forwarded-for: 2.2.2.2\r\nX-Forwarded-Proto: http\r\n\r\n", forServer(h, null),
                "without forwardfor, they pass untouched");
    }

    @Test
    void connectionNamesOtherHeaders() {
        RequestHead h = accept("GET / HTTP/1.1\r\nHost: a\r\nConnection: close, X-Secret, content-length, host\r\n"
                + "X-Secret: s\r\nX-Keep: k\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nContent-Length: 0\r\n"
                + "Proxy-Authorization: Basic x\r\nTrailer: X\r\nProxy-Connection: keep-alive\r\n"
                + "Connection: X-Forwarded-For\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
        assertFalse(h.keepAlive());
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nX-Keep: k\r\nContent-Length: 0\r\n"
                + "X-Forwarded-For: 10.0.0.9\r\nX-Forwarded-Proto: https\r\n\r\n", forServer(h, "10.0.0.9"),
                "named headers go, except the framing and Host; a named X-Forwarded-For is not 'previous'");
        assertEquals(List.of("s"), h.header("x-secret"), "acls still see what the client sent");
    }

    @Test
    void websocketUpgradePassesOn() {
        RequestHead h = accept("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertTrue(h.wantsUpgrade());
        assertEquals("GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nSec-WebSocket-Key: k\r\n"
                + "Sec-WebSocket-Version: 13\r\nConnection: upgrade\r\n\r\n", forServer(h, null));
        RequestHead h2c = accept("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "HTTP2-Settings: AAMAAABkAAQAAP__\r\nAccept: */*\r\n\r\n");
        assertEquals("GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n", forServer(h2c, null),
                "an h2c upgrade is never passed on");
        assertEquals("GET / HTTP/1.0\r\nUpgrade: websocket\r\n"
                        + "Connection: upgrade\r\n\r\n",
                forServer(accept("GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"), null),
                "as prepareForServer: a 1.0 upgrade keeps its version and gets no Host");
    }

    @Test
    void absoluteFormGoesAsOriginForm() {
        RequestHead h = accept("GET http://Example.com:8080?x HTTP/1.1\r\nAccept: */*\r\nHost: other\r\n\r\n");
        assertEquals("GET /?x HTTP/1.1\r\nHost: Example.com:8080\r\nAccept: */*\r\n\r\n", forServer(h, null));
    }
}
