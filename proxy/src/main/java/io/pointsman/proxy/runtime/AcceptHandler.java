package io.pointsman.proxy.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pointsman.proxy.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in a listener's server-channel pipeline, on the accept loop, in front of
 * Netty's acceptor: sees each accepted connection before it is registered, pins it to
 * the generation current now and to the frontend owning this address in it, counts it
 * (global and frontend maxconn) and lets the gate pause accepting when a limit is hit.
 */
final class AcceptHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AcceptHandler.class);

    private final HostPort bind;
    private final ProxyRuntime runtime;

    AcceptHandler(HostPort bind, ProxyRuntime runtime) {
        this.bind = bind;
        this.runtime = runtime;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel client = (Channel) msg;
        Generation generation = runtime.currentOnAcceptLoop();
        LiveFrontend frontend = generation == null ? null : generation.frontendAt(bind);
        if (frontend == null) {
            // The listener is being closed by a swap that removed this address.
            log.debug("{}: no frontend owns {} any more; closing {}", generation, bind, client);
            client.unsafe().closeForcibly();
            return;
        }
        client.attr(ConnectionContext.KEY).set(new ConnectionContext(generation, frontend, bind, runtime.transport()));
        runtime.connectionOpened(frontend);
        generation.track(client);
        client.closeFuture().addListener(f -> runtime.connectionClosed(frontend));
        ctx.fireChannelRead(client);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Accept errors (EMFILE...) never close the listener; Netty's acceptor, next in
        // the pipeline, pauses accepting for a second so the loop does not spin.
        log.warn("accept on {} failed: {}", bind, cause.toString());
        ctx.fireExceptionCaught(cause);
    }
}
