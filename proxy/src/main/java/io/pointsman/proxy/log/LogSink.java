package io.pointsman.proxy.log;

import io.pointsman.proxy.config.LogTarget;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code global.log} target at work: the event loops hand it finished lines
 * ({@link #emit}, a copy into a bounded buffer), its own writer thread frames them as
 * syslog messages ({@link SyslogFraming}) and sends them ({@link MessageTransport}). Lines
 * more verbose than the target's {@code level} are not taken. A full buffer drops lines,
 * a transport that fails loses them: both are counted ({@link #dropped}, {@link #failed},
 * in {@code /metrics}) and warned about at most every 10 s. Nothing here blocks a caller.
 */
public final class LogSink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogSink.class);
    /** Bytes per buffer (two of them): ~10,000 lines, tens of milliseconds at full load. */
    static final int CAPACITY = 1 << 20;

    private final LogTarget spec;
    private final int level;
    private final Counts counts;
    private final LogWriter writer;
    private final MessageTransport transport;

    /**
     * @param spec     a normalized target (every field set)
     * @param hostname this node's host name, for rfc5424 messages whose target sets none
     */
    public LogSink(LogTarget spec, String hostname) {
        this(spec, hostname, true);
    }

    LogSink(LogTarget spec, String hostname, boolean background) {
        this.spec = spec;
        this.level = spec.level().code();
        this.counts = new Counts(spec.target().toString());
        MessageTransport transport = switch (spec.target().kind()) {
            case STDERR -> new StderrTransport(counts);
            case UDP, UNIX -> new DatagramTransport(spec.target(), counts);
            case TCP -> new TcpTransport(spec.target(), counts);
        };
        String host = spec.hostname() != null ? spec.hostname()
                : spec.format() == LogTarget.Syntax.RFC5424 ? hostname : null;
        SyslogFraming framing = new SyslogFraming(spec.format(), spec.facility(), spec.tag(), host);
        LineBuilder message = new LineBuilder();
        this.writer = new LogWriter(spec.target().toString(), (batch, n) -> {
            LogWriter.forEachRecord(batch, n, (millis, severity, bytes, off, len) -> {
                framing.frame(message, millis, severity, bytes, off, len);
                transport.add(message.array(), 0, message.length());
            });
            transport.flush();
        }, CAPACITY, background);
        this.transport = transport;
    }

    public LogTarget spec() {
        return spec;
    }

    /** Whether a line of this severity goes to this target. */
    public boolean takes(LogTarget.Severity severity) {
        return severity.code() <= level;
    }

    /** From any thread (an event loop): queues one line (no newline), or drops and counts it. */
    public void emit(long epochMillis, LogTarget.Severity severity, byte[] line, int len) {
        if (severity.code() <= level) {
            writer.appendRecord(epochMillis, severity.code(), line, len);
        }
    }

    /** Lines handed to the transport that left (UDP/unix: given to the kernel; TCP: written). */
    public long sent() {
        return counts.sent.sum();
    }

    /** Lines dropped because the buffer was full (the writer or the network could not keep up). */
    public long dropped() {
        return writer.dropped();
    }

    /** Lines lost by the transport: a name that does not resolve, a refused connection, a send error. */
    public long failed() {
        return counts.failed.sum();
    }

    /** Writes out what is queued now (tests; the writer thread does it by itself). */
    public void drain() {
        writer.drain();
    }

    /** Sends what is queued, then stops; later lines are dropped. */
    @Override
    public void close() {
        writer.close();
        transport.close();
    }

    @Override
    public String toString() {
        return spec.target().toString();
    }

    /** What a transport reports back. Thread-safe. */
    static final class Counts {
        final LongAdder sent = new LongAdder();
        final LongAdder failed = new LongAdder();
        private final String target;
        private final RateLimitedWarning warning = new RateLimitedWarning(log, TimeUnit.SECONDS.toNanos(10));

        Counts(String target) {
            this.target = target;
        }

        void sent(int n) {
            sent.add(n);
        }

        void failed(int n, Throwable why) {
            failed.add(n);
            String reason = why == null ? "unknown" : why.getMessage() == null ? why.toString() : why.getMessage();
            warning.warn("log target " + target + ": " + n + " lines lost: " + reason);
        }

        /** A problem that loses no counted line (rate limited with the losses' warnings). */
        void warn(String what) {
            warning.warn("log target " + target + ": " + what);
        }
    }
}
