package io.pointsman.proxy.runtime;

import io.netty.util.concurrent.FastThreadLocal;
import io.pointsman.proxy.config.LogTarget.Severity;
import io.pointsman.proxy.log.FrontendLogging;
import io.pointsman.proxy.log.LineBuilder;
import io.pointsman.proxy.log.LogEntry;
import io.pointsman.proxy.log.LogTargets;
import io.pointsman.proxy.log.LogWriter;
import io.pointsman.proxy.stats.Latency;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a finished request (http) or session (tcp) is handed over: its latencies go into
 * the backend's and server's histograms, and its line, in the frontend's format, to the
 * generation's log targets ({@code global.log}) or, when there are none, to stderr in the
 * shape of logger {@code io.pointsman.access} as slf4j-simple prints it
 * ({@code 2026-11-23T21:00:00.123Z [pointsman-io-4-1] [INFO] access - …}; with
 * {@code log_separate_errors} an error's line says {@code [ERROR]}). That logger's level
 * still decides: {@code -Dorg.slf4j.simpleLogger.log.io.pointsman.access=warn} turns the
 * lines off, or leaves only the errors when they are separated.
 *
 * <p>Cheap on the event loop: the line is formatted into a per-thread buffer (no string
 * building, dates formatted once per second) and copied into a target's buffer; writer
 * threads do the rest ({@link LogWriter}).
 */
public final class AccessLogger {
    static final Logger ACCESS = LoggerFactory.getLogger("io.pointsman.access");
    private static final byte[] NEWLINE = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);

    /** Lines to stderr when no target is configured: 1 MiB × 2 holds ~10,000 lines. */
    static final LogWriter STDERR = new LogWriter(() -> System.err, 1 << 20);

    private static final FastThreadLocal<LineBuilder> LINE = new FastThreadLocal<>() {
        @Override
        protected LineBuilder initialValue() {
            return new LineBuilder();
        }
    };

    private AccessLogger() {
    }

    /**
     * Logs one finished entry. On the connection's event loop.
     *
     * @param client the client's address
     * @param now    {@code System.nanoTime()} at the end
     */
    public static void log(LogEntry e, InetSocketAddress client, ConnectionContext cx, long now) {
        Generation g = cx.generation();
        LiveFrontend fe = cx.frontend();
        long nowMillis = System.currentTimeMillis();
        e.finish(fe.name(), g.number(), g.revision(), client, now, nowMillis);
        LiveBackend b = e.backend == null ? null : g.backend(e.backend);
        LiveServer s = b == null || e.server == null ? null : b.server(e.server);
        observe(e, b, s, now);
        FrontendLogging logging = fe.logging();
        if (logging.skips(e)) {
            return;
        }
        LogTargets targets = g.logTargets();
        // log_separate_errors: an error is logged at err instead of info, as HAProxy does.
        boolean error = logging.separateErrors() && e.isError();
        Severity severity = error ? Severity.ERR : Severity.INFO;
        boolean toStderr = targets.isEmpty();
        if (toStderr ? !(error ? ACCESS.isErrorEnabled() : ACCESS.isInfoEnabled()) : !targets.takes(severity)) {
            return;
        }
        if (s != null) {
            e.serverAddress = s.address();
            e.srvconn = s.counters().current();
        }
        e.beconn = b == null ? 0 : b.counters().current();
        e.feconn = fe.counters().current();
        e.actconn = g.processConnections();
        LineBuilder line = LINE.get();
        if (toStderr) {
            stderrLine(line, e, logging, targets.hostname(), nowMillis, Thread.currentThread().getName(), error);
            STDERR.append(line.array(), line.length());
        } else {
            line.reset();
            logging.format().write(line, e, logging.captures(), targets.hostname());
            targets.emit(nowMillis, severity, line);
        }
    }

    /**
     * The whole stderr line, prefix and newline included, into {@code b} (reset first).
     *
     * @param error logged at err ({@code log_separate_errors}): slf4j's {@code [ERROR]}, else {@code [INFO]}
     */
    public static void stderrLine(LineBuilder b, LogEntry e, FrontendLogging logging, String hostname, long nowMillis,
                                  String thread, boolean error) {
        b.reset();
        b.prefixTime(nowMillis);
        b.ascii(" [").text(thread).ascii(error ? "] [ERROR] access - " : "] [INFO] access - ");
        logging.format().write(b, e, logging.captures(), hostname);
        b.bytes(NEWLINE);
    }

    /** Queue, connect, response-head and total time into the backend's and server's histograms. */
    private static void observe(LogEntry e, LiveBackend b, LiveServer s, long now) {
        if (b == null) {
            return;
        }
        Latency bl = b.counters().latency();
        Latency sl = s == null ? null : s.counters().latency();
        if (e.queueStart != 0 && e.queueEnd != 0) {
            long q = e.queueEnd - e.queueStart;
            bl.queue().observe(q);
            if (sl != null) {
                sl.queue().observe(q);
            }
        }
        if (e.connected != 0 && e.connectStart != 0) {
            long c = e.connected - e.connectStart;
            bl.connect().observe(c);
            if (sl != null) {
                sl.connect().observe(c);
            }
            if (e.responded != 0) {
                long r = e.responded - e.connected;
                bl.response().observe(r);
                if (sl != null) {
                    sl.response().observe(r);
                }
            }
        }
        long t = now - e.start;
        bl.total().observe(t);
        if (sl != null) {
            sl.total().observe(t);
        }
    }

    /** Lines lost because stderr could not keep up. */
    public static long stderrDropped() {
        return STDERR.dropped();
    }
}
