package io.pointsman.proxy.log;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.LogAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Syslog over TCP with octet counting (RFC 6587 §3.4.1: {@code LEN SP MSG}), what rsyslog's
 * imtcp and syslog-ng read. One connection, opened on the log event loop when the first
 * batch comes and again after it breaks, no more often than a back-off (1 s, doubling to
 * 30 s) allows. While it is being opened, up to 4 MiB of lines wait for it; while it is
 * down, or past that, lines are dropped and counted, as is a batch that finds the connection's outbound buffer full (a
 * server that reads too slowly): the writer never waits for the network.
 */
final class TcpTransport implements MessageTransport {
    private static final long MIN_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;
    /** What may wait for a connection: a few batches' worth. */
    private static final int MAX_PENDING_BYTES = 4 * 1024 * 1024;

    private final LogAddress address;
    private final LogSink.Counts counts;
    private ByteBuf batch;
    private int messages;
    /** Guarded by this: the connection, its pending batch, when to try again. */
    private Channel channel;
    private boolean connecting;
    private ByteBuf pending;
    private int pendingMessages;
    private long nextAttempt;
    private long backoff = MIN_BACKOFF_NANOS;

    TcpTransport(LogAddress address, LogSink.Counts counts) {
        this.address = address;
        this.counts = counts;
    }

    @Override
    public void add(byte[] message, int off, int len) {
        if (batch == null) {
            batch = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
        }
        batch.writeCharSequence(Integer.toString(len), StandardCharsets.US_ASCII);
        batch.writeByte(' ');
        batch.writeBytes(message, off, len);
        messages++;
    }

    @Override
    public synchronized void flush() {
        if (messages == 0) {
            return;
        }
        ByteBuf out = batch;
        int n = messages;
        batch = null;
        messages = 0;
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            write(ch, out, n);
            return;
        }
        if (pending == null) {
            pending = out;
            pendingMessages = n;
        } else if (pending.readableBytes() + out.readableBytes() <= MAX_PENDING_BYTES) {
            pending.writeBytes(out); // while connecting: sent together once connected
            pendingMessages += n;
            out.release();
        } else {
            counts.failed(n, new IllegalStateException("not connected to " + address));
            out.release();
        }
        if (!connecting && System.nanoTime() - nextAttempt >= 0) {
            connect();
        }
    }

    private void write(Channel ch, ByteBuf out, int n) {
        if (!ch.isWritable()) {
            out.release();
            counts.failed(n, new IllegalStateException(address + " does not read fast enough"));
            return;
        }
        ch.writeAndFlush(out).addListener(f -> {
            if (f.isSuccess()) {
                counts.sent(n);
            } else {
                counts.failed(n, f.cause());
            }
        });
    }

    /** Under this object's lock. */
    private void connect() {
        InetSocketAddress to;
        try {
            to = new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
        } catch (UnknownHostException e) {
            failedToConnect(new UnknownHostException("cannot resolve " + address.host()));
            return;
        }
        connecting = true;
        ChannelFuture f = new Bootstrap().group(LogIo.group())
                .channel(LogIo.epoll() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ReferenceCountUtil.release(msg); // a syslog server sends nothing worth reading
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                })
                .connect(to);
        f.addListener(done -> connected(f.channel(), done.isSuccess() ? null : done.cause()));
    }

    private synchronized void connected(Channel ch, Throwable failure) {
        connecting = false;
        if (failure != null) {
            ch.close();
            failedToConnect(failure);
            return;
        }
        channel = ch;
        backoff = MIN_BACKOFF_NANOS;
        if (pending != null) {
            ByteBuf out = pending;
            int n = pendingMessages;
            pending = null;
            write(ch, out, n);
        }
    }

    /** Under this object's lock. */
    private void failedToConnect(Throwable why) {
        if (pending != null) {
            counts.failed(pendingMessages, new IllegalStateException("cannot connect to " + address + ": "
                    + (why.getMessage() == null ? why.toString() : why.getMessage())));
            pending.release();
            pending = null;
        }
        nextAttempt = System.nanoTime() + backoff;
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
    }

    @Override
    public synchronized void close() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (channel != null) {
            channel.close();
        }
    }
}
