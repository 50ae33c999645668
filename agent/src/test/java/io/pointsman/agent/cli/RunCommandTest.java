package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.node.LocalDirectorySync;
import io.pointsman.agent.node.NodeApplier;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.time.Clock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunCommandTest {

    /** Accepts connections and greets each with its name. */
    private static final class Greeter implements AutoCloseable {
        final ServerSocket socket;
        final Thread thread;

        Greeter(String name) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void write(Path dir, int bind, int server) throws IOException {
        Files.writeString(dir.resolve("proxy.yaml"), """
                version: 1
                global: { threads: 1 }
                defaults: { mode: tcp }
                listens:
                  - name: app
                    bind: ["127.0.0.1:%d"]
                    servers: [ { name: s1, address: "127.0.0.1:%d" } ]
                """.formatted(bind, server));
    }

    private static void await(String what, java.util.function.BooleanSupplier check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void servesTheDirectoryAndReloadsIt(@TempDir Path dir) throws Exception {
        int bind = freePort();
        ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start();
        NodeApplier applier = new NodeApplier(runtime, "lb1", SecretSource.of(Map.of()), new KeepalivedManager(null),
                () -> new InetSocketAddress("127.0.0.1", 9900));
        try (Greeter one = new Greeter("one"); Greeter two = new Greeter("two");
             LocalDirectorySync sync = new LocalDirectorySync(dir, "lb1", applier, Clock.systemUTC())) {
            write(dir, bind, one.port());
            sync.start();
            await("first apply", () -> sync.status().ready());
            assertEquals("one", greeting(bind));
            String first = sync.status().lastAppliedRevision();
            assertTrue(first.startsWith("dir@sha1:"), first);

            write(dir, bind, two.port());
            sync.requestSync("SIGHUP");
            await("reload", () -> sync.status().generation() == 2);
            assertEquals("two", greeting(bind));
            assertEquals(2, runtime.current().number());

            Files.writeString(dir.resolve("proxy.yaml"), "version: 1\nfrontends: [ { name: x, bogus: 1 } ]\n");
            sync.requestSync("SIGHUP");
            await("refusal", () -> !sync.status().ready());
            assertTrue(sync.status().message().contains("proxy.yaml"), sync.status().message());
            assertEquals(sync.status().lastAppliedRevision(), sync.status().history().get(1).revision());
            assertEquals("two", greeting(bind), "the running config keeps serving");

            sync.requestSync("SIGHUP"); // unchanged and already refused: not tried again
            Thread.sleep(100);
            assertEquals(3, sync.status().history().size());
        } finally {
            runtime.close();
        }
    }

    @Test
    void refusesADirectoryWithoutProxyYaml(@TempDir Path dir) {
        CliRun run = CliRun.of("run", "--config", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("no proxy.yaml"), run.err());
    }
}
