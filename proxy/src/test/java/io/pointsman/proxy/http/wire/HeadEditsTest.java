package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Writing heads with rule edits; without edits, byte for byte what the plain writers write. */
class HeadEditsTest {
    private static String write(RequestHead h, RequestEdits e, String ff, String header, boolean ifNone) {
        ByteBuf out = Unpooled.buffer();
        try {
            h.writeForServer(out, e, ff, header, ifNone, "http", "local:80");
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    @Test
    void noEditsIsExactlyThePlainWriter() {
        for (String raw : List.of("GET /a?b HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nConnection: x-a\r\nX-A: 1\r\n\r\n",
                "GET http://h.example/p HTTP/1.1\r\nHost: ignored\r\n\r\n",
                "GET / HTTP/1.0\r\n\r\n")) {
            RequestHead h = RequestHeads.accept(raw);
            for (String ff : new String[] {null, "192.0.2.1"}) {
                ByteBuf a = Unpooled.buffer();
                ByteBuf b = Unpooled.buffer();
                try {
                    h.writeForServer(a, ff, "http", "local:80");
                    h.writeForServer(b, new RequestEdits().reset(h), ff, null, false, "http", "local:80");
                    assertEquals(a.toString(StandardCharsets.ISO_8859_1), b.toString(StandardCharsets.ISO_8859_1));
                } finally {
                    a.release();
                    b.release();
                }
            }
        }
    }

    @Test
    void editsAreWrittenInPlaceAndAddedAfter() {
        RequestHead h = RequestHeads.accept("GET /a?x=1 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nX-B: 2\r\nX-A: 3\r\n"
                + "X-Forwarded-For: 9.9.9.9\r\nX-C: 4\r\n\r\n");
        RequestEdits e = new RequestEdits().reset(h);
        e.headers().replace("x-a", v -> v.equals("3") ? "three" : null);
        e.headers().delete("x-b");
        e.headers().add("X-New", "n");
        e.headers().add("X-Forwarded-For", "8.8.8.8");
        e.setPath("/b");
        assertEquals(List.of("1", "three"), e.header("X-A"));
        assertEquals("GET /b?x=1 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nX-A: three\r\nX-C: 4\r\nX-New: n\r\n"
                + "X-Forwarded-For: 9.9.9.9, 8.8.8.8, 192.0.2.1\r\nX-Forwarded-Proto: http\r\n\r\n",
                write(h, e, "192.0.2.1", null, false));
    }

    @Test
    void responseEdits() {
        ResponseHeadParser p = new ResponseHeadParser(4096);
        ByteBuf in = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nServer: x\r\nSet-Cookie: a\r\nConnection: close\r\n"
                + "Content-Length: 0\r\n\r\n", StandardCharsets.ISO_8859_1);
        try {
            ResponseHead r = p.parse(in);
            HeaderEdits e = new HeaderEdits().reset(r);
            e.delete("server");
            e.replace("set-cookie", v -> v + "; Secure");
            e.set("X-Y", "z");
            ByteBuf out = Unpooled.buffer();
            try {
                r.writeForClient(out, ResponseHead.ConnectionHeader.KEEP_ALIVE, false, e);
                assertEquals("HTTP/1.1 200 OK\r\nSet-Cookie: a; Secure\r\nContent-Length: 0\r\nX-Y: z\r\n"
                        + "Connection: keep-alive\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));
            } finally {
                out.release();
            }
        } finally {
            in.release();
        }
    }
}
