package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DirectSend} on real loopback sockets: what it sends arrives, it never overtakes a
 * queued write, a full send buffer leaves the rest for Netty in order, and whatever it
 * cannot do (NIO, heap buffers, a dead socket) it leaves to Netty untouched.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DirectSendTest {
    private MultiThreadIoEventLoopGroup group;
    private Channel listener;
    private Socket peer;
    private Channel ch;

    @AfterEach
    void close() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (listener != null) {
            listener.close().sync();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aBufferWithNothingAheadGoesOutInOneSendAndIsReleased() throws Exception {
        connect(Transport.epoll());
        ByteBuf buf = direct("hello, server\n".getBytes());
        assertTrue(onLoop(() -> DirectSend.send(ch, buf)));
        assertEquals(0, buf.refCnt());
        assertArrayEquals("hello, server\n".getBytes(), readExactly(14));
    }

    @Test
    void aWriteQueuedThroughNettyIsNeverOvertaken() throws Exception {
        connect(Transport.epoll());
        ByteBuf first = direct("first ".getBytes());
        ByteBuf second = direct("second".getBytes());
        assertFalse(onLoop(() -> {
            ch.write(first, ch.voidPromise()); // queued, not yet flushed
            return DirectSend.send(ch, second);
        }));
        assertEquals(1, second.refCnt());
        assertEquals(0, second.readerIndex());
        onLoop(() -> ch.writeAndFlush(second, ch.voidPromise()));
        assertArrayEquals("first second".getBytes(), readExactly(12));
    }

    @Test
    void aFullSendBufferLeavesTheRestToNettyAndEveryByteArrivesInOrder() throws Exception {
        connect(Transport.epoll());
        byte[] data = new byte[8 << 20]; // far more than the loopback buffers hold
        new Random(11).nextBytes(data);
        ByteBuf buf = direct(data);
        assertFalse(onLoop(() -> DirectSend.send(ch, buf)), "8 MiB went out in one send");
        int sent = buf.readerIndex();
        assertTrue(sent > 0 && sent < data.length, "sent " + sent);
        assertEquals(1, buf.refCnt());
        // The caller's part: Netty writes the rest, and a second buffer queues behind it.
        ByteBuf tail = direct("the end".getBytes());
        assertFalse(onLoop(() -> {
            ch.write(buf, ch.voidPromise());
            boolean direct = DirectSend.send(ch, tail);
            ch.writeAndFlush(tail, ch.voidPromise());
            return direct;
        }));
        byte[] got = readExactly(data.length + 7);
        assertArrayEquals(data, Arrays.copyOf(got, data.length));
        assertArrayEquals("the end".getBytes(), Arrays.copyOfRange(got, data.length, got.length));
    }

    @Test
    void aResetSocketSendsNothingAndLeavesTheBufferToNetty() throws Exception {
        connect(Transport.epoll());
        peer.setSoLinger(true, 0);
        peer.close(); // RST
        peer = null;
        ByteBuf buf = direct("lost".getBytes());
        // Until the loop sees the reset the socket may still take a send or two; after
        // that, or once the channel is closed, nothing more is sent directly.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean direct = true;
        while (direct && System.nanoTime() < deadline) {
            ByteBuf b = direct("x".getBytes());
            direct = onLoop(() -> DirectSend.send(ch, b));
            if (!direct) {
                assertEquals(1, b.refCnt());
                assertEquals(0, b.readerIndex(), "an error must leave the buffer whole");
                b.release();
            }
            Thread.sleep(10);
        }
        assertFalse(direct, "sends to a reset socket kept succeeding");
        onLoop(() -> ch.close());
        assertFalse(onLoop(() -> DirectSend.send(ch, buf)), "sent on a closed channel");
        assertEquals(1, buf.refCnt());
        assertEquals(0, buf.readerIndex());
        buf.release();
    }

    @Test
    void heapBuffersAndNioChannelsAlwaysGoThroughNetty() throws Exception {
        connect(Transport.epoll());
        ByteBuf heap = Unpooled.wrappedBuffer("heap".getBytes());
        assertFalse(onLoop(() -> DirectSend.send(ch, heap)));
        assertEquals(1, heap.refCnt());
        heap.release();
        close();
        peer = null;
        listener = null;

        connect(Transport.nio());
        ByteBuf buf = direct("nio".getBytes());
        assertFalse(onLoop(() -> DirectSend.send(ch, buf)));
        assertEquals(1, buf.refCnt());
        assertEquals(0, buf.readerIndex());
        buf.release();
    }

    // ---- helpers -------------------------------------------------------------------

    /** A Netty channel ({@link #ch}, accepted on the given transport) whose peer is a plain blocking socket. */
    private void connect(Transport transport) throws Exception {
        assumeTrue(!transport.name().equals("epoll") || Epoll.isAvailable(), "native epoll not available here");
        group = transport.newGroup(1, Thread::new);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        listener = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelClass())
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        accepted.complete(ctx.channel());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        peer = new Socket();
        peer.setReceiveBufferSize(64 << 10);
        peer.connect(listener.localAddress());
        ch = accepted.get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return ch.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    private static ByteBuf direct(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
        return b.writeBytes(bytes);
    }

    private byte[] readExactly(int n) throws Exception {
        peer.setSoTimeout(10_000);
        InputStream in = peer.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        byte[] chunk = new byte[64 << 10];
        while (out.size() < n) {
            int r = in.read(chunk, 0, Math.min(chunk.length, n - out.size()));
            if (r < 0) {
                break;
            }
            out.write(chunk, 0, r);
        }
        return out.toByteArray();
    }
}
