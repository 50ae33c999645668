package io.pointsman.proxy.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;

/**
 * Reads the TLS ClientHello far enough to learn the server name, without terminating
 * TLS, then removes itself: the bytes it buffered go on to the relay unchanged, and
 * Netty's {@link io.netty.handler.ssl.SniCompletionEvent} tells the relay the name
 * (null for no SNI or not TLS). A client that sends no complete hello within the
 * timeout is closed.
 */
final class SniPeekHandler extends AbstractSniHandler<String> {
    /** Bounds what one client can make us buffer before routing (real hellos are a few KiB). */
    static final int MAX_CLIENT_HELLO = 64 * 1024;

    SniPeekHandler(long timeoutMillis) {
        super(MAX_CLIENT_HELLO, timeoutMillis);
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(hostname);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
        ctx.pipeline().remove(this);
    }
}
