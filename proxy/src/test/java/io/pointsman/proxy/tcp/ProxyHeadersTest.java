package io.pointsman.proxy.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.pointsman.proxy.config.SendProxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    private static String v1(HAProxyMessage m) {
        EmbeddedChannel ch = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        ch.writeOutbound(m);
        ByteBuf b = ch.readOutbound();
        String s = b.toString(StandardCharsets.US_ASCII);
        b.release();
        ch.finishAndReleaseAll();
        return s;
    }

    @Test
    void ipv4() {
        HAProxyMessage m = ProxyHeaders.toServer(SendProxy.V1, new InetSocketAddress("127.0.0.2", 5000),
                new InetSocketAddress("127.0.0.1", 80));
        assertEquals(HAProxyProxiedProtocol.TCP4, m.proxiedProtocol());
        assertEquals("PROXY TCP4 127.0.0.2 127.0.0.1 5000 80\r\n", v1(m));
    }

    @Test
    void ipv6() {
        HAProxyMessage m = ProxyHeaders.toServer(SendProxy.V1, new InetSocketAddress("::1", 5000),
                new InetSocketAddress("2001:db8::1", 443));
        assertEquals("PROXY TCP6 ::1 2001:db8::1 5000 443\r\n", v1(m));
    }

    @Test
    void mixedFamiliesBecomeMappedIpv6() {
        HAProxyMessage m = ProxyHeaders.toServer(SendProxy.V2, new InetSocketAddress("203.0.113.9", 40000),
                new InetSocketAddress("::1", 443));
        assertEquals(HAProxyProxiedProtocol.TCP6, m.proxiedProtocol());
        assertEquals("::ffff:203.0.113.9", m.sourceAddress());
        m.release();
    }
}
