package io.pointsman.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pointsman.agent.bgp.BgpStatus;
import io.pointsman.agent.bgp.Bird;
import io.pointsman.agent.bgp.RealBird;
import io.pointsman.agent.git.Revision;
import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.sync.ApplyOutcome;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apply is atomic across proxy, Keepalived (SPEC §7) and BGP (SPEC §13): when a later
 * step fails after the swap, what the earlier ones changed is restored and the proxy
 * swapped back, so what serves and what status says applied never disagree.
 */
class NodeApplierTest {
    @TempDir
    Path dir;

    private ProxyRuntime runtime;
    private ServerSocket one;
    private ServerSocket two;
    private int port;

    @BeforeEach
    void start() throws IOException {
        runtime = ProxyRuntime.builder().threads(1).build().start();
        one = greeter("one");
        two = greeter("two");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        runtime.close();
        one.close();
        two.close();
    }

    private static ServerSocket greeter(String name) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private String greeting() throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    private ConfigFiles files(ServerSocket server, int priority, String reload) {
        return new ConfigFiles(Map.of("proxy.yaml", """
                version: 1
                listens:
                  - name: app
                    mode: tcp
                    bind: ["127.0.0.1:%d"]
                    servers: [ { name: s, address: "127.0.0.1:%d" } ]
                keepalived:
                  vrrp_instances:
                    - { name: VI_1, interface: eth0, virtual_router_id: 51, priority: %d, virtual_ipaddresses: ["198.18.0.100/24"] }
                """.formatted(port, server.getLocalPort(), priority),
                "hosts/lb1.yaml", """
                keepalived:
                  config_path: %s
                  reload_command: "%s"
                """.formatted(dir.resolve("keepalived.conf"), reload)));
    }

    private NodeApplier applier(String keepalivedBinary) {
        return new NodeApplier(runtime, "lb1", SecretSource.of(Map.of()), new KeepalivedManager(keepalivedBinary),
                () -> new InetSocketAddress("127.0.0.1", 9900));
    }

    private static Revision rev(char c) {
        return new Revision("main", String.valueOf(c).repeat(40));
    }

    @Test
    void failedReloadRestoresTheFileAndSwapsTheProxyBack() throws Exception {
        NodeApplier applier = applier("/bin/true");
        ApplyOutcome first = applier.apply(files(one, 100, "true"), rev('a'));
        assertInstanceOf(ApplyOutcome.Applied.class, first, first.message());
        assertEquals("one", greeting());
        String good = Files.readString(dir.resolve("keepalived.conf"));
        assertTrue(good.contains("priority 100"), good);

        ApplyOutcome broken = applier.apply(files(two, 150, "echo no keepalived here >&2; exit 3"), rev('b'));
        assertInstanceOf(ApplyOutcome.Failed.class, broken);
        assertTrue(broken.message().contains("reload command failed (exit 3): no keepalived here"), broken.message());
        assertTrue(broken.retryable(), "a reload failure is retried at the next poll");
        assertEquals(good, Files.readString(dir.resolve("keepalived.conf")), "previous keepalived.conf restored");
        assertEquals("one", greeting(), "proxy swapped back to the last good config");
        assertEquals(rev('a').toString(), runtime.current().revision());
        assertTrue(applier.serving());
    }

