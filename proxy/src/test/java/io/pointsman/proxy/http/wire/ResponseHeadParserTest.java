package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.http.wire.ResponseHead.ConnectionHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseHeadParserTest {
    private static final String TYPICAL = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\n"
            + "Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nX-Served-By: b1\r\n\r\n";

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String forwarded(ResponseHead head, ConnectionHeader connection, boolean dechunk) {
        ByteBuf out = Unpooled.buffer(head.forwardedSizeBound());
        try {
            head.writeForClient(out, connection, dechunk);
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    @Test
    void typicalHeadIsReadAndForwardedWithoutItsHopByHopHeaders() {
        ByteBuf in = bytes(TYPICAL + "ok\n");
        ResponseHead head = new ResponseHeadParser(16384).parse(in);
        assertNotNull(head);
        assertEquals(200, head.status());
        assertEquals(1, head.minorVersion());
        assertEquals(3, head.contentLength());
        assertFalse(head.chunked());
        assertTrue(head.keepAlive());
        assertEquals("ok\n", in.toString(StandardCharsets.ISO_8859_1), "the reader index stops after the blank line");
        assertEquals("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\nX-Served-By: b1\r\n\r\n",
                forwarded(head, ConnectionHeader.NONE, false));
        assertEquals("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\nX-Served-By: b1\r\n"
                + "Connection: close\r\n\r\n", forwarded(head, ConnectionHeader.CLOSE, false));
        in.release();
    }

    @Test
    void theResultDoesNotDependOnHowTheBytesArrive() {
        String head = "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        for (int split = 0; split <= head.length(); split++) {
            ResponseHeadParser parser = new ResponseHeadParser(16384);
            ByteBuf in = Unpooled.buffer();
            in.writeBytes(head.substring(0, split).getBytes(StandardCharsets.ISO_8859_1));
            ResponseHead h = parser.parse(in);
            if (split < head.length()) {
                assertNull(h, "complete only with the blank line, split " + split);
                assertEquals(0, in.readerIndex());
                in.writeBytes(head.substring(split).getBytes(StandardCharsets.ISO_8859_1));
                h = parser.parse(in);
            }
            assertNotNull(h, "split " + split);
            assertEquals(404, h.status());
            assertTrue(h.chunked());
            assertFalse(h.keepAlive());
            assertFalse(in.isReadable());
            in.release();
        }
    }

    @Test
    void bareLfLineEndsAndLeadingBlankLinesAreTolerated() {
        ByteBuf in = bytes("\r\nHTTP/1.0 204 No Content\nX-A: 1\n\n");
        ResponseHead h = new ResponseHeadParser(16384).parse(in);
        assertNotNull(h);
        assertEquals(204, h.status());
        assertEquals(0, h.minorVersion());
        assertFalse(h.keepAlive(), "HTTP/1.0 closes unless it says keep-alive");
        assertEquals("1", h.header("x-a"));
        in.release();
    }

    @Test
    void connectionNamesMoreHopByHopHeadersButNeverTheFramingOnes() {
        ByteBuf in = bytes("HTTP/1.1 200 OK\r\nConnection: X-Private, keep-alive, Content-Length\r\n"
                + "X-Private: secret\r\nx-private: again\r\nContent-Length: 0\r\nX-Public: yes\r\n"
                + "TE: trailers\r\nTrailer: X-T\r\nProxy-Authenticate: Basic\r\nProxy-Connection: close\r\n\r\n");
        ResponseHead h = new ResponseHeadParser(16384).parse(in);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Public: yes\r\n\r\n",
                forwarded(h, ConnectionHeader.NONE, false));
        in.release();
    }

    @Test
    void websocketUpgradeIsRecognisedAndKeptOnlyWhenThisHopUpgrades() {
        ByteBuf in = bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: x\r\n\r\n");
        ResponseHead h = new ResponseHeadParser(16384).parse(in);
        assertTrue(h.upgradeToWebsocket());
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: x\r\n"
                + "Connection: upgrade\r\n\r\n", forwarded(h, ConnectionHeader.UPGRADE, false));
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\nConnection: close\r\n\r\n",
                forwarded(h, ConnectionHeader.CLOSE, false));
        in.release();

        ByteBuf h2c = bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
        assertFalse(new ResponseHeadParser(16384).parse(h2c).upgradeToWebsocket());
        h2c.release();
    }

    @Test
    void dechunkingLeavesTransferEncodingOut() {
        ByteBuf in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nX-A: 1\r\n\r\n");
        ResponseHead h = new ResponseHeadParser(16384).parse(in);
        assertTrue(h.chunked());
        assertEquals("HTTP/1.1 200 OK\r\nX-A: 1\r\nConnection: close\r\n\r\n",
                forwarded(h, ConnectionHeader.CLOSE, true));
        in.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SSH-2.0-OpenSSH_9.6\r\n\r\n",
            "HTTP/2 200 OK\r\n\r\n",
            "HTTP/1.1 20 OK\r\n\r\n",
            "HTTP/1.1 200OK\r\n\r\n",
            "HTTP/1.1  200 OK\r\n\r\n",
            "HTTP/1.1 200 O\u0001K\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1234567890123456789\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n folded\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n",
            "HTTP/1.1 200 OK\r\n: 1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n",
    })
    void responsesThatCannotBeForwardedSafelyAreRefused(String response) {
        ByteBuf in = bytes(response);
        try {
            assertThrows(MalformedMessageException.class, () -> new ResponseHeadParser(16384).parse(in), response);
        } finally {
            in.release();
        }
    }

    @Test
    void aHeadPastTheLimitIsRefusedBeforeItEnds() {
        ResponseHeadParser parser = new ResponseHeadParser(64);
        ByteBuf in = bytes("HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(100));
        try {
            assertThrows(MalformedMessageException.class, () -> parser.parse(in));
        } finally {
            in.release();
        }
    }

    @Test
    void manyHeadersGrowTheTables() {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\n");
        for (int i = 0; i < 100; i++) {
            sb.append("X-H").append(i).append(": ").append(i).append("\r\n");
        }
        ByteBuf in = bytes(sb.append("\r\n").toString());
        ResponseHead h = new ResponseHeadParser(16384).parse(in);
        assertEquals("99", h.header("x-h99"));
        assertEquals(sb.toString(), forwarded(h, ConnectionHeader.NONE, false));
        in.release();
    }
}
