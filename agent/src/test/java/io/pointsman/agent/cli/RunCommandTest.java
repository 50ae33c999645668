package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.load.SecretSource;
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

    @Test
    void servesTheDirectoryAndReloadsIt(@TempDir Path dir) throws Exception {
        int bind = freePort();
        try (Greeter one = new Greeter("one"); Greeter two = new Greeter("two")) {
            write(dir, bind, one.port());
            try (RunCommand.LocalConfigServer server =
                         new RunCommand.LocalConfigServer(dir, "lb1", SecretSource.of(Map.of()))) {
                RunCommand.LocalConfigServer.Outcome started = server.start();
                assertTrue(started.ok(), started.message());
                assertEquals("one", greeting(bind));

                write(dir, bind, two.port());
                RunCommand.LocalConfigServer.Outcome reloaded = server.reload();
                assertTrue(reloaded.ok(), reloaded.message());
                assertEquals(2, server.runtime().current().number());
                assertEquals("two", greeting(bind));

                Files.writeString(dir.resolve("proxy.yaml"), "version: 1\nfrontends: [ { name: x, bogus: 1 } ]\n");
                RunCommand.LocalConfigServer.Outcome refused = server.reload();
                assertFalse(refused.ok());
                assertTrue(refused.message().contains("proxy.yaml"), refused.message());
                assertEquals("two", greeting(bind), "the running config keeps serving");
            }
        }
    }

    @Test
    void refusesADirectoryWithoutProxyYaml(@TempDir Path dir) {
        CliRun run = CliRun.of("run", "--config", dir.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("no proxy.yaml"), run.err());
    }
}
