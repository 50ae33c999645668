package io.pointsman.proxy.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Takes finished access-log lines from the event loops and writes them in batches from
 * one background thread, so a request costs a copy into a buffer instead of a
 * {@code write(2)} on the event loop (and a slow stderr can never block a loop).
 *
 * <p>Two buffers: the loops append to the active one under a short lock; the writer
 * swaps them {@link #PERIOD_NANOS} after the first line of a batch (sooner when the
 * active one is half full) and writes the full one out. With nothing to write it sleeps
 * until the next line: an idle proxy has no thread waking up to look for log lines, and a
 * busy one wakes it once per batch. When the writer falls behind and the active buffer is full,
 * lines are dropped and counted, and the count is reported as a warning once the writer
 * catches up: losing log lines is better than stalling traffic.
 */
final class AccessLogWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Supplier<OutputStream> out;
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

    /**
     * @param out      where batches go, asked for each batch (System.err may be replaced at runtime)
     * @param capacity bytes each of the two buffers holds
     */
    AccessLogWriter(Supplier<OutputStream> out, int capacity) {
        this(out, capacity, true);
    }

    /** @param background false: no writer thread, only {@link #drain()} writes (tests) */
    AccessLogWriter(Supplier<OutputStream> out, int capacity, boolean background) {
        this.started = !background;
        this.out = out;
        this.active = new byte[capacity];
        this.spare = new byte[capacity];
    }

    /** Appends one line (its bytes, newline included); drops it when the buffer is full. Never blocks on I/O. */
    void append(byte[] line, int len) {
        boolean wake;
        synchronized (lock) {
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
            if (writerIdle) {
                writerIdle = false; // the first line of a batch: the writer gathers for a period
                wake = true;
            } else if (!writerNudged && (full || length > active.length / 2)) {
                writerNudged = true; // no need to wait out the period
                wake = true;
            } else {
                wake = false;
            }
        }
        if (wake && writer != null) {
            LockSupport.unpark(writer);
        }
    }

    /** Lines dropped so far because the writer was behind. */
    long dropped() {
        synchronized (lock) {
            return droppedTotal;
        }
    }

    /** The background writer, once started (tests look at its state). */
    Thread writerThread() {
        return writer;
    }

    /** Writes out what is buffered now (the writer thread, shutdown, tests). */
    void drain() {
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
                OutputStream o = out.get();
                o.write(batch, 0, n);
                o.flush();
            } catch (IOException | RuntimeException e) {
                LOG.warn("access log: writing {} bytes failed: {}", n, e.toString());
            }
        }
        if (dropped > 0) {
            LOG.warn("access log: {} lines dropped, the log output could not keep up", dropped);
        }
    }

    private void start() {
        started = true;
        Thread t = new Thread(this::run, "pointsman-access-log");
        t.setDaemon(true);
        writer = t;
        t.start();
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "pointsman-access-log-flush"));
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already going down: the writer thread drains what it can
        }
    }

    private void run() {
        while (true) {
            boolean idle;
            synchronized (lock) {
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
