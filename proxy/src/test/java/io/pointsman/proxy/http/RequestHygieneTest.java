package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw bytes in, and either a clean 400 + close with nothing passed downstream, or the
 * request passed on intact. One test per HAProxy smuggling CVE, plus one per rule.
 */
class RequestHygieneTest {

    /** What reached the handler after the hygiene check (i.e. what would be forwarded). */
    private static final class Downstream extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<Object> events = new ArrayList<>();
        long bodyBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpContent c) {
                bodyBytes += c.content().readableBytes();
            }
            messages.add(msg instanceof HttpRequest r ? r : msg.getClass().getSimpleName());
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        List<HttpRequest> requests() {
            return messages.stream().filter(HttpRequest.class::isInstance).map(HttpRequest.class::cast).toList();
        }
    }

    private Downstream downstream;

    private EmbeddedChannel channel() {
        downstream = new Downstream();
        EmbeddedChannel ch = new EmbeddedChannel();
        NettyRequestPath.addRequestHandling(ch.pipeline(), HttpLimits.DEFAULT);
        ch.pipeline().addLast(downstream);
        return ch;
    }

    private static ByteBuf bytes(String raw) {
        return Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1);
    }

    private static String outbound(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    /** Asserts a 400 with Connection: close came out, the channel closed, nothing was passed on. */
    private void assertRejected(String raw) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes(raw));
        String out = outbound(ch);
        assertTrue(out.startsWith("HTTP/1.1 400 Bad Request\r\n"), () -> "expected 400 for\n" + raw + "\ngot\n" + out);
        assertTrue(out.toLowerCase().contains("connection: close"), out);
        assertTrue(out.contains("<h1>400 Bad request</h1>"), out);
        assertFalse(ch.isOpen(), "connection closed after 400");
        assertEquals(List.of(), downstream.messages, "nothing passed downstream");
        ch.finishAndReleaseAll();
    }

    private List<HttpRequest> assertAccepted(String raw) {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes(raw));
        assertEquals("", outbound(ch), "no response written by hygiene");
        assertTrue(ch.isOpen());
        assertFalse(downstream.requests().isEmpty(), "request passed on");
        ch.finishAndReleaseAll();
        return downstream.requests();
    }

    // --- HAProxy CVEs -------------------------------------------------------------

    /**
     * CVE-2021-40346: a 270-byte header name overflowed HAProxy's 8-bit name length into the
     * value length, so "Content-Length0aaa…:" became a second Content-Length and the body
     * hid a request for /admin.
     */
    @Test
    void cve_2021_40346_overlongHeaderNameSmuggling() {
        assertRejected("POST /index.html HTTP/1.1\r\nHost: abc.com\r\n"
                + "Content-Length0" + "a".repeat(255) + ":\r\n"
                + "Content-Length: 60\r\n\r\n"
                + "GET /admin/add_user.py HTTP/1.1\r\nHost: abc.com\r\nabc: xyz");
    }

    /** CVE-2023-25725: an empty header name ended HAProxy's header list early, hiding the rest. */
    @Test
    void cve_2023_25725_emptyHeaderNameTruncation() {
        assertRejected("GET /public HTTP/1.1\r\nHost: a\r\n:\r\nContent-Length: 37\r\n\r\n"
                + "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n");
        assertRejected("GET /public HTTP/1.1\r\nHost: a\r\n: x\r\nContent-Length: 37\r\n\r\n"
                + "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    /** CVE-2023-40225: an empty Content-Length was treated as absent and forwarded as-is. */
    @Test
    void cve_2023_40225_emptyContentLength() {
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\nContent-Length: 35\r\n\r\n"
                + "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n");
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  \r\n\r\n");
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5,\r\n\r\nhello");
    }

    // --- framing ------------------------------------------------------------------

    @Test
    void contentLengthAndTransferEncodingTogether() {
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n");
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                + "0\r\n\r\n");
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
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\nabcd");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Transfer-Encoding: chunked, identity",
            "Transfer-Encoding: identity, chunked",
            "Transfer-Encoding: xchunked",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked ,",
            "Transfer-Encoding: \u000bchunked",
            "Transfer-Encoding:\tchunked\t x",
            "Transfer-Encoding: identity"})
    void transferEncodingOtherThanExactlyChunked(String header) {
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\n0\r\n\r\n");
    }

    @Test
    void transferEncodingOnHttp10() {
        assertRejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "-1", "FFFFFFFFFFFFFFFFF1", "3 x", " "})
    void invalidFirstChunkSizeNothingForwarded(String size) {
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + size + "\r\nabc\r\n0\r\n\r\n");
    }

    @Test
    void invalidLaterChunkAbortsTheForwardedRequest() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\nzz\r\nGET /admin HTTP/1.1\r\n\r\n0\r\n\r\n"));
        assertTrue(outbound(ch).startsWith("HTTP/1.1 400 "));
        assertFalse(ch.isOpen());
        assertEquals(3, downstream.bodyBytes, "only the good chunk went on");
        assertFalse(downstream.messages.contains("DefaultLastHttpContent"), "request never completed");
        assertEquals(1, downstream.events.stream().filter(RequestAbortedEvent.class::isInstance).count());
        ch.finishAndReleaseAll();
    }

    // --- head syntax ----------------------------------------------------------------

    @Test
    void obsFoldWithSpaceOrTab() {
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n");
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n");
        assertRejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length:\r\n 5\r\n\r\n");
    }

    @Test
    void obsFoldInSecondPipelinedRequest() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /two HTTP/1.1\r\nHost: a\r\nX: y\r\n z\r\n\r\n"));
        String out = outbound(ch);
        assertTrue(out.startsWith("HTTP/1.1 400 "), out);
        assertEquals(List.of("/one"), downstream.requests().stream().map(HttpRequest::uri).toList());
        ch.finishAndReleaseAll();
    }

    @Test
    void obsFoldSplitAcrossReads() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\nX: y\r\n"));
        ch.writeInbound(bytes("\tz\r\n\r\n"));
        assertTrue(outbound(ch).startsWith("HTTP/1.1 400 "));
        assertEquals(List.of(), downstream.messages);
        ch.finishAndReleaseAll();
    }

    @Test
    void headerSectionOverTheLimit() {
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nX: " + "a".repeat(HttpLimits.DEFAULT.maxHeaderSize()) + "\r\n\r\n");
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 2000; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertRejected(many.append("\r\n").toString());
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
            " GET / HTTP/1.1"})
    void badRequestLine(String line) {
        assertRejected(line + "\r\nHost: a\r\n\r\n");
    }

    @Test
    void requestLineOverTheLimit() {
        assertRejected("GET /" + "a".repeat(HttpLimits.DEFAULT.maxInitialLine()) + " HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X(A): 1", "Content-Length : 0", "X A: 1", "X\u0000: 1", "NoColon", "X: a\u0000b",
            "X: a\rb"})
    void badHeaderLine(String header) {
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\n" + header + "\r\n\r\n");
    }

    @Test
    void bareLineFeeds() {
        assertRejected("GET / HTTP/1.1\nHost: a\n\n");
    }

    @Test
    void missingOrDuplicateHost() {
        assertRejected("GET / HTTP/1.1\r\n\r\n");
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n");
        assertRejected("GET / HTTP/1.1\r\nHost: a b\r\n\r\n");
        assertRejected("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n");
        assertAccepted("GET / HTTP/1.0\r\n\r\n");
    }

    @Test
    void absoluteFormBecomesOriginFormWithHostFromAuthority() {
        HttpRequest r = assertAccepted("GET http://Example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: other\r\n\r\n").get(0);
        assertEquals("/p/q?x=1", r.uri());
        assertEquals("Example.com:8080", r.headers().get("Host"));
        assertEquals(List.of("Example.com:8080"), r.headers().getAll("Host"));
        assertEquals("/", assertAccepted("GET https://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n").get(0).uri());
        assertEquals("/?q", assertAccepted("GET http://a?q HTTP/1.1\r\nHost: a\r\n\r\n").get(0).uri());
        assertRejected("GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n");
        assertRejected("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertRejected("GET http://user@a/x HTTP/1.1\r\nHost: a\r\n\r\n");
        assertRejected("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n");
        assertRejected("GET * HTTP/1.1\r\nHost: a\r\n\r\n");
        assertAccepted("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    // --- what passes ------------------------------------------------------------------

    @Test
    void validRequestsPassIntactIncludingPipelined() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("\r\nPOST /a HTTP/1.1\r\nHost: a:80\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: [::1]:8080\r\nX-Long: " + "v".repeat(1000) + "\r\n\r\n"));
        assertEquals("", outbound(ch));
        assertEquals(List.of("/a", "/b", "/c"), downstream.requests().stream().map(HttpRequest::uri).toList());
        assertEquals(10, downstream.bodyBytes);
        assertTrue(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void validRequestArrivingByteByByte() {
        EmbeddedChannel ch = channel();
        String raw = "POST /a HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "GET /b HTTP/1.1\r\nHost: a\r\n\r\n";
        for (char c : raw.toCharArray()) {
            ch.writeInbound(bytes(String.valueOf(c)));
        }
        assertEquals("", outbound(ch));
        assertEquals(List.of("/a", "/b"), downstream.requests().stream().map(HttpRequest::uri).toList());
        ch.finishAndReleaseAll();
    }

    @Test
    void expectContinueHeadPassesBeforeTheBody() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
        assertEquals(1, downstream.requests().size(), "head passed without waiting for the body");
        ch.writeInbound(bytes("hello"));
        assertEquals(5, downstream.bodyBytes);
        assertInstanceOf(String.class, downstream.messages.get(downstream.messages.size() - 1));
        ch.finishAndReleaseAll();
    }

    @Test
    void bodylessHeadWaitsForNothingElse() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(1, downstream.requests().size());
        assertTrue(downstream.messages.size() == 2, "head and its empty last content");
        assertFalse(downstream.messages.get(0) instanceof LastHttpContent);
        ch.finishAndReleaseAll();
    }
}
