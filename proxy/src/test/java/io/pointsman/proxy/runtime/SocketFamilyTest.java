package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Under epoll, an IPv4 bind and a connection to an IPv4 server use AF_INET sockets, not
 * Netty's default AF_INET6 with IPv4-mapped addresses; a wildcard bind stays dual-stack.
 * The kernel's own tables tell: AF_INET sockets are listed in /proc/net/tcp, AF_INET6 ones
 * (mapped or not) in /proc/net/tcp6.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketFamilyTest {
    private ProxyRuntime runtime;

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void ipv4BindsAndServerConnectionsAreAfInet() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll not available here");
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "no /proc/net/tcp here");
        runtime = ProxyRuntime.builder().threads(1).transport(Transport.epoll()).build().start();
        try (TestServer echo = TestServer.echo(null)) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new TestConfig()
                    .frontend("fe").bind("127.0.0.1:0").defaultBackend("be").end()
                    .backend("be").server("s1", echo.address()).end().build(), "r1"));
            InetSocketAddress fe = runtime.boundAddresses("fe").get(0);
            try (Socket s = Clients.connect(fe)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                assertEquals("ping\n", new String(in.readNBytes(5), StandardCharsets.US_ASCII));
                // Listening, the accepted client socket, the proxy's socket to the echo server.
                assertTrue(hasSocket("/proc/net/tcp", fe.getPort(), LISTEN), "listener not AF_INET");
                assertTrue(!hasSocket("/proc/net/tcp6", fe.getPort(), LISTEN), "listener is AF_INET6");
                assertTrue(hasSocket("/proc/net/tcp", fe.getPort(), ESTABLISHED), "accepted socket not AF_INET");
                assertTrue(hasRemote("/proc/net/tcp", echo.port()), "server connection not AF_INET");
                assertTrue(!hasRemote("/proc/net/tcp6", echo.port()), "server connection is AF_INET6");
            }
        }
    }

    @Test
    void aWildcardBindStaysDualStack() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll not available here");
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp6")), "no IPv6 here");
        Transport epoll = Transport.epoll();
        assumeTrue(epoll.ipv6(), "this host has no IPv6: the wildcard is 0.0.0.0");
        runtime = ProxyRuntime.builder().threads(1).transport(epoll).build().start();
        int port = Clients.freePort();
        try (TestServer echo = TestServer.echo(null)) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(new TestConfig()
                    .frontend("fe").bind("*:" + port).defaultBackend("be").end()
                    .backend("be").server("s1", echo.address()).end().build(), "r1"));
            assertTrue(hasSocket("/proc/net/tcp6", port, LISTEN), "the wildcard listener is not [::]");
        }
    }

    private static final String LISTEN = "0A";
    private static final String ESTABLISHED = "01";

    /** A socket in {@code table} whose local port is {@code port}, in {@code state}. */
    private static boolean hasSocket(String table, int port, String state) throws Exception {
        for (String[] f : rows(table)) {
            if (port(f[1]) == port && f[3].equals(state)) {
                return true;
            }
        }
        return false;
    }

    /** A socket in {@code table} connected to remote port {@code port}. */
    private static boolean hasRemote(String table, int port) throws Exception {
        for (String[] f : rows(table)) {
            if (port(f[2]) == port && f[3].equals(ESTABLISHED)) {
                return true;
            }
        }
        return false;
    }

    private static List<String[]> rows(String table) throws Exception {
        return Files.readAllLines(Path.of(table)).stream().skip(1).map(l -> l.trim().split("\\s+")).toList();
    }

    private static int port(String addressAndPort) {
        return Integer.parseInt(addressAndPort.substring(addressAndPort.indexOf(':') + 1), 16);
    }
}
