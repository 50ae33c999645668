package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedScannerTest {
    private static final String BODY = "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\n\r\n";

    /** Feeds {@code body} in pieces of {@code piece} bytes; returns [data bytes seen, index where it ended]. */
    private static String scan(String body, int piece, StringBuilder data) {
        ChunkedScanner s = new ChunkedScanner();
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1);
        try {
            int end = -1;
            for (int at = 0; at < body.length() && end < 0; at += piece) {
                int to = Math.min(body.length(), at + piece);
                int i = at;
                while (i < to && !s.done()) {
                    int next = s.advance(buf, i, to);
                    if (s.lastWasData()) {
                        data.append(buf.toString(i, next - i, StandardCharsets.ISO_8859_1));
                    }
                    i = next;
                }
                if (s.done()) {
                    end = i;
                }
            }
            return end < 0 ? "not done" : "done at " + end;
        } finally {
            buf.release();
        }
    }

    @Test
    void findsTheEndAndTheDataWhateverThePieces() {
        for (int piece = 1; piece <= BODY.length(); piece++) {
            StringBuilder data = new StringBuilder();
            assertEquals("done at " + BODY.length(), scan(BODY + "HTTP/1.1 200 OK", piece, data), "piece " + piece);
            assertEquals("helloabcdefghijklmnopqrstuvwxyz", data.toString(), "piece " + piece);
        }
    }

    @Test
    void bareLfAndNoTrailersAreAccepted() {
        StringBuilder data = new StringBuilder();
        assertEquals("done at 11", scan("3\nabc\n0\r\n\r\nrest", 64, data));
        assertEquals("abc", data.toString());
    }

    @Test
    void anUnfinishedBodyIsNotDone() {
        ChunkedScanner s = new ChunkedScanner();
        ByteBuf buf = Unpooled.copiedBuffer("5\r\nhel", StandardCharsets.ISO_8859_1);
        int i = 0;
        while (i < buf.writerIndex()) {
            i = s.advance(buf, i, buf.writerIndex());
        }
        assertFalse(s.done());
        assertFalse(s.inTrailers());
        buf.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x\r\n", "\r\n", "5\r\nhelloX\r\n", "5\r\nhello\rX", "-1\r\n",
            "1000000000000000\r\n", "5;a\u0001b\r\n"})
    void malformedFramingIsRefused(String body) {
        ChunkedScanner s = new ChunkedScanner();
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.ISO_8859_1);
        try {
            assertThrows(MalformedMessageException.class, () -> {
                int i = 0;
                while (i < buf.writerIndex() && !s.done()) {
                    i = s.advance(buf, i, buf.writerIndex());
                }
            });
        } finally {
            buf.release();
        }
    }

    @Test
    void resetStartsAFreshBody() {
        ChunkedScanner s = new ChunkedScanner();
        ByteBuf buf = Unpooled.copiedBuffer("0\r\n\r\n", StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 2; round++) {
            s.reset();
            int i = 0;
            while (i < buf.writerIndex() && !s.done()) {
                i = s.advance(buf, i, buf.writerIndex());
            }
            assertTrue(s.done());
        }
        buf.release();
    }
}
