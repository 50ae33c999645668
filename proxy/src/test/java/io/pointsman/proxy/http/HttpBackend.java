package io.pointsman.proxy.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.pointsman.proxy.config.HostPort;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 server on loopback for proxy tests. Answers every request with
 * {@code NAME METHOD URI} and echoes request headers as {@code X-Seen-<name>} response
 * headers; counts connections, requests and raw bytes received. Special paths:
 * {@code /count} answers the number of body bytes received (streamed, not held);
 * {@code /download?n=N} streams N bytes; {@code /close} closes without answering;
 * {@code /silent} never answers; {@code /chunked} answers in chunks.
 */
final class HttpBackend implements AutoCloseable {
    final String name;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong rawBytes = new AtomicLong();
    /** /hold requests are answered once this completes. */
    final java.util.concurrent.CompletableFuture<Void> hold = new java.util.concurrent.CompletableFuture<>();
    /** Body bytes of /download responses written so far. */
    final AtomicLong streamed = new AtomicLong();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    HttpBackend(String name) throws InterruptedException {
        this(name, "127.0.0.1", 0, null);
    }

    /** Listening on {@code host:port} (port 0: any free port). */
    HttpBackend(String name, String host, int port) throws InterruptedException {
        this(name, host, port, null);
    }

    /**
     * A backend that speaks TLS with {@code tls} (null: plain). Its answers then also carry
     * {@code X-Tls-Sni} (the name the client sent) and {@code X-Tls-Client} (the client
     * certificate's subject).
     */
    HttpBackend(String name, io.netty.handler.ssl.SslContext tls) throws InterruptedException {
        this(name, "127.0.0.1", 0, tls);
    }

    private HttpBackend(String name, String host, int port, io.netty.handler.ssl.SslContext tls)
            throws InterruptedException {
        this.name = name;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                rawBytes.addAndGet(((ByteBuf) msg).readableBytes());
                                ctx.fireChannelRead(msg);
                            }
                        });
                        ch.pipeline().addLast(new HttpServerCodec());
                        ch.pipeline().addLast(new HttpServerExpectContinueHandler());
                        ch.pipeline().addLast(new WebSocketUpgrade());
                        ch.pipeline().addLast(new Handler());
                    }
                }).bind(host, port).sync().channel();
    }

    HostPort address() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        return new HostPort(a.getAddress().getHostAddress(), a.getPort());
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private HttpRequest request;
        private long bodyBytes;
        /** Set by /then-drop: the next request on this connection is dropped with the connection. */
        private boolean dropNext;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r) {
                request = r;
                bodyBytes = 0;
                requests.incrementAndGet();
            }
            if (msg instanceof HttpContent c) {
                bodyBytes += c.content().readableBytes();
            }
            boolean last = msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
            if (last) {
                respond(ctx);
            }
        }

        private void respond(ChannelHandlerContext ctx) {
            String uri = request.uri();
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (uri.equals("/close") || dropNext) {
                ctx.close();
                return;
            }
            if (uri.equals("/then-drop")) {
                dropNext = true;
            }
            if (uri.equals("/silent")) {
                return;
            }
            if (uri.equals("/hold") && !hold.isDone()) {
                HttpRequest held = request;
                hold.thenRun(() -> ctx.executor().execute(() -> {
                    request = held;
                    respond(ctx);
                }));
                return;
            }
            if (uri.startsWith("/download")) {
                long n = Long.parseLong(uri.substring(uri.indexOf("n=") + 2));
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setContentLength(head, n);
                ctx.writeAndFlush(head);
                stream(ctx, n, keepAlive);
                return;
            }
            String body = uri.equals("/count") ? Long.toString(bodyBytes)
                    : name + " " + request.method() + " " + uri;
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (uri.equals("/chunked")) {
                HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpUtil.setTransferEncodingChunked(head, true);
                echo(ctx, head);
                ctx.write(head);
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
                ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(bytes)));
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(bytes));
            HttpUtil.setContentLength(response, bytes.length);
            echo(ctx, response);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        private void echo(ChannelHandlerContext ctx, HttpResponse response) {
            Map<String, String> seen = new TreeMap<>();
            request.headers().forEach(e -> seen.merge(e.getKey().toLowerCase(), e.getValue(), (a, b) -> a + "|" + b));
            seen.forEach((k, v) -> response.headers().set("X-Seen-" + k, v));
            io.netty.handler.ssl.SslHandler tls = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
            if (tls != null) {
                javax.net.ssl.SSLSession session = tls.engine().getSession();
                if (session instanceof javax.net.ssl.ExtendedSSLSession x && !x.getRequestedServerNames().isEmpty()) {
                    response.headers().set("X-Tls-Sni",
                            ((javax.net.ssl.SNIHostName) x.getRequestedServerNames().get(0)).getAsciiName());
                }
                try {
                    response.headers().set("X-Tls-Client", ((java.security.cert.X509Certificate) session
                            .getPeerCertificates()[0]).getSubjectX500Principal().getName());
                } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                    // no client certificate
                }
            }
        }

        /** Writes n bytes in 64 KiB pieces, each after the previous one was written (no buffering). */
        private void stream(ChannelHandlerContext ctx, long n, boolean keepAlive) {
            if (n == 0) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            int size = (int) Math.min(65536, n);
            ByteBuf piece = ctx.alloc().buffer(size).writeZero(size);
            ctx.writeAndFlush(new DefaultHttpContent(piece)).addListener(f -> {
                if (f.isSuccess()) {
                    streamed.addAndGet(size);
                    stream(ctx, n - size, keepAlive);
                }
            });
        }
    }

    /**
     * Requests to {@code /ws} switch this connection to a WebSocket echo server (Netty's
     * handshaker and frame codecs replace the HTTP handlers).
     */
    private final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r && r.uri().startsWith("/ws")) {
                requests.incrementAndGet();
                ChannelPipeline p = ctx.pipeline();
                p.addAfter(ctx.name(), "aggregate", new HttpObjectAggregator(8192));
                p.addAfter("aggregate", "ws", new WebSocketServerProtocolHandler("/ws", null, false, 1 << 20));
                p.addAfter("ws", "frames", new WebSocketFrameAggregator(1 << 20));
                p.addAfter("frames", "echo", new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext c, TextWebSocketFrame frame) {
                        c.writeAndFlush(new TextWebSocketFrame(name + ":" + frame.text()));
                    }
                });
                p.remove(Handler.class);
                ctx.fireChannelRead(msg);
                p.remove(this);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
