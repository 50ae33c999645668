package io.pointsman.proxy.http;

import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.ResponseHead;
import io.pointsman.proxy.log.Captures;
import io.pointsman.proxy.log.FrontendLogging;
import io.pointsman.proxy.log.LineBuilder;
import io.pointsman.proxy.log.LogEntry;
import io.pointsman.proxy.runtime.AccessLogger;
import io.pointsman.proxy.runtime.ConnectionContext;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The http side of the access log: one {@link Entry} per client connection, filled per
 * request and handed to {@link AccessLogger} when the request ends. The default line is
 * HAProxy's {@code option httplog} shape (see {@link io.pointsman.proxy.log.LogFormat#HTTPLOG}):
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
 * {@code CC} while connecting), generation and commit, captured headers, request line.
 */
final class AccessLog {

    private AccessLog() {
    }

    /** The facts of the request being answered; reset for each one. */
    static final class Entry extends LogEntry {
        /** The request being answered, until its line is logged; null for a line given as text. */
        RequestHead head;

        void start(RequestHead head, long now) {
            start(head.method(), null, head.protocol(), now);
            this.head = head;
        }

        void start(String method, String uri, String version, long now) {
            reset(now);
            this.method = method;
            this.uri = uri;
            this.head = null;
            this.version = version;
        }

        /** For a refused request: its line is not repeated (it may be what was malformed). */
        void startBad(long now) {
            startIdle(now);
            status = 400;
            terminationState = "PR";
        }

        /** For a 408 before any request: there is no request line. */
        void startIdle(long now) {
            reset(now);
            head = null;
            backend = "<NOSRV>";
            server = "<NOSRV>";
            status = 408;
            terminationState = "cR";
        }

        /** The response headers the frontend captures ({@code capture.response_headers}), from the server's head. */
        void captureResponse(ResponseHead response, Captures captures) {
            List<Captures.Header> wanted = captures.response();
            if (wanted.isEmpty()) {
                return;
            }
            String[] values = new String[wanted.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = response.header(wanted.get(i).name());
            }
            responseCaptures = values;
        }

        @Override
        public void writeUri(LineBuilder b) {
            if (head != null) {
                byte[] a = b.room(head.uriLength());
                b.advanceTo(head.copyUri(a, b.length()));
            } else {
                super.writeUri(b);
            }
        }

        @Override
        public String uriText() {
            return head != null ? head.uri() : uri;
        }

        @Override
        public String requestHeader(String name) {
            if (head == null) {
                return null;
            }
            List<String> values = head.header(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    static void log(Entry e, InetSocketAddress client, ConnectionContext cx, long now) {
        AccessLogger.log(e, client, cx, now);
    }

    /** The default stderr line for {@code e} (tests), as {@link AccessLogger} writes it with no log target. */
    static void format(LineBuilder b, Entry e, InetSocketAddress client, String frontend, long generation,
                       String revision, long now, long nowMillis, String thread) {
        e.finish(frontend, generation, revision, client, now, nowMillis);
        AccessLogger.stderrLine(b, e, FrontendLogging.HTTP_DEFAULT, "localhost", nowMillis, thread, false);
    }
}
