package io.pointsman.proxy.health;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback server to check against: counts connections, answers HTTP with a settable status. */
final class TestBackend implements AutoCloseable {
    private final EventLoopGroup group;
    private Channel server;
    int port;
    volatile int status = 200;
    final AtomicInteger connections = new AtomicInteger();
    final ConcurrentLinkedQueue<HttpRequest> requests = new ConcurrentLinkedQueue<>();

    TestBackend(EventLoopGroup group) {
        this.group = group;
    }

    /** Binds 127.0.0.1 on the same port as before (a free one the first time). */
    TestBackend start() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new SimpleChannelInboundHandler<HttpObject>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                if (msg instanceof HttpRequest r) {
                                    requests.add(r);
                                    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                            HttpResponseStatus.valueOf(status),
                                            Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                                    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 2);
                                    ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return this;
    }

    /** Stops listening: new connections are refused. */
    void stop() throws InterruptedException {
        if (server != null) {
            server.close().sync();
            server = null;
        }
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
