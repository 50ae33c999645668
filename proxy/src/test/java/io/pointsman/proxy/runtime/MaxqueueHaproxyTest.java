package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Haproxy;
import io.pointsman.proxy.testing.HoldingServer;
import io.pointsman.proxy.testing.YamlConfigs;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code maxqueue} against real HAProxy 2.6: servers at maxconn 1 with maxqueue 1, more
 * clients than slots plus queue places. HAProxy limits only requests waiting for one
 * particular server; with roundrobin and leastconn a request that finds every server full
 * waits in the backend's queue, which maxqueue does not limit, so nobody is refused: the
 * same as Pointsman, whose balancers never make a request wait for one server. With
 * {@code source} HAProxy binds a client to its server and refuses it past maxqueue;
 * Pointsman sends it to another server or the backend queue (the difference the README
 * states).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MaxqueueHaproxyTest {

    /** What each client sees within a second: the server's name, "waiting", or "closed". */
    private static List<String> outcomes(int port, int clients) throws IOException, InterruptedException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sockets.add(new Socket("127.0.0.1", port));
                Thread.sleep(100); // in order: the queue's order is the clients'
            }
            List<String> out = new ArrayList<>();
            for (Socket s : sockets) {
                s.setSoTimeout(1000);
                out.add(firstLine(s.getInputStream()));
            }
            return out;
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        try {
            StringBuilder sb = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                sb.append((char) b);
            }
            return sb.length() == 0 ? "closed" : sb.toString();
        } catch (SocketTimeoutException e) {
            return "waiting";
        } catch (java.net.SocketException reset) {
            return "closed";
        }
    }

    private static List<String> haproxy(String balance, List<HoldingServer> servers, int clients) throws Exception {
        int port = Clients.freePort();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            lines.append("  server s").append(i).append(" 127.0.0.1:").append(servers.get(i).port())
                    .append(" maxconn 1 maxqueue 1\n");
        }
        try (Haproxy h = Haproxy.start("""
                global
                  log stdout format raw local0
                defaults
                  mode tcp
                  log global
                  option tcplog
                  timeout connect 5s
                  timeout client 30s
                  timeout server 30s
                  timeout queue 20s
                listen l
                  bind 127.0.0.1:%d
                  balance %s
                %s""".formatted(port, balance, lines), port)) {
            return outcomes(port, clients);
        }
    }

    private static List<String> pointsman(String balance, List<HoldingServer> servers, int clients) throws Exception {
        int port = Clients.freePort();
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            list.append(i == 0 ? "" : ", ").append("{ name: s").append(i).append(", address: \"127.0.0.1:")
                    .append(servers.get(i).port()).append("\", maxconn: 1, maxqueue: 1 }");
        }
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(1).build().start()) {
            String yaml = """
                    version: 1
                    defaults: { timeout: { queue: 20s, client: 30s, server: 30s } }
                    listens:
                      - { name: l, mode: tcp, bind: ["127.0.0.1:%d"], balance: %s, servers: [%s] }
                    """.formatted(port, balance, list);
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(YamlConfigs.load(yaml), "r1"));
            return outcomes(port, clients);
        }
    }

    private static List<String> served(List<String> outcomes) {
        return outcomes.stream().map(o -> o.matches("s\\d+") ? "served" : o).toList();
    }

    private static List<HoldingServer> servers(int n) throws IOException {
        List<HoldingServer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new HoldingServer("127.0.0.1", 0, "s" + i));
        }
        return out;
    }

    private static void closeAll(List<HoldingServer> servers) throws IOException {
        for (HoldingServer s : servers) {
            s.close();
        }
    }

    @Test
    void pastMaxqueueRoundrobinAndLeastconnStillQueueAsInHaproxy() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Haproxy.BINARY), "haproxy is not installed (./test installs it)");
        List<HoldingServer> one = servers(1);
        List<HoldingServer> two = servers(2);
        try {
            List<String> rr = haproxy("roundrobin", one, 4);
            assertEquals(List.of("s0", "waiting", "waiting", "waiting"), rr, "HAProxy 2.6");
            assertEquals(rr, pointsman("roundrobin", one, 4));

            // Which server takes the first client is each one's own choice: compared as "served".
            List<String> lc = served(haproxy("leastconn", two, 6));
            assertEquals(List.of("served", "served", "waiting", "waiting", "waiting", "waiting"), lc, "HAProxy 2.6");
            assertEquals(lc, served(pointsman("leastconn", two, 6)));
        } finally {
            closeAll(one);
            closeAll(two);
        }
    }

    @Test
    void sourceIsWhereHaproxyRefusesAClientItBindsToAFullServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Haproxy.BINARY), "haproxy is not installed (./test installs it)");
        List<HoldingServer> two = servers(2);
        try {
            // Every client has the same address: HAProxy's source hash binds them all to one server.
            List<String> theirs = haproxy("source", two, 4);
            assertEquals(3, theirs.stream().filter(o -> o.equals("waiting") || o.equals("closed")).count(), "" + theirs);
            assertEquals(List.of("waiting", "closed", "closed"), theirs.subList(1, 4),
                    "HAProxy 2.6: one waits for the client's server, the rest are refused (SQ)");
            // Pointsman: the client's next-best server takes the second, the others wait for a slot.
            List<String> ours = pointsman("source", two, 4);
            assertEquals(List.of("waiting", "waiting"), ours.subList(2, 4), "" + ours);
            assertEquals(2, ours.subList(0, 2).stream().distinct().filter(o -> o.startsWith("s")).count(), "" + ours);
        } finally {
            closeAll(two);
        }
    }
}
