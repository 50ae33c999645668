package io.pointsman.proxy.http;

import io.netty.handler.codec.http.HttpRequest;
import io.pointsman.proxy.runtime.ConnectionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Instant;
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
 * timeout, {@code sQ} queue timeout, {@code CD} client left), generation and commit, request line.
 */
final class AccessLog {
    static final Logger LOG = LoggerFactory.getLogger("io.pointsman.access");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    private AccessLog() {
    }

    /** The facts of the request being answered; reset for each one. */
    static final class Entry {
        long start;
        Instant startTime;
        String requestLine;
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

        void start(HttpRequest head, long now) {
            start = now;
            startTime = Instant.now();
            requestLine = head.method() + " " + head.uri() + " " + head.protocolVersion();
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
            startTime = Instant.now();
            requestLine = "<BADREQ>";
            backend = "<NOSRV>";
            server = "<NOSRV>";
            status = 408;
            terminationState = "cR";
        }
    }

    static void log(Entry e, InetSocketAddress client, ConnectionContext cx, long now) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long tw = e.queueStart == 0 ? 0 : e.queueEnd == 0 ? -1 : ms(e.queueEnd - e.queueStart);
        long tc = e.connected == 0 ? -1 : ms(e.connected - e.connectStart);
        long tr = e.responded == 0 || e.connected == 0 ? -1 : ms(e.responded - e.connected);
        String revision = cx.generation().revision();
        String shortRevision = revision != null && revision.length() > 7 ? revision.substring(0, 7) : revision;
        LOG.info("{}:{} [{}] {} {}/{} 0/{}/{}/{}/{} {} {} {} gen={}({}) \"{}\"",
                client.getAddress().getHostAddress(), client.getPort(), TIME.format(e.startTime),
                cx.frontend().name(), e.backend == null ? "<NOSRV>" : e.backend,
                e.server == null ? "<NOSRV>" : e.server, tw, tc, tr, ms(now - e.start), e.status, e.bytesOut,
                e.terminationState, cx.generation().number(), shortRevision, e.requestLine);
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