    @Test
    void configRejectedByKeepalivedIsRefusedLikeAnInvalidOne() throws Exception {
        // Stands in for keepalived: `-t -f FILE` rejects any file with priority 150.
        Path fake = dir.resolve("fake-keepalived");
        Files.writeString(fake, "#!/bin/sh\nif grep -q 'priority 150' \"$3\"; then echo \"($3: Line 9) bad\"; exit 5; fi\n");
        Files.setPosixFilePermissions(fake, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        NodeApplier applier = applier(fake.toString());
        assertTrue(applier.apply(files(one, 100, "true"), rev('a')).succeeded());
        ApplyOutcome refused = applier.apply(files(two, 150, "true"), rev('b'));
        assertInstanceOf(ApplyOutcome.ValidationFailed.class, refused);
        assertTrue(refused.message().startsWith("keepalived: keepalived -t rejected"), refused.message());
        assertFalse(refused.retryable());
        assertEquals("one", greeting());
        assertTrue(Files.readString(dir.resolve("keepalived.conf")).contains("priority 100"));
    }

    @Test
    void theFirstConfigServedDecidesTheEventLoopThreads() throws Exception {
        java.util.List<Integer> started = new java.util.ArrayList<>();
        ProxyRuntime[] made = new ProxyRuntime[1];
        NodeApplier applier = new NodeApplier(threads -> {
            started.add(threads);
            made[0] = ProxyRuntime.builder().threads(threads).build().start();
            return made[0];
        }, "lb1", SecretSource.of(Map.of()), new KeepalivedManager("/bin/true"),
                () -> new InetSocketAddress("127.0.0.1", 9900));
        try {
            assertEquals(null, applier.runtime(), "no proxy before the first config");
            ConfigFiles one = withThreads(files(this.one, 100, "true"), 1);
            assertTrue(applier.apply(one, rev('a')).succeeded());
            assertEquals(java.util.List.of(1), started);
            ApplyOutcome two = applier.apply(withThreads(files(this.two, 100, "true"), 2), rev('b'));
            assertTrue(two.succeeded());
            assertTrue(two.message().endsWith("global.threads 2 takes effect at restart (running with 1)"), two.message());
            assertEquals(java.util.List.of(1), started, "the proxy is started once");
        } finally {
            applier.close();
        }
    }

    private static ConfigFiles withThreads(ConfigFiles f, int threads) {
        Map<String, String> m = new java.util.HashMap<>(f.files());
        m.put("proxy.yaml", m.get("proxy.yaml").replace("version: 1\n", "version: 1\nglobal: { threads: " + threads + " }\n"));
        return new ConfigFiles(m);
    }

    private static ConfigFiles withStats(ConfigFiles f, int statsPort) {
        Map<String, String> m = new java.util.HashMap<>(f.files());
        m.put("proxy.yaml", m.get("proxy.yaml").replace("version: 1\n",
                "version: 1\nstats: { bind: \"127.0.0.1:" + statsPort + "\" }\n"));
        return new ConfigFiles(m);
    }

    private static int statusOf(int port) throws Exception {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/stats")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
            return -1;
        }
    }

