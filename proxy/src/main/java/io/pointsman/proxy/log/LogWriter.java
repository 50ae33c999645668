package io.pointsman.proxy.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Takes finished log lines (or records, {@link #appendRecord}) from the event loops and
 * hands them in batches to one output from one background thread, so a request costs a
 * copy into a buffer instead of a {@code write(2)} on the event loop (and a slow output
 * can never block a loop).
 *
 * <p>Two buffers: the loops append to the active one under a short lock; the writer
 * swaps them {@link #PERIOD_NANOS} after the first line of a batch (sooner when the
 * active one is half full) and writes the full one out. With nothing to write it sleeps
 * until the next line: an idle proxy has no thread waking up to look for log lines, and a
 * busy one wakes it once per batch. When the writer falls behind and the active buffer is full,
 * lines are dropped and counted, and the count is reported as a warning once the writer
 * catches up: losing log lines is better than stalling traffic.
 */
public final class LogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
    public static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Bytes before each record's body: epoch millis (8), severity (1), body length (4). */
    public static final int RECORD_HEADER = 13;

    /** Where batches go; called on the writer thread only. */
    @FunctionalInterface
    public interface Output {
        void write(byte[] batch, int length) throws IOException;
    }

    private final String name;
    private final Output out;
    private final Object lock = new Object();
    private byte[] active;
    private byte[] spare;
    private int length;
    private long droppedSinceReport;
    private long droppedTotal;
    /** The writer sleeps until a line comes (guarded by {@link #lock}). */
    private boolean writerIdle;
    /** The writer was woken early for this batch (half full or dropping); guarded by {@link #lock}. */
    private boolean writerNudged;
    /** Held while a batch is written: the writer thread, the shutdown hook and tests never interleave. */
    private final Object drainLock = new Object();
    private volatile Thread writer;
    private boolean started;
    /** Guarded by {@link #lock}. */
    private boolean closed;

    /**
     * A writer of lines to a stream.
     *
     * @param out      where batches go, asked for each batch (System.err may be replaced at runtime)
     * @param capacity bytes each of the two buffers holds
     */
    public LogWriter(Supplier<OutputStream> out, int capacity) {
        this(out, capacity, true);
    }

    /** @param background false: no writer thread, only {@link #drain()} writes (tests) */
    public LogWriter(Supplier<OutputStream> out, int capacity, boolean background) {
        this("access log", (batch, n) -> {
            OutputStream o = out.get();
            o.write(batch, 0, n);
            o.flush();
        }, capacity, background);
    }

    /**
     * @param name       for the writer thread and warnings ({@code access log}, a log target)
     * @param background false: no writer thread, only {@link #drain()} writes (tests)
     */
    public LogWriter(String name, Output out, int capacity, boolean background) {
        this.name = name;
        this.started = !background;
        this.out = out;
        this.active = new byte[capacity];
        this.spare = new byte[capacity];
    }

    /** Appends one line (its bytes, newline included); drops it when the buffer is full. Never blocks on I/O. */
    public void append(byte[] line, int len) {
        boolean wake;
        synchronized (lock) {
            if (closed) {
                droppedTotal++;
                return;
            }
            if (!started) {
                start();
            }
            boolean full = length + len > active.length;
            if (full) {
                droppedSinceReport++;
                droppedTotal++;
            } else {
                System.arraycopy(line, 0, active, length, len);
                length += len;
            }
            wake = wakeDecision(full);
        }
        if (wake && writer != null) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * Appends one record: {@link #RECORD_HEADER} bytes (the time, the severity, the body's
     * length) and the body; the output decodes them ({@link #forEachRecord}). Dropped and
     * counted when the buffer is full. Never blocks on I/O.
     */
    public void appendRecord(long epochMillis, int severity, byte[] body, int len) {
        boolean wake;
        synchronized (lock) {
            if (closed) {
                droppedTotal++;
                return;
            }
            if (!started) {
                start();
            }
            boolean full = length + RECORD_HEADER + len > active.length;
            if (full) {
                droppedSinceReport++;
                droppedTotal++;
            } else {
                byte[] a = active;
                int at = length;
                for (int i = 7; i >= 0; i--) {
                    a[at++] = (byte) (epochMillis >>> (i * 8));
                }
                a[at++] = (byte) severity;
                a[at++] = (byte) (len >>> 24);
                a[at++] = (byte) (len >>> 16);
                a[at++] = (byte) (len >>> 8);
                a[at++] = (byte) len;
                System.arraycopy(body, 0, a, at, len);
                length = at + len;
            }
            wake = wakeDecision(full);
        }
        if (wake && writer != null) {
            LockSupport.unpark(writer);
        }
    }

    /** What one decoded record is given to. */
    @FunctionalInterface
    public interface RecordConsumer {
        void accept(long epochMillis, int severity, byte[] batch, int bodyOffset, int bodyLength) throws IOException;
    }

    /** Decodes the records of a batch written by {@link #appendRecord}. */
    public static void forEachRecord(byte[] batch, int length, RecordConsumer consumer) throws IOException {
        int at = 0;
        while (at + RECORD_HEADER <= length) {
            long millis = 0;
            for (int i = 0; i < 8; i++) {
                millis = millis << 8 | (batch[at++] & 0xFF);
            }
            int severity = batch[at++];
            int len = (batch[at] & 0xFF) << 24 | (batch[at + 1] & 0xFF) << 16 | (batch[at + 2] & 0xFF) << 8
                    | (batch[at + 3] & 0xFF);
            at += 4;
            consumer.accept(millis, severity, batch, at, len);
            at += len;
        }
    }

    /** Whether the writer must be woken for this append; under {@link #lock}. */
    private boolean wakeDecision(boolean full) {
        if (writerIdle) {
            writerIdle = false; // the first line of a batch: the writer gathers for a period
            return true;
        }
        if (!writerNudged && (full || length > active.length / 2)) {
            writerNudged = true; // no need to wait out the period
            return true;
        }
        return false;
    }

    /** Lines dropped so far because the writer was behind (or closed). */
    public long dropped() {
        synchronized (lock) {
            return droppedTotal;
        }
    }

    /** The background writer, once started (tests look at its state). */
    public Thread writerThread() {
        return writer;
    }

    /** Writes out what is buffered now (the writer thread, shutdown, tests). */
    public void drain() {
        synchronized (drainLock) {
            drainBuffered();
        }
    }

    private void drainBuffered() {
        byte[] batch;
        int n;
        long dropped;
        synchronized (lock) {
            batch = active;
            n = length;
            active = spare;
            spare = batch;
            length = 0;
            dropped = droppedSinceReport;
            droppedSinceReport = 0;
            writerNudged = false;
        }
        // Only this method touches the spare buffer, and only one thread drains at a time.
        if (n > 0) {
            try {
                out.write(batch, n);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: writing {} bytes failed: {}", name, n, e.toString());
            }
        }
        if (dropped > 0) {
            LOG.warn("{}: {} lines dropped, the log output could not keep up", name, dropped);
        }
    }

    /**
     * Stops taking lines: what is buffered is written, later appends are dropped (counted),
     * the writer thread ends.
     */
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        drain();
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void start() {
        started = true;
        Thread t = new Thread(this::run, "pointsman-log " + name);
        t.setDaemon(true);
        writer = t;
        t.start();
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "pointsman-log-flush " + name));
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already going down: the writer thread drains what it can
        }
    }

    private void run() {
        while (true) {
            boolean idle;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                idle = length == 0 && droppedSinceReport == 0;
                writerIdle = idle;
            }
            if (idle) {
                LockSupport.park(this); // until the next line (or spuriously: looked at again)
                continue;
            }
            LockSupport.parkNanos(this, PERIOD_NANOS); // let the batch fill
            drain();
        }
    }
}
