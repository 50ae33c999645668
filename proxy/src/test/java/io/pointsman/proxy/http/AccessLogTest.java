package io.pointsman.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.RequestHeadParser;
import io.pointsman.proxy.log.LineBuilder;
import io.pointsman.proxy.log.LogWriter;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    private static final long START_MILLIS = Instant.parse("2026-11-23T21:00:00.123Z").toEpochMilli();
    private static final long END_MILLIS = START_MILLIS + 4;

    private static String prefix(long millis) {
        // what slf4j-simple prints with pointsman.jar's simplelogger.properties
        java.text.SimpleDateFormat f = new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);
        f.setTimeZone(TimeZone.getDefault());
        return f.format(new java.util.Date(millis));
    }

    private static AccessLog.Entry answered() {
        AccessLog.Entry e = new AccessLog.Entry();
        e.start("GET", "/a?b=1", "HTTP/1.1", 1_000_000_000L);
        e.startMillis = START_MILLIS;
        e.backend = "web-farm";
        e.server = "web0";
        e.connectStart = 1_000_000_000L;
        e.connected = 1_001_000_000L;
        e.responded = 1_004_000_000L;
        e.status = 200;
        e.bytesOut = 512;
        return e;
    }

    @Test
    void lineHasHaproxyHttplogShapeBehindTheSlf4jSimplePrefix() {
        LineBuilder b = new LineBuilder();
        AccessLog.format(b, answered(), new InetSocketAddress("127.0.0.1", 50412), "public-http", 3,
                "abc1234def", 1_005_000_000L, END_MILLIS, "pointsman-io-4-1");
        assertEquals(prefix(END_MILLIS) + " [pointsman-io-4-1] [INFO] access - 127.0.0.1:50412 "
                + "[23/Nov/2026:21:00:00.123] public-http web-farm/web0 0/0/1/3/5 200 512 -- gen=3(abc1234) "
                + "\"GET /a?b=1 HTTP/1.1\"" + System.lineSeparator(), b.toString());
    }

    @Test
    void theTargetIsWrittenFromTheHeadsBytesAsTheUriStringReads() throws Exception {
        for (String line : new String[] {"GET /a?b=1&c=%22x%22 HTTP/1.1", "GET http://example.com:8080 HTTP/1.1",
                "GET http://example.com/p/q?r HTTP/1.1", "OPTIONS * HTTP/1.1", "POST /up HTTP/1.0"}) {
            ByteBuf in = Unpooled.copiedBuffer(line + "\r\nHost: example.com\r\n"
                    + "Content-Length: 0\r\n\r\n", StandardCharsets.ISO_8859_1);
            RequestHead head;
            try {
                head = new RequestHeadParser(HttpLimits.DEFAULT).parse(in);
            } finally {
                in.release();
            }
            AccessLog.Entry fromHead = answered();
            fromHead.start(head, 1_000_000_000L);
            AccessLog.Entry fromText = answered();
            fromText.start(head.method(), head.uri(), head.protocol(), 1_000_000_000L);
            fromText.startMillis = fromHead.startMillis; // the two starts may straddle a millisecond
            assertEquals(formatted(fromText), formatted(fromHead), line);
            assertTrue(formatted(fromHead).endsWith("\"" + head.method() + " " + head.uri() + " " + head.protocol()
                    + "\"" + System.lineSeparator()), formatted(fromHead));
        }
    }

    private static String formatted(AccessLog.Entry e) {
        LineBuilder b = new LineBuilder();
        AccessLog.format(b, e, new InetSocketAddress("127.0.0.1", 1), "fe", 1, null, 2_000_000_000L, END_MILLIS, "t");
        return b.toString();
    }

    @Test
    void refusedRequestHasNoRequestLineAndNoServer() {
        AccessLog.Entry e = new AccessLog.Entry();
        e.startBad(2_000_000_000L);
        e.startMillis = START_MILLIS;
        LineBuilder b = new LineBuilder();
        AccessLog.format(b, e, new InetSocketAddress("::1", 7), "fe", 1, null, 2_000_000_000L, END_MILLIS, "t");
        assertTrue(b.toString().endsWith(" - 0:0:0:0:0:0:0:1:7 [23/Nov/2026:21:00:00.123] fe <NOSRV>/<NOSRV> "
                + "0/0/-1/-1/0 400 0 PR gen=1(null) \"<BADREQ>\"" + System.lineSeparator()), b.toString());
    }

    @Test
    void reusedBuilderFormatsTheNextSecondAndNonAsciiTargets() {
        LineBuilder b = new LineBuilder();
        InetSocketAddress client = new InetSocketAddress("10.0.0.1", 1);
        AccessLog.format(b, answered(), client, "fe", 1, "r", 1_005_000_000L, END_MILLIS, "t");
        AccessLog.Entry e = answered();
        e.start("POST", "/caf\u00e9", "HTTP/1.0", 1_000_000_000L);
        e.startMillis = START_MILLIS + 2_000;
        AccessLog.format(b, e, client, "fe", 1, "r", 1_000_000_000L, END_MILLIS + 2_000, "t");
        String line = b.toString();
        assertTrue(line.startsWith(prefix(END_MILLIS + 2_000) + " [t]"), line);
        assertTrue(line.contains("[23/Nov/2026:21:00:02.123]"), line);
        assertTrue(line.endsWith("\"POST /caf\u00e9 HTTP/1.0\"" + System.lineSeparator()), line);
        assertEquals(line, new String(b.array(), 0, b.length(), StandardCharsets.UTF_8));
    }

    @Test
    void prefixTimeFollowsTheJvmZone() {
        LineBuilder b = new LineBuilder();
        b.prefixTime(END_MILLIS);
        String expected = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT)
                .withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(END_MILLIS));
        assertEquals(expected, b.toString());
    }

    @Test
    void writerWritesWholeLinesInOrderAndDropsWhatDoesNotFit() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LogWriter w = new LogWriter(() -> sink, 16, false);
        byte[] one = "line one\n".getBytes(StandardCharsets.US_ASCII);
        byte[] two = "line two\n".getBytes(StandardCharsets.US_ASCII);
        w.append(one, one.length);
        w.append(two, two.length); // 18 > 16 bytes: dropped, not cut
        w.drain();
        assertEquals("line one\n", sink.toString(StandardCharsets.US_ASCII));
        assertEquals(1, w.dropped());
        w.append(two, two.length);
        w.drain();
        assertEquals("line one\nline two\n", sink.toString(StandardCharsets.US_ASCII));
        assertEquals(1, w.dropped());
    }

    @Test
    void writerThreadDrainsWithoutBeingAsked() throws InterruptedException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LogWriter w = new LogWriter(() -> sink, 1024);
        byte[] line = "x\n".getBytes(StandardCharsets.US_ASCII);
        w.append(line, line.length);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (sink) {
                if (sink.size() > 0) {
                    break;
                }
            }
            Thread.sleep(5);
        }
        assertEquals("x\n", sink.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void idleWriterSleepsUntilTheNextLine() throws InterruptedException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        LogWriter w = new LogWriter(() -> sink, 1024);
        byte[] first = "first\n".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "second\n".getBytes(StandardCharsets.US_ASCII);
        w.append(first, first.length);
        awaitSinkSize(sink, first.length);
        // Nothing left to write: parked without a deadline (WAITING), not polling on a timer.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (w.writerThread().getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, w.writerThread().getState());
        w.append(second, second.length);
        awaitSinkSize(sink, first.length + second.length);
        assertEquals("first\nsecond\n", sink.toString(StandardCharsets.US_ASCII));
    }

    private static void awaitSinkSize(ByteArrayOutputStream sink, int size) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (sink) {
                if (sink.size() >= size) {
                    return;
                }
            }
            Thread.sleep(5);
        }
    }
}
