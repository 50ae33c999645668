package io.pointsman.proxy.http;

import io.netty.util.concurrent.FastThreadLocal;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.runtime.ConnectionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One line per request on logger {@code io.pointsman.access}, shaped like HAProxy's
 * {@code option httplog} so existing habits and log parsers carry over:
 * <pre>
 * 127.0.0.1:50412 [23/Nov/2026:21:00:00.123] public-http web-farm/web0 0/0/1/3/4 200 512 -- gen=3(abc1234) "GET /a HTTP/1.1"
 * </pre>
 * Timers in ms: Tq (request head, always 0 here: heads are read whole), Tw (queue),
 * Tc (connect, -1 when none), Tr (server response head, -1 when none), Tt (total).
 * Then status, bytes to the client, HAProxy-like termination state ({@code --} normal,
 * {@code SC} connect failed, {@code SH} server closed before its head, {@code sH} server
 * timeout, {@code sQ} queue timeout; a client that left: {@code CR} while sending its request,
 * {@code CH} waiting for the response head, {@code CD} during the response, with status -1
 * when nothing was answered; with {@code abortonclose} also {@code CQ} while queued and
 * {@code CC} while connecting), generation and commit, request line.
 *
 * <p>Cheap on the event loop: the line is formatted into a per-thread byte buffer (no
 * string building, dates formatted once per second) and handed to {@link AccessLogWriter},
 * which writes batches to stderr from its own thread. The line keeps slf4j-simple's shape
 * as configured in pointsman.jar ({@code 2026-11-23T21:00:00.123Z [pointsman-io-4-1] [INFO]
 * access - ...}), and the logger's level still decides: below INFO (e.g.
 * {@code -Dorg.slf4j.simpleLogger.log.io.pointsman.access=warn}) nothing is formatted.
 */
