package io.pointsman.proxy.log;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

/** {@code stderr}: each message and a newline, one write per batch. */
final class StderrTransport implements MessageTransport {
    private final LogSink.Counts counts;
    private byte[] batch = new byte[64 * 1024];
    private int length;
    private int messages;

    StderrTransport(LogSink.Counts counts) {
        this.counts = counts;
    }

    @Override
    public void add(byte[] message, int off, int len) {
        if (length + len + 1 > batch.length) {
            batch = Arrays.copyOf(batch, Math.max(batch.length * 2, length + len + 1));
        }
        System.arraycopy(message, off, batch, length, len);
        length += len;
        batch[length++] = '\n';
        messages++;
    }

    @Override
    public void flush() {
        if (messages == 0) {
            return;
        }
        PrintStream err = System.err;
        err.write(batch, 0, length);
        err.flush();
        if (err.checkError()) {
            counts.failed(messages, new IOException("stderr write failed"));
        } else {
            counts.sent(messages);
        }
        length = 0;
        messages = 0;
    }

    @Override
    public void close() {
        flush();
    }
}
