package io.pointsman.agent.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP server that answers every request with its own name, the path asked and
 * the X-Forwarded-For it saw, and {@code /health} with 200. Keep-alive aware.
 * {@code /slow?ms=N} answers after N ms: a request that stays in flight, for drain tests.
 */
public final class DemoBackend implements AutoCloseable {
    private final String name;
    private final Channel channel;

    private DemoBackend(String name, Channel channel) {
        this.name = name;
        this.channel = channel;
    }

    /** Binds {@code address} on {@code group} and serves until closed. */
    public static DemoBackend start(String name, InetSocketAddress address, EventLoopGroup group) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler(name));
                    }
                });
        Channel ch = b.bind(address).sync().channel();
        return new DemoBackend(name, ch);
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String name;

        Handler(String name) {
            this.name = name;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String body;
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            if (request.uri().equals("/health")) {
                body = "ok\n";
            } else {
                String xff = request.headers().get("X-Forwarded-For", "-");
                body = "Hello from " + name + " — " + request.method() + " " + request.uri()
                        + " (X-Forwarded-For: " + xff + ")\n";
            }
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            response.headers().set("X-Served-By", name);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            // /slow?ms=N answers after N ms (at most a minute): a request in flight for tests of drains.
            long delay = uri.path().equals("/slow") ? slowMillis(uri) : 0;
            if (delay > 0) {
                ctx.executor().schedule(() -> send(ctx, response, keepAlive), delay, TimeUnit.MILLISECONDS);
            } else {
                send(ctx, response, keepAlive);
            }
        }

        private static long slowMillis(QueryStringDecoder uri) {
            List<String> ms = uri.parameters().get("ms");
            try {
                return ms == null ? 1000 : Math.max(0, Math.min(60_000, Long.parseLong(ms.get(0))));
            } catch (NumberFormatException e) {
                return 1000;
            }
        }

        private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
