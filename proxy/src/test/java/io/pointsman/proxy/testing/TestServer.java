package io.pointsman.proxy.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.pointsman.proxy.config.HostPort;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server for tests. {@link #echo(String)}: sends {@code tag\n} first (when a
 * tag is given), then echoes with backpressure and forwards half-close;
 * {@link #recording()}: keeps every connection's bytes; {@link #http(String)}: answers
 * HTTP requests with its tag.
 */
public final class TestServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final String tag;
    private final boolean echo;
    private final boolean lines;
    private final boolean http;
    private boolean closeAfterTag;
    private final List<Recorded> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();

    /** The bytes one connection sent. */
    public static final class Recorded {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        public synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        synchronized void add(ByteBuf b) {
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            bytes.write(a, 0, a.length);
        }

        public synchronized String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private TestServer(String host, String tag, boolean echo) {
        this(host, tag, echo, false, false);
    }

    private TestServer(String host, String tag, boolean echo, boolean lines, boolean http) {
        this(host, tag, echo, lines, http, null);
    }

    private TestServer(String host, String tag, boolean echo, boolean lines, boolean http,
                       io.netty.handler.ssl.SslContext tls) {
        this.tag = tag;
        this.echo = echo;
        this.lines = lines;
        this.http = http;
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        if (http) {
                            accepted.incrementAndGet();
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                    new HttpHandler());
                            return;
                        }
                        if (lines) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(1 << 16));
                        }
                        ch.pipeline().addLast(new Handler());
                    }
                });
        channel = b.bind(host, 0).syncUninterruptibly().channel();
    }

    public static TestServer echo(String tag) {
        return new TestServer("127.0.0.1", tag, true);
    }

    /** Answers each line {@code L} with {@code tag L}: every reply names the server. */
    public static TestServer lines(String tag) {
        return new TestServer("127.0.0.1", tag, true, true, false);
    }

    /** An HTTP/1.1 server answering every request {@code 200} with the body {@code tag}, keep-alive. */
    public static TestServer http(String tag) {
        return new TestServer("127.0.0.1", tag, false, false, true);
    }

    /** {@link #echo} over TLS with {@code tls} (a server context). */
    public static TestServer echoTls(String tag, io.netty.handler.ssl.SslContext tls) {
        return new TestServer("127.0.0.1", tag, true, false, false, tls);
    }

    /** Sends {@code tag\n}, then its FIN, and reads nothing: a client sees a greeting and the end. */
    public static TestServer greeting(String tag) {
        TestServer s = new TestServer("127.0.0.1", tag, true);
        s.closeAfterTag = true;
        return s;
    }

    public static TestServer recording() {
        return new TestServer("127.0.0.1", null, false);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public HostPort address() {
        return new HostPort("127.0.0.1", port());
    }

    public int accepted() {
        return accepted.get();
    }

    public List<Recorded> connections() {
        return connections;
    }

    /** Stops accepting (the port is closed): connects to it are refused. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(tag, StandardCharsets.US_ASCII));
            HttpUtil.setContentLength(response, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(f -> ctx.read());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close(); // the client is done: so is this server (a tcp tunnel then ends)
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final Recorded recorded = new Recorded();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            connections.add(recorded);
            if (tag != null && !lines) {
                ctx.writeAndFlush(Unpooled.copiedBuffer(tag + "\n", StandardCharsets.US_ASCII)).addListener(f -> {
                    if (closeAfterTag) {
                        ((DuplexChannel) ctx.channel()).shutdownOutput();
                    }
                });
            }
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            if (!echo) {
                recorded.add(b);
                b.release();
                ctx.read();
                return;
            }
            Object reply = b;
            if (lines) {
                reply = Unpooled.wrappedBuffer(Unpooled.copiedBuffer(tag + " ", StandardCharsets.US_ASCII), b,
                        Unpooled.copiedBuffer("\n", StandardCharsets.US_ASCII));
            }
            ctx.writeAndFlush(reply).addListener(f -> {
                if (f.isSuccess()) {
                    ctx.read();
                } else {
                    ctx.close();
                }
            });
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                if (echo) {
                    // Queued behind every echoed byte, so the FIN comes last.
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                            .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
                } else {
                    ctx.close();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
