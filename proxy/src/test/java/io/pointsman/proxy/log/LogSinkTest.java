package io.pointsman.proxy.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.pointsman.proxy.config.LogAddress;
import io.pointsman.proxy.config.LogTarget;
import io.pointsman.proxy.testing.Clients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One target's framing and transport, against sockets the test binds itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogSinkTest {

    @Test
    void localDatagramSocketGetsOneRfc3164MessagePerLine() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "unix datagram sockets need native epoll");
        Path dir = Files.createTempDirectory("pmlog-sink");
        Path path = dir.resolve("log.sock");
        List<String> received = new CopyOnWriteArrayList<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel server = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            received.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(path.toString())).sync().channel();
            LogTarget spec = new LogTarget(LogAddress.parse("unix://" + path), LogTarget.Syntax.RFC3164,
                    LogTarget.Facility.LOCAL2, LogTarget.Severity.INFO, "pmtag", null);
            LogSink sink = new LogSink(spec, "node1", false);
            byte[] one = "first line".getBytes(StandardCharsets.UTF_8);
            byte[] two = "second line".getBytes(StandardCharsets.UTF_8);
            sink.emit(1_700_000_000_000L, LogTarget.Severity.INFO, one, one.length);
            sink.emit(1_700_000_000_000L, LogTarget.Severity.ERR, two, two.length);
            sink.emit(1_700_000_000_000L, LogTarget.Severity.DEBUG, two, two.length); // above the level: not taken
            sink.drain();
            Clients.await("two datagrams", 10_000, () -> received.size() == 2);
            // <PRI> = local2 (18) * 8 + severity; rfc3164 without a host name unless the target sets one
            assertTrue(received.get(0).matches("<150>\\w{3} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d pmtag\\[\\d+\\]: first line"),
                    received.get(0));
            assertTrue(received.get(1).startsWith("<147>"), received.get(1));
            assertTrue(received.get(1).endsWith("]: second line"), received.get(1));
            Clients.await("counted as sent", 10_000, () -> sink.sent() == 2);
            assertEquals(0, sink.failed());
            sink.close();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
