package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;

/**
 * Follows a chunked body (RFC 9112 §7.1) byte by byte without copying it, to know where
 * the message ends and whether its framing is sound. The bytes themselves are forwarded
 * as they came; only a proxy that must remove the framing (an HTTP/1.0 client cannot read
 * chunks) asks for the data runs alone.
 *
 * <p>Use: {@link #advance} repeatedly over the readable bytes; each call stops at the end
 * of a <em>segment</em>, a run of either chunk data or framing (sizes, extensions, CRLFs,
 * trailers), so a caller can tell one from the other with {@link #lastWasData()}.
 * {@link #done()} says the last chunk and the trailer section have been seen. One
 * instance per connection, {@link #reset()} before each message.
 */
public final class ChunkedScanner {
    /** A chunk-size line (size + extensions) or a trailer line longer than this is refused. */
    private static final int MAX_LINE = 4096;
    /** Trailer section larger than this is refused. */
    private static final int MAX_TRAILERS = 16384;

    private enum State { SIZE, EXTENSION, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, DONE }

    private State state;
    private long chunkLeft;
    private int sizeDigits;
    private int lineLength;
    private int trailerBytes;
    private boolean lastWasData;
    private boolean lastChunk;

    public ChunkedScanner() {
        reset();
    }

    public void reset() {
        state = State.SIZE;
        chunkLeft = 0;
        sizeDigits = 0;
        lineLength = 0;
        trailerBytes = 0;
        lastWasData = false;
        lastChunk = false;
    }

    public boolean done() {
        return state == State.DONE;
    }

    /** True when the segment the last {@link #advance} went over was chunk data. */
    public boolean lastWasData() {
        return lastWasData;
    }

    /**
     * Goes over {@code buf[from, to)} up to the end of the current segment or of the
     * message, whichever comes first, and returns where it stopped.
     *
     * @throws MalformedMessageException when the framing is not valid chunked coding
     */
    public int advance(ByteBuf buf, int from, int to) {
        if (state == State.DATA) {
            lastWasData = true;
            int n = (int) Math.min(chunkLeft, to - from);
            chunkLeft -= n;
            if (chunkLeft == 0) {
                state = State.DATA_CR;
            }
            return from + n;
        }
        lastWasData = false;
        int i = from;
        while (i < to && state != State.DATA && state != State.DONE) {
            byte b = buf.getByte(i++);
            switch (state) {
                case SIZE -> size(b);
                case EXTENSION -> extension(b);
                case DATA_CR -> {
                    if (b == '\r') {
                        state = State.DATA_LF;
                    } else if (b == '\n') {
                        state = State.SIZE;
                    } else {
                        throw new MalformedMessageException("chunk data longer than its size");
                    }
                }
                case DATA_LF -> {
                    if (b != '\n') {
                        throw new MalformedMessageException("CR without LF after chunk data");
                    }
                    state = State.SIZE;
                }
                case TRAILER_START, TRAILER -> trailer(b);
                default -> throw new IllegalStateException(state.name());
            }
        }
        return i;
    }

    private void size(byte b) {
        int digit = hex(b);
        if (digit >= 0) {
            if (++sizeDigits > 15) { // 15 hex digits: 2^60, far past anything sane, never overflows a long
                throw new MalformedMessageException("chunk size too long");
            }
            chunkLeft = chunkLeft << 4 | digit;
            return;
        }
        if (sizeDigits == 0) {
            throw new MalformedMessageException("chunk size missing");
        }
        if (b == ';' || b == ' ' || b == '\t') {
            state = State.EXTENSION;
            lineLength = sizeDigits + 1;
            return;
        }
        if (b == '\r') {
            state = State.EXTENSION; // the LF must follow; EXTENSION accepts it
            lineLength = sizeDigits + 1;
            return;
        }
        if (b == '\n') {
            endSizeLine();
            return;
        }
        throw new MalformedMessageException("invalid character in chunk size");
    }

    private void extension(byte b) {
        if (b == '\n') {
            endSizeLine();
            return;
        }
        if (++lineLength > MAX_LINE) {
            throw new MalformedMessageException("chunk extension too long");
        }
        if (b != '\t' && b != '\r' && (b >= 0 && b < 0x20 || b == 0x7f)) {
            throw new MalformedMessageException("control character in chunk extension");
        }
    }

    private void endSizeLine() {
        sizeDigits = 0;
        lineLength = 0;
        if (chunkLeft == 0) {
            lastChunk = true;
            state = State.TRAILER_START;
        } else {
            state = State.DATA;
        }
    }

    private void trailer(byte b) {
        if (++trailerBytes > MAX_TRAILERS) {
            throw new MalformedMessageException("trailer section too large");
        }
        if (b == '\n') {
            if (state == State.TRAILER_START) {
                state = State.DONE; // the empty line ending the message
            } else {
                state = State.TRAILER_START;
                lineLength = 0;
            }
            return;
        }
        if (b == '\r') {
            return;
        }
        if (++lineLength > MAX_LINE) {
            throw new MalformedMessageException("trailer line too long");
        }
        state = State.TRAILER;
    }

    /** True once the zero-size chunk was read (only trailers, if any, follow). */
    public boolean inTrailers() {
        return lastChunk;
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
