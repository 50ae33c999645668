package io.pointsman.proxy.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pointsman.proxy.config.Check;
import io.pointsman.proxy.config.CheckStep;
import io.pointsman.proxy.config.CheckType;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.StatusRange;
import io.pointsman.proxy.testing.Clients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every check type against a real server: Debian's redis-server, {@code openssl s_server},
 * the JDK's HTTP server; for SMTP, MySQL and PostgreSQL small servers here speak the first
 * messages of each protocol as their documentation gives them (a greeting and its error
 * form; an SMTP dialogue; a MySQL initial handshake / error packet; a PostgreSQL
 * AuthenticationMD5Password / ErrorResponse), which is all those checks read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProtocolChecksTest {
    private static final Duration FAST = Duration.ofMillis(100);

    private EventLoopGroup group;
    private HealthRegistry registry;
    private final List<String> resultChanges = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        registry = new HealthRegistry(group, NioSocketChannel.class, new HealthListener() {
            @Override
            public void onTransition(HealthState state, HealthSnapshot before, HealthSnapshot after) {
                HealthRegistry.logTransition(state, before, after);
            }

            @Override
            public void onCheckResultChange(HealthState state, HealthSnapshot after) {
                resultChanges.add(after.lastCheck().toString());
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
        for (AutoCloseable s : servers) {
            s.close();
        }
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private static Check check(CheckType type) {
        return new Check(type, null, null, FAST, 1, 1);
    }

    private HealthState watch(String address, Check check) {
        registry.reconcile(List.of(new ServerCheckSpec("be", "s1", HostPort.parse(address), true, false, check,
                Duration.ofSeconds(2))));
        return registry.state("be", address);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static String last(HealthState s) {
        CheckResult r = s.snapshot().lastCheck();
        return r == null ? "none" : r.toString();
    }

    private static void awaitResult(HealthState s, String result) throws InterruptedException {
        await("last check " + result + " (now " + last(s) + ")", () -> last(s).equals(result));
    }

    // ---- redis

    private Process redis(int port) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "redis-server (./test installs it)");
        Process p = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        processes.add(p);
        await("redis listens", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }

    @Test
    void redisCheckPingsARealRedisAndScriptCheckDoesTheSame() throws Exception {
        int port = Clients.freePort();
        Process p = redis(port);
        HealthState s = watch("127.0.0.1:" + port, check(CheckType.REDIS));
        awaitResult(s, "L7OK");
        assertEquals("UP", s.status());
        Check script = new Check(CheckType.SCRIPT, null, null, FAST, 1, 1, null, null, null, null, null, null, null,
                null, null, null, List.of(new CheckStep("PING\r\n", null, null), new CheckStep(null, "+PONG", null),
                new CheckStep("INFO server\r\n", null, null), new CheckStep(null, null, "redis_version:\\d+\\.")), null);
        HealthState scripted = watch("127.0.0.1:" + port, script);
        await("the script check passes", () -> scripted.snapshot().checks() >= 2 && last(scripted).equals("L7OK"));
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
        awaitResult(scripted, "L4CON");
        assertEquals("DOWN", scripted.status());
    }

    @Test
    void scriptExpectingWhatNeverComesFailsAtLayer7() throws Exception {
        int port = Clients.freePort();
        redis(port);
        Check script = new Check(CheckType.SCRIPT, null, null, FAST, 1, 1, null, null, null, null, null, null, null,
                null, null, null, List.of(new CheckStep("PING\r\n", null, null), new CheckStep(null, "+PANG", null)),
                null);
        HealthState s = watch("127.0.0.1:" + port, script);
        await("the script check fails", () -> !s.snapshot().up());
        // Redis keeps the connection open: the expect waits until timeout.check.
        assertEquals(CheckCode.L7TOUT, s.snapshot().lastCheck().code());
    }

    // ---- TLS

    @Test
    void sslHelloGetsATlsRecordFromOpensslAndNotFromPlainText() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl (./test installs it)");
        Path dir = Files.createTempDirectory("pmlog-tls");
        servers.add(() -> {
            Files.deleteIfExists(dir.resolve("key.pem"));
            Files.deleteIfExists(dir.resolve("cert.pem"));
            Files.deleteIfExists(dir);
        });
        Process keygen = new ProcessBuilder("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "1",
                "-subj", "/CN=localhost").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0, "openssl req");
        int port = Clients.freePort();
        Process server = new ProcessBuilder("/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:" + port,
                "-cert", dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString(), "-quiet")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(server);
        await("s_server listens", () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        HealthState s = watch("127.0.0.1:" + port, check(CheckType.SSL_HELLO));
        awaitResult(s, "L6OK");
        assertEquals("UP", s.status());

        try (LineServer plain = new LineServer(out -> out.accept("220 not tls\r\n"), (line, out) -> { })) {
            servers.add(plain);
            HealthState p = watch(plain.address(), check(CheckType.SSL_HELLO));
            awaitResult(p, "L6RSP");
            assertEquals("DOWN", p.status());
        }
    }

    // ---- HTTP

    private HttpServer http(int status, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> seen = new CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            StringBuilder head = new StringBuilder(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getProtocol());
            exchange.getRequestHeaders().forEach((k, v) -> head.append('|').append(k).append('=').append(v.get(0)));
            seen.add(head.toString());
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            int code = exchange.getRequestURI().getPath().equals("/gone") ? 404 : status;
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(code, -1);
            } else {
                exchange.sendResponseHeaders(code, b.length);
                exchange.getResponseBody().write(b);
            }
            exchange.close();
        });
        server.start();
        servers.add(() -> server.stop(0));
        lastRequests = seen;
        return server;
    }

    private List<String> lastRequests;

    @Test
    void httpCheckSendsMethodHostHeadersAndVersionAndReadsTheBody() throws Exception {
        HttpServer server = http(200, "status: ok, db: ok\n");
        String address = "127.0.0.1:" + server.getAddress().getPort();
        Check c = new Check(CheckType.HTTP, "/health?deep=1", StatusRange.parse("200"), FAST, 1, 1, "HEAD",
                "www.example.com", Map.of("X-Check", "1"), "HTTP/1.0", null, null, null, null, null, null, null, null);
        HealthState s = watch(address, c);
        awaitResult(s, "L7OK 200");
        String request = lastRequests.get(0);
        assertTrue(request.startsWith("HEAD /health?deep=1 HTTP/1.0"), request);
        assertTrue(request.contains("|Host=www.example.com"), request);
        assertTrue(request.contains("|X-check=1"), request);

        Check body = new Check(CheckType.HTTP, "/health", StatusRange.parse("200"), FAST, 1, 1, null, null, null,
                null, "db: ok", "^status: ok", null, null, null, null, null, null);
        HealthState b = watch(address, body);
        awaitResult(b, "L7OK 200");
        Check wrongBody = new Check(CheckType.HTTP, "/health", StatusRange.parse("200"), FAST, 1, 1, null, null, null,
                null, "db: down", null, null, null, null, null, null, null);
        HealthState w = watch(address, wrongBody);
        awaitResult(w, "L7RSP 200");
        assertTrue(w.snapshot().lastCheck().info().contains("did not match"), w.snapshot().lastCheck().info());
        assertEquals("DOWN", w.status());
    }

    @Test
    void disableOn404PutsTheServerInNolbAndCheckPortChecksAnotherPort() throws Exception {
        HttpServer server = http(200, "ok");
        try (LineServer traffic = new LineServer(out -> { }, (line, out) -> { })) {
            servers.add(traffic);
            // Traffic goes to one port, the check to the HTTP server's (HAProxy "check port").
            Check c = new Check(CheckType.HTTP, "/gone", null, FAST, 1, 1, null, null, null, null, null, null,
                    server.getAddress().getPort(), null, null, true, null, null);
            HealthState s = watch(traffic.address(), c);
            awaitResult(s, "L7OKC 404");
            assertEquals("NOLB", s.status());
            assertTrue(s.snapshot().up());
            assertFalse(s.isUsable(), "NOLB takes no new requests");
            assertTrue(lastRequests.get(0).startsWith("GET /gone HTTP/1.1"), lastRequests.get(0));
            assertTrue(resultChanges.isEmpty() || resultChanges.contains("L7OKC 404"), resultChanges.toString());
        }
    }

    @Test
    void downIntervalSlowsChecksOfADownServer() throws Exception {
        int dead = Clients.deadPort();
        Check c = new Check(CheckType.TCP, null, null, FAST, 1, 1, null, null, null, null, null, null, null, null,
                Duration.ofHours(1), null, null, null);
        HealthState s = watch("127.0.0.1:" + dead, c);
        await("DOWN", () -> !s.snapshot().up());
        long checks = s.snapshot().checks();
        Thread.sleep(20 * FAST.toMillis());
        assertEquals(checks, s.snapshot().checks(), "a DOWN server is checked every down_interval (1h), not every 100ms");
    }

    // ---- SMTP, MySQL, PostgreSQL: the protocols' first messages

    @Test
    void smtpCheckWantsA2xxGreetingAndA2xxAnswerToHelo() throws Exception {
        List<String> commands = new CopyOnWriteArrayList<>();
        try (LineServer ok = new LineServer(out -> out.accept("220 mail.example.com ESMTP\r\n"), (line, out) -> {
            commands.add(line);
            out.accept("250 mail.example.com\r\n");
        }); LineServer busy = new LineServer(out -> out.accept("421 too busy\r\n"), (line, out) -> { })) {
            servers.add(ok);
            servers.add(busy);
            Check c = new Check(CheckType.SMTP, null, null, FAST, 1, 1, "EHLO", "lb1.example.com", null, null, null,
                    null, null, null, null, null, null, null);
            HealthState s = watch(ok.address(), c);
            awaitResult(s, "L7OK");
            assertEquals("EHLO lb1.example.com", commands.get(0));
            HealthState b = watch(busy.address(), check(CheckType.SMTP));
            awaitResult(b, "L7STS");
            assertTrue(b.snapshot().lastCheck().info().contains("421 too busy"), b.snapshot().lastCheck().info());
        }
    }

    /** A MySQL packet: 3-byte little-endian length, sequence id, payload. */
    private static byte[] mysqlPacket(int sequence, byte[] payload) {
        byte[] p = new byte[payload.length + 4];
        p[0] = (byte) payload.length;
        p[1] = (byte) (payload.length >> 8);
        p[2] = (byte) (payload.length >> 16);
        p[3] = (byte) sequence;
        System.arraycopy(payload, 0, p, 4, payload.length);
        return p;
    }

    @Test
    void mysqlCheckReadsTheGreetingAndLogsInWhenGivenAUser() throws Exception {
        // Initial handshake v10: protocol 10, "8.0.0-test\0", connection id, salt, … (the check reads the first bytes).
        byte[] greeting = mysqlPacket(0, concat(new byte[] {10}, "8.0.0-test\0".getBytes(StandardCharsets.US_ASCII),
                new byte[] {1, 0, 0, 0}, "abcdefgh\0".getBytes(StandardCharsets.US_ASCII), new byte[] {0, (byte) 0xff}));
        byte[] error = mysqlPacket(0, concat(new byte[] {(byte) 0xff, 0x15, 0x04},
                "#28000Host is blocked".getBytes(StandardCharsets.US_ASCII)));
        byte[] ok = mysqlPacket(2, new byte[] {0, 0, 0, 2, 0, 0, 0});
        List<byte[]> logins = new CopyOnWriteArrayList<>();
        try (ByteServer good = new ByteServer(greeting, in -> {
            logins.add(in);
            return ok;
        }); ByteServer blocked = new ByteServer(error, in -> new byte[0])) {
            servers.add(good);
            servers.add(blocked);
            HealthState s = watch(good.address(), check(CheckType.MYSQL));
            awaitResult(s, "L7OK");
            assertEquals("8.0.0-test", s.snapshot().lastCheck().info());
            Check user = new Check(CheckType.MYSQL, null, null, FAST, 1, 1, null, null, null, null, null, null, null,
                    null, null, null, null, "haproxy");
            HealthState u = watch(good.address(), user);
            await("a login was sent", () -> !logins.isEmpty());
            awaitResult(u, "L7OK");
            byte[] login = logins.get(0);
            assertEquals(1, login[3], "the login is packet 1");
            assertTrue(new String(login, StandardCharsets.ISO_8859_1).contains("haproxy\0"), "user name sent");
            HealthState b = watch(blocked.address(), check(CheckType.MYSQL));
            awaitResult(b, "L7STS");
            assertTrue(b.snapshot().lastCheck().info().contains("Host is blocked"), b.snapshot().lastCheck().info());
        }
    }

    @Test
    void pgsqlCheckSendsAStartupMessageAndWantsAnAuthenticationRequest() throws Exception {
        // 'R', length 12, AuthenticationMD5Password (5), 4 bytes of salt.
        byte[] md5 = {'R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4};
        byte[] err = concat(new byte[] {'E', 0, 0, 0, 40}, "SFATAL\0C28000\0Mno such role \"nobody\"\0\0"
                .getBytes(StandardCharsets.US_ASCII));
        List<byte[]> startups = new CopyOnWriteArrayList<>();
        try (ByteServer good = new ByteServer(null, in -> {
            startups.add(in);
            return md5;
        }); ByteServer refusing = new ByteServer(null, in -> err)) {
            servers.add(good);
            servers.add(refusing);
            Check c = new Check(CheckType.PGSQL, null, null, FAST, 1, 1, null, null, null, null, null, null, null, null,
                    null, null, null, "pointsman");
            HealthState s = watch(good.address(), c);
            awaitResult(s, "L7OK");
            byte[] startup = startups.get(0);
            assertEquals(15 + "pointsman".length(), startup[3], "length");
            assertEquals(3, startup[5], "protocol 3.0");
            assertTrue(new String(startup, StandardCharsets.ISO_8859_1).contains("user\0pointsman\0"));
            HealthState r = watch(refusing.address(), c);
            awaitResult(r, "L7RSP");
            assertTrue(r.snapshot().lastCheck().info().contains("no such role"), r.snapshot().lastCheck().info());
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A line-based server: greets each connection, answers each line. */
    private static final class LineServer implements AutoCloseable {
        interface Answer {
            void line(String line, Consumer<String> out);
        }

        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread thread;

        LineServer(Consumer<Consumer<String>> greeting, Answer answer) throws IOException {
            thread = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoTimeout(5000);
                        OutputStream out = s.getOutputStream();
                        Consumer<String> send = text -> {
                            try {
                                out.write(text.getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                            } catch (IOException e) {
                                // the check went away
                            }
                        };
                        greeting.accept(send);
                        InputStream in = s.getInputStream();
                        StringBuilder line = new StringBuilder();
                        int b;
                        while ((b = in.read()) >= 0) {
                            if (b == '\n') {
                                answer.line(line.toString().strip(), send);
                                line.setLength(0);
                            } else {
                                line.append((char) b);
                            }
                        }
                    } catch (IOException e) {
                        // next connection
                    }
                }
            }, "pmlog-line-server");
            thread.setDaemon(true);
            thread.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Sends {@code greeting} (may be null) on connect, then answers the first bytes received. */
    private static final class ByteServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        ByteServer(byte[] greeting, java.util.function.Function<byte[], byte[]> answer) throws IOException {
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        s.setSoTimeout(5000);
                        if (greeting != null) {
                            s.getOutputStream().write(greeting);
                            s.getOutputStream().flush();
                        }
                        byte[] buf = new byte[4096];
                        int n = s.getInputStream().read(buf);
                        if (n > 0) {
                            s.getOutputStream().write(answer.apply(java.util.Arrays.copyOf(buf, n)));
                            s.getOutputStream().flush();
                        }
                        s.getInputStream().read(buf); // until the check closes
                    } catch (IOException e) {
                        // next connection
                    }
                }
            }, "pmlog-byte-server");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
