package io.pointsman.proxy.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.LogAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Syslog over UDP (RFC 5426: one message per datagram) or over a local datagram socket
 * ({@code unix:///dev/log}). A batch is copied into one pooled buffer and handed to the
 * log event loop in one task, which writes a slice per message and flushes once: under
 * native epoll Netty sends the whole batch with {@code sendmmsg(2)}.
 *
 * <p>The socket is connected to the recipient, so the kernel looks up the route once per
 * socket instead of once per datagram, and messages are plain buffers (no address each).
 * A host name is resolved here, on the writer thread, and again a minute later (or after a
 * failure); when it then names another address, the next batch goes out on a new socket
 * connected to that one. A name that does not resolve costs the batches of that minute,
 * counted and warned about, never a stall of anything else. A socket whose outbound buffer
 * is full (the kernel does not take more) drops the batch, counted. A send that fails
 * closes the socket: the next batch opens a new one (a restarted syslog daemon).
 */
final class DatagramTransport implements MessageTransport {
    private static final long RESOLVE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_BATCH_MESSAGES = 4096;

    private final LogAddress address;
    private final LogSink.Counts counts;
    private final Resolver resolver;
    private final LongSupplier clock;
    private ByteBuf batch;
    private final int[] ends = new int[MAX_BATCH_MESSAGES];
    private int messages;
    private Channel channel;
    /** Where {@link #channel} is connected to. */
    private SocketAddress connectedTo;
    private SocketAddress recipient;
    private long resolvedAt;

    DatagramTransport(LogAddress address, LogSink.Counts counts) {
        this(address, counts, InetAddress::getByName, System::nanoTime);
    }

    /** @param resolver host name to address; {@code clock}: nanoseconds (tests move both) */
    DatagramTransport(LogAddress address, LogSink.Counts counts, Resolver resolver, LongSupplier clock) {
        this.address = address;
        this.counts = counts;
        this.resolver = resolver;
        this.clock = clock;
    }

    /** How a target's host name becomes an address. */
    @FunctionalInterface
    interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    @Override
    public void add(byte[] message, int off, int len) {
        if (messages == ends.length) {
            flush(); // a long batch leaves in parts
        }
        if (batch == null) {
            batch = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
        }
        batch.writeBytes(message, off, len);
        ends[messages++] = batch.writerIndex();
    }

    @Override
    public void flush() {
        if (messages == 0) {
            return;
        }
        ByteBuf out = batch;
        int[] bounds = Arrays.copyOf(ends, messages);
        batch = null;
        messages = 0;
        Channel ch;
        try {
            ch = channel();
        } catch (Exception e) {
            out.release();
            recipient = null;
            counts.failed(bounds.length, e);
            return;
        }
        if (!ch.isWritable()) {
            out.release();
            counts.failed(bounds.length, new IllegalStateException("the socket's send buffer is full"));
            return;
        }
        ch.eventLoop().execute(() -> send(ch, out, bounds));
    }

    /** On the log event loop. */
    private void send(Channel ch, ByteBuf out, int[] bounds) {
        try {
            BatchOutcome outcome = new BatchOutcome(bounds.length);
            int start = 0;
            for (int end : bounds) {
                ch.write(out.retainedSlice(start, end - start)).addListener(outcome);
                start = end;
            }
            ch.flush();
        } finally {
            out.release();
        }
    }

    /**
     * Counts one batch's messages as each leaves or fails, and reports them together once
     * the last is done (on the log event loop only).
     */
    private final class BatchOutcome implements ChannelFutureListener {
        private int pending;
        private int sent;
        private int failed;
        private Throwable cause;

        BatchOutcome(int messages) {
            this.pending = messages;
        }

        @Override
        public void operationComplete(ChannelFuture f) {
            if (f.isSuccess()) {
                sent++;
            } else {
                failed++;
                cause = f.cause();
                f.channel().close(); // the next batch opens a new socket (a restarted syslog daemon)
            }
            if (--pending == 0) {
                if (sent > 0) {
                    counts.sent(sent);
                }
                if (failed > 0) {
                    counts.failed(failed, cause);
                }
            }
        }
    }

    private SocketAddress recipient() throws UnknownHostException {
        if (address.kind() == LogAddress.Kind.UNIX) {
            if (recipient == null) {
                recipient = new DomainSocketAddress(address.path());
            }
            return recipient;
        }
        long now = clock.getAsLong();
        if (recipient == null || now - resolvedAt > RESOLVE_EVERY_NANOS) {
            try {
                recipient = new InetSocketAddress(resolver.resolve(address.host()), address.port());
            } catch (UnknownHostException e) {
                throw new UnknownHostException("cannot resolve " + address.host());
            }
            resolvedAt = now;
        }
        return recipient;
    }

    /** The open socket connected to the current recipient: the one we have, or a new one. */
    private Channel channel() throws InterruptedException, UnknownHostException {
        SocketAddress to = recipient();
        if (channel != null) {
            if (channel.isOpen() && to.equals(connectedTo)) {
                return channel;
            }
            channel.close(); // closed by a failed send, or the name now resolves elsewhere
            channel = null;
        }
        Bootstrap b = new Bootstrap().group(LogIo.group())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .handler(new RefusalWarning());
        if (address.kind() == LogAddress.Kind.UNIX) {
            if (!LogIo.epoll()) {
                throw new IllegalStateException("unix datagram sockets need Netty's native epoll, not available here");
            }
            b.channel(EpollDomainDatagramChannel.class);
        } else {
            b.channel(LogIo.epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class);
        }
        ChannelFuture f = b.connect(to);
        f.await(5, TimeUnit.SECONDS);
        if (!f.isSuccess()) {
            f.channel().close();
            throw new IllegalStateException("cannot open a socket to " + to + ": " + f.cause());
        }
        channel = f.channel();
        connectedTo = to;
        return channel;
    }

    /**
     * A connected UDP socket hears the ICMP "port unreachable" of a recipient with nothing
     * listening, as a read error: said (rate limited), not left to Netty's pipeline tail.
     * The datagrams had left (counted as sent); the socket stays usable.
     */
    private final class RefusalWarning extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // a syslog server does not answer; nothing to read
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            counts.warn("the recipient refuses datagrams (" + cause + ")");
        }
    }

    @Override
    public void close() {
        flush();
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (channel != null) {
            channel.close();
        }
    }
}
