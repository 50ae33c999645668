package io.pointsman.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apply is atomic across proxy and Keepalived (SPEC §7): when the Keepalived step
 * fails after the swap, the previous keepalived.conf is restored and the proxy swapped
 * back, so what serves and what status says applied never disagree.
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
                () -> new InetSocketAddress("127.0.0.1", 9900), () -> "");
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
}
