package io.pointsman.proxy.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Dnsmasq;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Server names resolved by a real DNS server (dnsmasq on loopback) whose records the test
 * changes: at apply, then again every interval, the change reaching new connections
 * without a commit; the last good address kept for hold_valid; a name that does not
 * resolve refuses the apply (and only the apply: validate never asks DNS).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DnsResolutionTest {

    /** Says its name to every connection, then closes it; listens on one loopback address. */
    private static final class NameServer implements AutoCloseable {
        final ServerSocket socket;

        NameServer(String ip, int port, String name) throws IOException {
            socket = new ServerSocket(port, 50, InetAddress.getByName(ip));
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "pmlog-name-server");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Connects through the proxy and reads what the server said ("" when the proxy closed without a server). */
    private static String through(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (java.net.SocketException e) {
            return "";
        }
    }

    @Test
    void aChangedRecordReachesNewConnectionsWithoutACommitAndAFailingResolverHoldsTheLastGoodAddress()
            throws Exception {
        int serverPort = Clients.freePort();
        try (Dnsmasq dns = Dnsmasq.launch();
             NameServer a = new NameServer("127.0.0.2", serverPort, "A");
             NameServer b = new NameServer("127.0.0.3", serverPort, "B");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            dns.hosts("127.0.0.2 web.pmtest");
            int port = Clients.freePort();
            String yaml = """
                    version: 1
                    global:
                      resolvers: { nameservers: ["127.0.0.1:%d"], interval: 200ms, hold_valid: 2s }
                    listens:
                      - name: web
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        servers: [{ name: w1, address: "web.pmtest:%d" }]
                    """.formatted(dns.port(), port, serverPort);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            assertEquals("A", through(port));

            dns.hosts("127.0.0.3 web.pmtest");
            Clients.await("the new address is used", 10_000, () -> {
                try {
                    return through(port).equals("B");
                } catch (IOException e) {
                    return false;
                }
            });
            assertEquals(1, runtime.current().number(), "no new generation: the same config serves");

            dns.stop();
            runtime.addresses().resolveNow();
            assertEquals("B", through(port), "the last good address is kept for hold_valid");
            Clients.await("past hold_valid the server is DOWN", 10_000, () -> {
                try {
                    return through(port).isEmpty();
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(runtime.current().backend("web").servers().get(0).unresolved());

            dns.start();
            Clients.await("resolution works again", 10_000, () -> {
                try {
                    return through(port).equals("B");
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aNameThatDoesNotResolveRefusesTheApplyButNotValidate() throws Exception {
        try (Dnsmasq dns = Dnsmasq.launch();
             ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            dns.hosts("127.0.0.2 known.pmtest");
            String yaml = """
                    version: 1
                    global:
                      resolvers: { nameservers: ["127.0.0.1:%d"] }
                    listens:
                      - name: web
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        servers: [{ name: w1, address: "known.pmtest:80" }, { name: w2, address: "missing.pmtest:80" }]
                    """.formatted(dns.port(), Clients.freePort());
            // validate: no DNS question asked, the config is fine
            ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, yaml)), "lb1", SecretSource.of(Map.of()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> runtime.apply(YamlConfigs.load(yaml), "r1"));
            assertTrue(e.getMessage().contains("server web/missing.pmtest:80: cannot resolve missing.pmtest"),
                    e.getMessage());
            assertEquals(null, runtime.current(), "nothing was applied");
        }
    }
}