    @Test
    void statsListenerBindsBeforeTheSwapAndMovesAfterIt() throws Exception {
        NodeApplier applier = applier("/bin/true");
        int first;
        int second;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            first = a.getLocalPort();
            second = b.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(applier.apply(withStats(files(one, 100, "true"), first), rev('a')).succeeded());
            assertEquals(200, statusOf(first));
            long generation = runtime.current().number();

            ApplyOutcome refused = applier.apply(withStats(files(two, 100, "true"), taken.getLocalPort()), rev('b'));
            assertInstanceOf(ApplyOutcome.BindFailed.class, refused);
            assertTrue(refused.message().contains("stats"), refused.message());
            assertEquals(generation, runtime.current().number(), "the proxy is untouched");
            assertEquals("one", greeting());
            assertEquals(200, statusOf(first), "the old stats listener keeps serving");

            assertTrue(applier.apply(withStats(files(two, 100, "true"), second), rev('c')).succeeded());
            assertEquals(200, statusOf(second));
            assertEquals(-1, statusOf(first), "the old stats address is released after the swap");
            assertTrue(applier.proxyMetrics().contains("pointsman_generation_info"), applier.proxyMetrics());
        } finally {
            applier.close();
        }
    }

    @Test
    void invalidConfigNeverReachesTheProxy() throws Exception {
        NodeApplier applier = applier("/bin/true");
        assertTrue(applier.apply(files(one, 100, "true"), rev('a')).succeeded());
        long generation = runtime.current().number();
        ApplyOutcome refused = applier.apply(new ConfigFiles(Map.of("proxy.yaml", "version: 1\nlistens: [ {name: x, bnd: []} ]\n")), rev('c'));
        assertInstanceOf(ApplyOutcome.ValidationFailed.class, refused);
        assertTrue(refused.message().contains("proxy.yaml:2:"), refused.message());
        assertEquals(generation, runtime.current().number(), "no new generation for an invalid config");
        assertEquals("one", greeting());
    }

    // ---------------------------------------------------------------- bgp (SPEC §13), with a real BIRD

    private ConfigFiles withBgp(ConfigFiles f, RealBird bird, String... prefixes) {
        Map<String, String> m = new java.util.HashMap<>(f.files());
        m.put("proxy.yaml", m.get("proxy.yaml") + "bgp:\n  announce: [" + String.join(", ", prefixes) + "]\n  drain: 2s\n");
        m.put("hosts/lb1.yaml", m.get("hosts/lb1.yaml") + "bgp:\n  config_path: " + bird.include
                + "\n  control_socket: " + bird.socket + "\n");
        return new ConfigFiles(m);
    }

    private NodeApplier applier(String keepalivedBinary, Bird bird) {
        return new NodeApplier(threads -> runtime, "lb1", SecretSource.of(Map.of()),
                new KeepalivedManager(keepalivedBinary), () -> new InetSocketAddress("127.0.0.1", 9900), bird);
    }

    @Test
    void bgpAnnouncesWithTheSwapAndARefusedCommitNeverWithdraws() throws Exception {
        assumeTrue(RealBird.missing() == null, RealBird.missing());
        Path birdDir = Files.createDirectories(dir.resolve("bird"));
        try (RealBird bird = new RealBird(birdDir, "").start()) {
            // BIRD's answers take milliseconds; a short bound keeps the "does not answer" case quick.
            Bird installed = Bird.installed();
            NodeApplier applier = applier("/bin/true", new Bird(installed.birdPath(), installed.birdc(),
                    java.time.Duration.ofSeconds(2)));
            try {
                ApplyOutcome first = applier.apply(withBgp(files(one, 100, "true"), bird, "198.18.100.1/32"), rev('a'));
                assertTrue(first.succeeded(), first.message());
                assertTrue(first.message().contains("bgp: " + bird.include + " written (bird -p ok), BIRD reconfigured; announced"),
                        first.message());
                assertEquals(List.of("198.18.100.1/32"), bird.routes());
                BgpStatus s = applier.bgp();
                assertEquals(List.of("198.18.100.1/32"), s.announced());
                assertNotNull(s.crashGuardPid(), "a crash guard stands by");
                assertTrue(applier.proxyMetrics().contains("pointsman_bgp_announced{prefix=\"198.18.100.1/32\"} 1"));

                // Refused for its content: nothing changes, the route stays.
                ApplyOutcome invalid = applier.apply(withBgp(files(two, 100, "true"), bird, "198.18.100.0/24"), rev('b'));
                assertInstanceOf(ApplyOutcome.ValidationFailed.class, invalid);
                assertTrue(invalid.message().contains("is not a host route"), invalid.message());
                assertEquals(List.of("198.18.100.1/32"), bird.routes());

                // The BGP step itself fails (BIRD does not answer): Keepalived and the proxy go back.
                String keepalivedBefore = Files.readString(dir.resolve("keepalived.conf"));
                bird.signal("STOP");
                ApplyOutcome failed;
                try {
                    failed = applier.apply(withBgp(files(two, 150, "true"), bird, "198.18.100.2/32"), rev('c'));
                } finally {
                    bird.signal("CONT");
                }
                assertInstanceOf(ApplyOutcome.Failed.class, failed);
                assertTrue(failed.message().startsWith("bgp: BIRD's control socket"), failed.message());
                assertEquals("one", greeting(), "proxy swapped back");
                assertEquals(rev('a').toString(), runtime.current().revision());
                assertEquals(keepalivedBefore, Files.readString(dir.resolve("keepalived.conf")), "keepalived.conf put back");
                assertEquals(List.of("198.18.100.1/32"), bird.routes());

                assertEquals(java.time.Duration.ofSeconds(2), applier.prepareStop());
                assertEquals(List.of(), bird.routes(), "a planned stop withdraws before the listeners close");
                assertEquals("one", greeting(), "and the proxy still serves while it drains");
            } finally {
                applier.close();
            }
        }
    }
}
