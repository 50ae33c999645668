package io.pointsman.proxy.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.Socket;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;

/**
 * A relayed buffer sent with one {@code send(2)} on the socket, past Netty's outbound
 * path, when nothing is queued on that channel ahead of it.
 *
 * <p>Why: a proxy's writes are mostly one read's bytes going out at once. Through Netty
 * each one is a pipeline walk, an outbound-buffer entry, a flush walk and the same
 * {@code send(2)}; here it is the system call alone. In the tcp benchmark that Java work
 * was 0.44 of the event loop's 1.74 µs of user-space time per request (async-profiler;
 * bench/README, "Direct send").
 *
 * <p>Order and backpressure stay Netty's: the direct path is taken only when the
 * channel's outbound buffer holds nothing (not even an unflushed or empty write, which
 * counts its entry overhead), so nothing can overtake a queued byte; whatever the socket
 * does not take now (a full send buffer) stays in the buffer for the caller to write
 * through Netty, which queues it, waits for EPOLLOUT and turns the channel unwritable
 * as usual. An error (reset, broken pipe) sends nothing and leaves the buffer whole, so
 * the caller's Netty write meets the same error and fails the way it always did.
 *
 * <p>Only native-epoll sockets and buffers with a memory address (pooled direct ones)
 * go this way; under io_uring (the default where the kernel has it: its sends are
 * submitted in one batch per loop turn, which beats one {@code send(2)} each) and NIO,
 * or for a heap buffer, every write goes through Netty; so does every write to a connection
 * whose pipeline starts with TLS (its bytes must be encrypted: the TLS handler is first in
 * every TLS connection's pipeline once its handshake has begun). Call on the channel's event loop.
 */
public final class DirectSend {
    private DirectSend() {
    }

    /**
     * Sends what it can of {@code buf} on {@code ch} now.
     *
     * @return true when every byte went out (and {@code buf} was released); false when the
     *     caller must {@code write} the buffer, whose reader index has moved past what was
     *     sent, and flush
     */
    public static boolean send(Channel ch, ByteBuf buf) {
        if (!(ch instanceof EpollSocketChannel epoll) || !buf.hasMemoryAddress() || !nothingQueued(epoll)
                || ch.pipeline().first() instanceof SslHandler) {
            return false;
        }
        int from = buf.readerIndex();
        int to = buf.writerIndex();
        int sent;
        try {
            sent = ((Socket) epoll.fd()).sendAddress(buf.memoryAddress(), from, to);
        } catch (IOException e) {
            return false; // Netty's write meets the same error and closes as it always does
        }
        if (sent == to - from) {
            buf.release();
            return true;
        }
        buf.readerIndex(from + sent); // sent is 0 on EAGAIN
        return false;
    }

    /**
     * {@link #send} or, for what it could not send, a write through Netty without a
     * promise; true when such a write was made and waits for the caller's flush.
     */
    public static boolean sendOrWrite(Channel ch, ByteBuf buf) {
        if (send(ch, buf)) {
            return false;
        }
        ch.write(buf, ch.voidPromise());
        return true;
    }

    private static boolean nothingQueued(EpollSocketChannel ch) {
        if (!ch.isActive() || ch.isOutputShutdown()) {
            return false;
        }
        ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out != null && out.totalPendingWriteBytes() == 0;
    }
}
