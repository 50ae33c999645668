package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exact sequence that loses bytes with Netty 4.2.18's epoll: the peer sends FIN, no
 * read is pending and nothing waits to be written (empty interest set), then a write
 * large enough to wait for the socket. The same test against the plain handler shows the
 * bug is still there (so the repair, not luck, makes the first test pass).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EpollInterestKeeperTest {
    private static final int SIZE = 8 << 20; // far more than the loopback socket buffers hold

    @Test
    void writeAfterPeerFinWaitsAndArrivesWhole() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll not available here");
        Outcome o = halfCloseThenBigWrite(EpollInterestKeeper.newFactory());
        assertTrue(o.writeSucceeded, "write after the peer's FIN failed: " + o.writeFailure);
        assertEquals(SIZE, o.received.length);
        assertArrayEquals(o.sent, o.received);
    }

    @Test
    void plainNettyEpollStillLosesTheBytes() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll not available here");
        Outcome o = halfCloseThenBigWrite(EpollIoHandler.newFactory());
        // When this fails, Netty fixed its registration state: EpollInterestKeeper can go.
        assertFalse(o.writeSucceeded, "Netty's epoll no longer fails this write; see EpollInterestKeeper");
        assertTrue(o.received.length < SIZE);
        assertTrue(causes(o.writeFailure).contains("epoll_ctl"), "not the known failure: " + causes(o.writeFailure));
    }

    private static String causes(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append(" <- ");
        }
        return b.toString();
    }

    private record Outcome(boolean writeSucceeded, Throwable writeFailure, byte[] sent, byte[] received) {
    }

    private static Outcome halfCloseThenBigWrite(IoHandlerFactory factory) throws Exception {
        byte[] data = new byte[SIZE];
        new Random(7).nextBytes(data);
        CompletableFuture<ChannelFuture> write = new CompletableFuture<>();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.read(); // one read: it sees the FIN
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof ChannelInputShutdownEvent) {
                                // Later, once Netty has dropped the socket's last interest.
                                ctx.executor().execute(() -> {
                                    ChannelFuture f = ctx.writeAndFlush(Unpooled.wrappedBuffer(data));
                                    f.addListener(x -> ctx.close());
                                    write.complete(f);
                                });
                            }
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(64 * 1024);
                s.connect(server.localAddress(), 5000);
                s.setSoTimeout(10_000);
                s.shutdownOutput(); // FIN first, then read everything the server sends
                ChannelFuture f = write.get(10, TimeUnit.SECONDS);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[65536];
                int n;
                try {
                    while ((n = in.read(buf)) >= 0) {
                        got.write(buf, 0, n);
                    }
                } catch (java.net.SocketException reset) {
                    // the failed write closes the socket, possibly with a reset
                }
                f.await(10, TimeUnit.SECONDS);
                server.close().sync();
                return new Outcome(f.isSuccess(), f.cause(), data, got.toByteArray());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
