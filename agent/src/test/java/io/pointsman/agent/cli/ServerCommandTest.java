package io.pointsman.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.agent.node.PointsmanNode;
import io.pointsman.agent.sync.Await;
import io.pointsman.agent.sync.CentralRepo;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pointsman server …}, {@code status} and {@code fleet} against a real node that wants a status token. */
class ServerCommandTest {
    @TempDir
    Path tmp;

    @Test
    void drainListWeightReadyResetAndTheirRefusals() throws Exception {
        CentralRepo central = CentralRepo.create(tmp.resolve("central"));
        int fe;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fe = s.getLocalPort();
        }
        String c1 = central.push("proxy.yaml", """
                version: 1
                defaults: { mode: tcp }
                frontends: [ { name: fe, bind: ["127.0.0.1:%d"], default_backend: web } ]
                backends:
                  - name: web
                    servers:
                      - { name: web1, address: "127.0.0.1:9" }
                      - { name: web2, address: "127.0.0.1:10", weight: 4 }
                """.formatted(fe), "c1");
        Path token = tmp.resolve("token");
        Files.writeString(token, "s3cret-token\n");
        try (PointsmanNode node = PointsmanNode.start(new PointsmanNode.Options(central.url(), "main", "lb1",
                tmp.resolve("state"), Duration.ofSeconds(60), new InetSocketAddress("127.0.0.1", 0), token, null, 1,
                Duration.ofSeconds(10)))) {
            Await.until("applied", Duration.ofSeconds(20),
                    () -> ("main@sha1:" + c1).equals(node.engine().status().lastAppliedRevision()));
            String url = node.status().baseUrl();
            String[] auth = {"--url", url, "--token-file", token.toString()};

            CliRun noToken = CliRun.of("server", "drain", "web/web1", "--url", url);
            assertEquals(1, noToken.exitCode());
            assertTrue(noToken.err().contains("the node wants its status token"), noToken.err());

            CliRun drain = CliRun.of(with(auth, "server", "drain", "web/web1", "--reason", "kernel upgrade", "--ttl", "2h"));
            assertEquals(0, drain.exitCode(), drain.err());
            assertTrue(drain.out().startsWith("web/web1: drain, weight 1, reason: kernel upgrade, until "), drain.out());

            CliRun weight = CliRun.of(with(auth, "server", "weight", "web/web2", "50%"));
            assertEquals(0, weight.exitCode(), weight.err());
            assertEquals("web/web2: ready, weight 2 (git: 4)\n", weight.out());

            CliRun list = CliRun.of("server", "list", "--url", url);
            assertEquals(0, list.exitCode(), list.err());
            assertTrue(list.out().startsWith("SERVER                   STATE  HEALTH WEIGHT   CONNS  RUNTIME OVERRIDE\n"),
                    list.out());
            assertTrue(list.out().contains("\nweb/web1                 drain  up     1        0      drain (kernel upgrade) by status API at "),
                    list.out());
            assertTrue(list.out().contains("\nweb/web2                 ready  up     2*       0      weight 50% by status API at "),
                    list.out());

            CliRun status = CliRun.of("status", "--url", url);
            assertTrue(status.out().contains("runtime     2 server(s) differ from git:\n  web/web1 drain (kernel upgrade)\n"
                    + "  web/web2 weight 50%\n"), status.out());
            CliRun fleet = CliRun.of("fleet", tmp.toString(), "--node", "lb1=" + url);
            assertTrue(fleet.out().contains("web/web1 drain (kernel upgrade), web/web2 weight 50%"), fleet.out());

            assertEquals("web/web1: ready, weight 1 (as git says)\n",
                    CliRun.of(with(auth, "server", "ready", "web/web1")).out());
            assertEquals("web/web2: ready, weight 4 (as git says)\n",
                    CliRun.of(with(auth, "server", "reset", "web/web2")).out());
            assertTrue(node.servers().overrides().isEmpty());

            CliRun unknown = CliRun.of(with(auth, "server", "maint", "web/web9"));
            assertEquals(1, unknown.exitCode());
            assertTrue(unknown.err().contains("no server 'web9' in backend 'web' (servers: web1, web2) (HTTP 400)"),
                    unknown.err());
            CliRun badWeight = CliRun.of(with(auth, "server", "weight", "web/web1", "lots"));
            assertEquals(1, badWeight.exitCode());
            assertTrue(badWeight.err().contains("weight must be a number 0-256 or a percentage"), badWeight.err());
            assertEquals(2, CliRun.of(with(auth, "server", "drain", "web1")).exitCode(), "BACKEND/SERVER wanted");
        }
        assertEquals(3, CliRun.of("server", "list", "--url", "http://127.0.0.1:" + freePort()).exitCode(), "unreachable");
    }

    private static String[] with(String[] auth, String... args) {
        String[] out = java.util.Arrays.copyOf(args, args.length + auth.length);
        System.arraycopy(auth, 0, out, args.length, auth.length);
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
