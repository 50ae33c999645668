package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pointsman.proxy.http.wire.RequestHead;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Raw bytes in; what the proxy handler would be handed, in order. */
class ClientRequestDecoderTest {
    /** Records what passes, as text: "HEAD GET /a", "BODY hello", "END", "REJECTED ...", "ABORTED ...". */
    private static final class Downstream extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof RequestHead h) {
                seen.add("HEAD " + h.method() + " " + h.uri());
            } else if (msg instanceof ByteBuf b) {
                seen.add("BODY " + b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            } else if (msg == RequestEnd.INSTANCE) {
                seen.add("END");
            } else if (msg instanceof RejectedRequest r) {
                seen.add("REJECTED " + r.reason());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof RequestAbortedEvent a) {
                seen.add("ABORTED " + a.reason());
            }
        }
    }

    private Downstream downstream;

    private EmbeddedChannel channel() {
        downstream = new Downstream();
        return new EmbeddedChannel(new ClientRequestDecoder(HttpLimits.DEFAULT), downstream);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void pipelinedRequestsComeOutInOrderWithTheirBodies() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel"));
        ch.writeInbound(bytes("loGET /c HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(List.of("HEAD GET /a", "END", "HEAD POST /b", "BODY hel", "BODY lo", "END", "HEAD GET /c", "END"),
                downstream.seen);
        ch.finishAndReleaseAll();
    }

    @Test
    void aChunkedHeadWaitsForItsFirstChunkSizeAndABadOneMeansNothingWasPassedOn() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(List.of(), downstream.seen, "held until the first chunk size is seen");
        ch.writeInbound(bytes("zz\r\nGET /admin HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(1, downstream.seen.size());
        assertTrue(downstream.seen.get(0).startsWith("REJECTED chunked body"), downstream.seen.toString());
        ch.writeInbound(bytes("GET /later HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(1, downstream.seen.size(), "nothing after a refusal");
        ch.finishAndReleaseAll();
    }

    @Test
    void aGoodFirstChunkReleasesTheHeadAndALaterBadOneAborts() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3"));
        assertEquals(List.of(), downstream.seen, "the size line is not complete yet");
        ch.writeInbound(bytes("\r\nabc\r\n"));
        assertEquals(List.of("HEAD POST /x", "BODY 3\r\nabc\r\n"), downstream.seen);
        ch.writeInbound(bytes("zz\r\n"));
        assertEquals(3, downstream.seen.size());
        assertTrue(downstream.seen.get(2).startsWith("ABORTED chunked body"), downstream.seen.toString());
        ch.finishAndReleaseAll();
    }

    @Test
    void chunkedBodiesPassWithTheirFramingAndEnd() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;e=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\nGET /n HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(List.of("HEAD POST /x", "BODY 5;e=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n", "END", "HEAD GET /n", "END"),
                downstream.seen);
        ch.finishAndReleaseAll();
    }

    @Test
    void expectContinueHeadsPassAtOnce() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"));
        assertEquals(List.of("HEAD POST /x"), downstream.seen, "the client waits for 100 Continue before its body");
        ch.finishAndReleaseAll();
    }

    @Test
    void aRefusedHeadIsOneRejectionAndTheRestIsDropped() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertEquals(3, downstream.seen.size(), downstream.seen.toString());
        assertEquals(List.of("HEAD GET /a", "END"), downstream.seen.subList(0, 2));
        assertTrue(downstream.seen.get(2).startsWith("REJECTED "), downstream.seen.toString());
        ch.finishAndReleaseAll();
    }

    @Test
    void whenRemovedItPassesOnWhatItHolds() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HT"));
        ch.pipeline().remove(ClientRequestDecoder.class);
        assertEquals(List.of("HEAD GET /a", "END", "BODY GET /b HT"), downstream.seen);
        ch.finishAndReleaseAll();
    }
}