final class AccessLog {
    static final Logger LOG = LoggerFactory.getLogger("io.pointsman.access");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PREFIX_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter PREFIX_OFFSET = DateTimeFormatter.ofPattern("XXX", Locale.ROOT);
    private static final byte[] NEWLINE = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);

    /** Shared by every event loop: 1 MiB × 2 holds ~10,000 lines, tens of milliseconds at full load. */
    static final AccessLogWriter WRITER = new AccessLogWriter(() -> System.err, 1 << 20);

    private static final FastThreadLocal<LineBuilder> LINE = new FastThreadLocal<>() {
        @Override
        protected LineBuilder initialValue() {
            return new LineBuilder();
        }
    };

    private AccessLog() {
    }

    /** The facts of the request being answered; reset for each one. */
    static final class Entry {
        long start;
        long startMillis;
        String method;
        /** The target as text, or null when it is {@link #head}'s (written from its bytes, no String made). */
        String uri;
        /** The request being answered, until its line is logged; null for a line given as text. */
        RequestHead head;
        String version;
        String backend;
        String server;
        long queueStart;
        long queueEnd;
        long connectStart;
        long connected;
        long responded;
        int status;
        long bytesIn;
        long bytesOut;
        int retries;
        String terminationState;
        /** The client's address as text, kept while the address is the same (it is, per connection). */
        private InetSocketAddress client;
        private String clientHost;

        void start(RequestHead head, long now) {
            start(head.method(), null, head.protocol(), now);
            this.head = head;
        }

        void start(String method, String uri, String version, long now) {
            start = now;
            startMillis = System.currentTimeMillis();
            this.method = method;
            this.uri = uri;
            this.head = null;
            this.version = version;
            backend = null;
            server = null;
            queueStart = 0;
            queueEnd = 0;
            connectStart = 0;
            connected = 0;
            responded = 0;
            status = 0;
            bytesIn = 0;
            bytesOut = 0;
            retries = 0;
            terminationState = "--";
        }

        /** For a refused request: its line is not repeated (it may be what was malformed). */
        void startBad(long now) {
            startIdle(now);
            status = 400;
            terminationState = "PR";
        }

        /** For a 408 before any request: there is no request line. */
        void startIdle(long now) {
            start = now;
            startMillis = System.currentTimeMillis();
            method = null;
            uri = null;
            head = null;
            version = null;
            backend = "<NOSRV>";
            server = "<NOSRV>";
            status = 408;
            terminationState = "cR";
        }

        String clientHost(InetSocketAddress address) {
            if (address != client) {
                client = address;
                clientHost = address.getAddress().getHostAddress();
            }
            return clientHost;
        }
    }

    static void log(Entry e, InetSocketAddress client, ConnectionContext cx, long now) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LineBuilder b = LINE.get();
        format(b, e, client, cx.frontend().name(), cx.generation().number(), cx.generation().revision(), now,
                System.currentTimeMillis(), Thread.currentThread().getName());
        WRITER.append(b.bytes, b.length);
    }

    /** The whole line, prefix and newline included, into {@code b} (reset first). */
    static void format(LineBuilder b, Entry e, InetSocketAddress client, String frontend, long generation,
                       String revision, long now, long nowMillis, String thread) {
        long tw = e.queueStart == 0 ? 0 : e.queueEnd == 0 ? -1 : ms(e.queueEnd - e.queueStart);
        long tc = e.connected == 0 ? -1 : ms(e.connected - e.connectStart);
        long tr = e.responded == 0 || e.connected == 0 ? -1 : ms(e.responded - e.connected);
        b.length = 0;
        b.prefixTime(nowMillis);
        b.ascii(" [").text(thread).ascii("] [INFO] access - ");
        b.text(e.clientHost(client)).put(':').number(client.getPort()).ascii(" [");
        b.requestTime(e.startMillis);
        b.ascii("] ").text(frontend).put(' ').text(e.backend == null ? "<NOSRV>" : e.backend).put('/')
                .text(e.server == null ? "<NOSRV>" : e.server);
        b.ascii(" 0/").number(tw).put('/').number(tc).put('/').number(tr).put('/').number(ms(now - e.start));
        b.put(' ').number(e.status).put(' ').number(e.bytesOut).put(' ').text(e.terminationState);
        b.ascii(" gen=").number(generation).put('(');
        if (revision == null) {
            b.ascii("null");
        } else {
            b.text(revision, Math.min(revision.length(), 7));
        }
        b.ascii(") \"");
        if (e.method == null) {
            b.ascii("<BADREQ>");
        } else {
            b.text(e.method).put(' ');
            if (e.head != null) {
                b.uri(e.head);
            } else {
                b.text(e.uri);
            }
            b.put(' ').text(e.version);
        }
        b.put('"');
        for (byte nl : NEWLINE) {
            b.put(nl);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** Lines lost because stderr could not keep up (see {@link AccessLogWriter}). */
    static long dropped() {
        return WRITER.dropped();
    }

    /**
     * A growable byte buffer with the few appends a log line needs, and the two clock
     * texts cached for the current second. One per event loop thread.
     */
    static final class LineBuilder {
        byte[] bytes = new byte[512];
        int length;
        private long prefixSecond = Long.MIN_VALUE;
        private byte[] prefixSecondText;
        private byte[] prefixOffsetText;
        private long requestSecond = Long.MIN_VALUE;
        private byte[] requestSecondText;

        LineBuilder put(int b) {
            if (length == bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = (byte) b;
            return this;
        }

        /** Makes room for at least {@code n} more bytes. */
        private void room(int n) {
            if (length + n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
        }

        LineBuilder ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                put(s.charAt(i));
            }
            return this;
        }

        LineBuilder text(String s) {
            return text(s, s.length());
        }

        /** The request target, copied from the head's bytes (ASCII, checked when parsed). */
        LineBuilder uri(RequestHead head) {
            room(head.uriLength());
            length = head.copyUri(bytes, length);
            return this;
        }

        /** The first {@code n} chars of {@code s}, UTF-8 encoded (what a PrintStream on UTF-8 would write). */
        LineBuilder text(String s, int n) {
            room(n);
            // ASCII, the usual case, straight into the array; the first other char goes the slow way.
            byte[] b = bytes;
            int at = length;
            int i = 0;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                b[at++] = (byte) c;
            }
            length = at;
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    put(c);
                } else if (c < 0x800) {
                    put(0xC0 | c >> 6).put(0x80 | c & 0x3F);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    put(0xF0 | cp >> 18).put(0x80 | cp >> 12 & 0x3F).put(0x80 | cp >> 6 & 0x3F).put(0x80 | cp & 0x3F);
                } else if (Character.isSurrogate(c)) {
                    put('?');
                } else {
                    put(0xE0 | c >> 12).put(0x80 | c >> 6 & 0x3F).put(0x80 | c & 0x3F);
                }
            }
            return this;
        }

        LineBuilder number(long v) {
            if (v < 0) {
                put('-');
                if (v == Long.MIN_VALUE) {
                    return ascii("9223372036854775808");
                }
                v = -v;
            }
            if (v < 10) {
                return put('0' + (int) v);
            }
            int start = length;
            while (v > 0) {
                put('0' + (int) (v % 10));
                v /= 10;
            }
            for (int i = start, j = length - 1; i < j; i++, j--) {
                byte t = bytes[i];
                bytes[i] = bytes[j];
                bytes[j] = t;
            }
            return this;
        }

        private LineBuilder millis(long epochMillis) {
            int m = (int) Math.floorMod(epochMillis, 1000L);
            return put('.').put('0' + m / 100).put('0' + m / 10 % 10).put('0' + m % 10);
        }

        /** slf4j-simple's {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in the JVM's zone. */
        LineBuilder prefixTime(long epochMillis) {
            long second = Math.floorDiv(epochMillis, 1000L);
            if (second != prefixSecond) {
                Instant at = Instant.ofEpochSecond(second);
                ZoneId zone = ZoneId.systemDefault();
                prefixSecondText = PREFIX_TIME.withZone(zone).format(at).getBytes(StandardCharsets.US_ASCII);
                prefixOffsetText = PREFIX_OFFSET.withZone(zone).format(at).getBytes(StandardCharsets.US_ASCII);
                prefixSecond = second;
            }
            append(prefixSecondText);
            millis(epochMillis);
            return append(prefixOffsetText);
        }

        /** HAProxy's {@code dd/MMM/yyyy:HH:mm:ss.SSS}, UTC. */
        LineBuilder requestTime(long epochMillis) {
            long second = Math.floorDiv(epochMillis, 1000L);
            if (second != requestSecond) {
                requestSecondText = TIME.format(Instant.ofEpochSecond(second)).getBytes(StandardCharsets.US_ASCII);
                requestSecond = second;
            }
            append(requestSecondText);
            return millis(epochMillis);
        }

        private LineBuilder append(byte[] b) {
            for (byte x : b) {
                put(x);
            }
            return this;
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }
}
