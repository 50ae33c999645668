package io.pointsman.proxy.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Last handler of a server connection: hands what {@link ServerResponseDecoder} reads to
 * the client connection that currently uses it ({@link #owner}). While the connection
 * idles in the pool it has no owner, and anything the server sends or the idle timeout
 * closes it.
 *
 * <p>It also keeps {@code timeout server}: a connection with no read and no write for that
 * long times out (the owner answers 504, or an idle pooled connection is closed). One
 * timer per connection, pushed back lazily: reads and writes only note the time, and a
 * timer that fires early schedules itself for the rest (a separate IdleStateHandler cost
 * a pipeline hop per read and a listener per write).
 */
final class ServerResponseHandler extends ChannelInboundHandlerAdapter {
    final String serverKey;
    /** The address this connection was opened to: it is reused only for requests that go there. */
    final InetSocketAddress target;
    /** This connection's decoder, told what each request expects. */
    final ServerResponseDecoder decoder;
    HttpExchange owner;
    /** This connection's byte counter, for what is sent past its pipeline ({@code DirectSend}). */
    WireBytes wire;
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private long lastActivity;
    private ScheduledFuture<?> timer;

    ServerResponseHandler(String serverKey, InetSocketAddress target, ServerResponseDecoder decoder,
                          long timeoutMillis) {
        this.serverKey = serverKey;
        this.target = target;
        this.decoder = decoder;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    /** The connection this handler is on (once added to its pipeline). */
    Channel channel() {
        return ctx.channel();
    }

    /** Notes activity on the connection (the proxy calls it when it flushes a write). */
    void touch() {
        lastActivity = System.nanoTime();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            startTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startTimer();
        ctx.fireChannelActive();
    }

    private void startTimer() {
        if (timer == null && timeoutNanos > 0) {
            touch();
            timer = ctx.executor().schedule(this::timerFired, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void timerFired() {
        timer = null;
        if (ctx.isRemoved() || !ctx.channel().isOpen()) {
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle < timeoutNanos) {
            timer = ctx.executor().schedule(this::timerFired, timeoutNanos - idle, TimeUnit.NANOSECONDS);
        } else if (owner != null) {
            owner.serverTimeout(ctx.channel());
        } else {
            ctx.close();
        }
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (owner != null) {
            owner.serverRead(ctx.channel(), msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        touch();
        if (owner != null) {
            owner.serverReadComplete(ctx.channel());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (owner != null) {
            owner.serverWritabilityChanged(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimer();
        ServerConnectionPool.remove(this);
        if (owner != null) {
            owner.serverClosed(ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
