package io.pointsman.proxy.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.pointsman.proxy.config.LogAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Syslog over UDP (RFC 5426: one message per datagram) or over a local datagram socket
 * ({@code unix:///dev/log}). A batch is copied into one pooled buffer and handed to the
 * log event loop in one task, which writes a datagram per message and flushes once: under
 * native epoll Netty sends the whole batch with {@code sendmmsg(2)}.
 *
 * <p>A host name is resolved here, on the writer thread, and again a minute later (or
 * after a failure): a name that does not resolve costs the batches of that minute, counted
 * and warned about, never a stall of anything else. A socket whose outbound buffer is
 * full (the kernel does not take more) drops the batch, counted.
 */
final class DatagramTransport implements MessageTransport {
    private static final long RESOLVE_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_BATCH_MESSAGES = 4096;

    private final LogAddress address;
    private final LogSink.Counts counts;
    private ByteBuf batch;
    private final int[] ends = new int[MAX_BATCH_MESSAGES];
    private int messages;
    private int overflow;
    private Channel channel;
    private SocketAddress recipient;
    private long resolvedAt;

    DatagramTransport(LogAddress address, LogSink.Counts counts) {
        this.address = address;
        this.counts = counts;
    }

    @Override
    public void add(byte[] message, int off, int len) {
        if (messages == ends.length) {
            overflow++; // sent with the next batch's worth of room: counted as lost now
            return;
        }
        if (batch == null) {
            batch = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
        }
        batch.writeBytes(message, off, len);
        ends[messages++] = batch.writerIndex();
    }

    @Override
    public void flush() {
        if (overflow > 0) {
            counts.failed(overflow, new IllegalStateException("more than " + MAX_BATCH_MESSAGES + " lines in one batch"));
            overflow = 0;
        }
        if (messages == 0) {
            return;
        }
        ByteBuf out = batch;
        int n = messages;
        int[] bounds = java.util.Arrays.copyOf(ends, n);
        batch = null;
        messages = 0;
        SocketAddress to;
        Channel ch;
        try {
            to = recipient();
            ch = channel();
        } catch (Exception e) {
            out.release();
            recipient = null;
            counts.failed(n, e);
            return;
        }
        if (!ch.isWritable()) {
            out.release();
            counts.failed(n, new IllegalStateException("the socket's send buffer is full"));
            return;
        }
        ch.eventLoop().execute(() -> send(ch, out, bounds, to));
    }

    /** On the log event loop. */
    private void send(Channel ch, ByteBuf out, int[] bounds, SocketAddress to) {
        try {
            int start = 0;
            ChannelFutureListener counting = f -> {
                if (f.isSuccess()) {
                    counts.sent(1);
                } else {
                    counts.failed(1, f.cause());
                    f.channel().close(); // the next batch opens a new socket (a restarted syslog daemon)
                }
            };
            for (int end : bounds) {
                ByteBuf one = out.retainedSlice(start, end - start);
                // The local socket is connected (a unix datagram socket must be, to send); UDP sends to each.
                Object packet = to instanceof DomainSocketAddress ? one : new DatagramPacket(one, (InetSocketAddress) to);
                ch.write(packet).addListener(counting);
                start = end;
            }
            ch.flush();
        } finally {
            out.release();
        }
    }

    private SocketAddress recipient() throws UnknownHostException {
        if (address.kind() == LogAddress.Kind.UNIX) {
            if (recipient == null) {
                recipient = new DomainSocketAddress(address.path());
            }
            return recipient;
        }
        long now = System.nanoTime();
        if (recipient == null || now - resolvedAt > RESOLVE_EVERY_NANOS) {
            try {
                recipient = new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
            } catch (UnknownHostException e) {
                throw new UnknownHostException("cannot resolve " + address.host());
            }
            resolvedAt = now;
        }
        return recipient;
    }

    private Channel channel() throws InterruptedException, UnknownHostException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        Bootstrap b = new Bootstrap().group(LogIo.group())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
                .handler(new ChannelInboundHandlerAdapter());
        ChannelFuture f;
        if (address.kind() == LogAddress.Kind.UNIX) {
            if (!LogIo.epoll()) {
                throw new IllegalStateException("unix datagram sockets need Netty's native epoll, not available here");
            }
            f = b.channel(EpollDomainDatagramChannel.class).connect(recipient());
        } else {
            f = b.channel(LogIo.epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class).bind(0);
        }
        f.await(5, TimeUnit.SECONDS);
        if (!f.isSuccess()) {
            f.channel().close();
            throw new IllegalStateException("cannot open a socket: " + f.cause());
        }
        channel = f.channel();
        return channel;
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
