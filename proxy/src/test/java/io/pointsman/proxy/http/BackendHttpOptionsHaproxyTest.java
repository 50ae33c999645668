package io.pointsman.proxy.http;

import static io.pointsman.proxy.testing.Clients.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Haproxy;
import io.pointsman.proxy.testing.StalledListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code abortonclose} and {@code http_reuse: never} against real HAProxy 2.6 ({@code
 * option abortonclose}, {@code option http-server-close}): the same clients through both,
 * the same outcome (answer or close, status and termination state in the log; what the
 * server receives).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackendHttpOptionsHaproxyTest {
    private static final Pattern HAPROXY_LINE = Pattern.compile(" (-?\\d+) (\\d+) - - (\\S\\S)-- ");
    private static final Pattern POINTSMAN_LINE = Pattern.compile(" (-?\\d+) (\\d+) (\\S\\S) gen=");

    /** What a client got and how the proxy logged it. */
    private record Outcome(String answer, String status, String state) {
    }

    /** One abortonclose case: a client whose request waits, then sends its FIN. */
    private interface Case {
        Outcome run(InetSocketAddress proxy, Supplier<List<String>> log, Pattern line) throws Exception;
    }

    @Test
    void abortOnCloseDropsWaitingRequestsAsHaproxyDoes() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            HttpBackend queueH = add(closeables, new HttpBackend("q"));
            HttpBackend queueP = add(closeables, new HttpBackend("q"));
            HttpBackend headH = add(closeables, new HttpBackend("h"));
            HttpBackend headP = add(closeables, new HttpBackend("h"));
            StalledListener stalled = add(closeables, new StalledListener());
            int[] h = {Clients.freePort(), Clients.freePort(), Clients.freePort()};
            Haproxy haproxy = add(closeables, Haproxy.start("""
                    global
                      log stdout format raw local0
                    defaults
                      mode http
                      log global
                      option httplog
                      option abortonclose
                      timeout connect 20s
                      timeout client 20s
                      timeout server 20s
                      timeout queue 20s
                    frontend queued
                      bind 127.0.0.1:%d
                      default_backend queued
                    backend queued
                      server s %s maxconn 1
                    frontend connecting
                      bind 127.0.0.1:%d
                      default_backend connecting
                    backend connecting
                      server s %s
                    frontend waiting
                      bind 127.0.0.1:%d
                      default_backend waiting
                    backend waiting
                      server s %s
                    """.formatted(h[0], queueH.address(), h[1], stalled.address(), h[2], headH.address()), h));
            Supplier<List<String>> haproxyLog = haproxy::lines;
            Supplier<List<String>> pointsmanLog = () -> captured.toString(StandardCharsets.UTF_8).lines().toList();
            ProxyRuntime runtime = add(closeables,
                    ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start());
            int p = Clients.freePort();
            InetSocketAddress pointsman = new InetSocketAddress("127.0.0.1", p);
            Timeouts timeouts = new Timeouts(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(20),
                    Duration.ofSeconds(20), Duration.ofSeconds(20), null, null, Duration.ofSeconds(20));

            // Queued behind a request the server holds: dropped without an answer (CQ).
            java.util.function.Function<HttpBackend, Case> queuedBehind = server -> (proxy, log, line) -> {
                int before = server.requests.get();
                try (Socket holder = RawHttpClient.sendGet(proxy, "/hold")) {
                    // The held request must take the server's one slot before the next one arrives.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (server.requests.get() == before && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    try (Socket waiting = RawHttpClient.sendGet(proxy, "/q")) {
                        Thread.sleep(300); // no probe can see HAProxy's queue; let the request get there
                        waiting.shutdownOutput();
                        String answer = answer(waiting);
                        return outcome(answer, log, line, "/q");
                    }
                }
            };
            apply(runtime, new HttpConfigs().timeouts(timeouts).abortOnClose(true).defaultBackend("web")
                    .backendWithMaxconn("web", 1, queueP.address()), p);
            Outcome hq = queuedBehind.apply(queueH).run(new InetSocketAddress("127.0.0.1", h[0]), haproxyLog,
                    HAPROXY_LINE);
            Outcome pq = queuedBehind.apply(queueP).run(pointsman, pointsmanLog, POINTSMAN_LINE);
            assertEquals(new Outcome("closed", "-1", "CQ"), hq);
            assertEquals(hq, pq);
            queueH.hold.complete(null);
            queueP.hold.complete(null);

            // Connecting to a server that does not answer the SYN: dropped without an answer (CC).
            Case connecting = (proxy, log, line) -> {
                try (Socket s = RawHttpClient.sendGet(proxy, "/c")) {
                    Thread.sleep(300);
                    s.shutdownOutput();
                    return outcome(answer(s), log, line, "/c");
                }
            };
            apply(runtime, new HttpConfigs().timeouts(timeouts).abortOnClose(true).defaultBackend("web")
                    .backend("web", stalled.address()), p);
            Outcome hc = connecting.run(new InetSocketAddress("127.0.0.1", h[1]), haproxyLog, HAPROXY_LINE);
            Outcome pc = connecting.run(pointsman, pointsmanLog, POINTSMAN_LINE);
            assertEquals(new Outcome("closed", "-1", "CC"), hc);
            assertEquals(hc, pc);

            // Waiting for the head of a server that never answers: 400 (CH).
            Case waiting = (proxy, log, line) -> {
                try (Socket s = RawHttpClient.sendGet(proxy, "/silent")) {
                    Thread.sleep(300);
                    s.shutdownOutput();
                    return outcome(answer(s), log, line, "/silent");
                }
            };
            apply(runtime, new HttpConfigs().timeouts(timeouts).abortOnClose(true).defaultBackend("web")
                    .backend("web", headP.address()), p);
            Outcome hh = waiting.run(new InetSocketAddress("127.0.0.1", h[2]), haproxyLog, HAPROXY_LINE);
            Outcome ph = waiting.run(pointsman, pointsmanLog, POINTSMAN_LINE);
            assertEquals(new Outcome("HTTP/1.1 400 Bad request", "400", "CH"), hh);
            assertEquals(hh.status(), ph.status());
            assertEquals(hh.state(), ph.state());
            assertTrue(ph.answer().startsWith("HTTP/1.1 400 "), ph.answer());
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            System.setErr(originalErr);
        }
    }

    @Test
    void httpReuseNeverIsHttpServerClose() throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            HttpBackend forHaproxy = add(closeables, new HttpBackend("web"));
            HttpBackend forPointsman = add(closeables, new HttpBackend("web"));
            int hp = Clients.freePort();
            add(closeables, Haproxy.start("""
                    defaults
                      mode http
                      option http-server-close
                      timeout connect 5s
                      timeout client 20s
                      timeout server 20s
                    frontend fe
                      bind 127.0.0.1:%d
                      default_backend web
                    backend web
                      server s %s
                    """.formatted(hp, forHaproxy.address()), hp));
            ProxyRuntime runtime = add(closeables,
                    ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start());
            int pp = Clients.freePort();
            apply(runtime, new HttpConfigs().httpReuse(HttpReuse.NEVER).defaultBackend("web")
                    .backend("web", forPointsman.address()), pp);
            List<String> viaHaproxy = threeRequests(new InetSocketAddress("127.0.0.1", hp));
            List<String> viaPointsman = threeRequests(new InetSocketAddress("127.0.0.1", pp));
            assertEquals(List.of("close", "close", "close", "client connections: 1"), viaHaproxy);
            assertEquals(viaHaproxy, viaPointsman);
            assertEquals(3, forHaproxy.connections.get());
            assertEquals(forHaproxy.connections.get(), forPointsman.connections.get());
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
    }

    /** Three requests on one client connection: the Connection header each reached the server with. */
    private static List<String> threeRequests(InetSocketAddress proxy) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RawHttpClient c = new RawHttpClient(proxy)) {
            for (int i = 0; i < 3; i++) {
                RawHttpClient.Response r = c.get("/n" + i, "h");
                assertEquals(200, r.status());
                seen.add(String.valueOf(r.header("x-seen-connection")));
            }
            seen.add("client connections: " + c.connectionsOpened);
        }
        return seen;
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> list, T c) {
        list.add(c);
        return c;
    }

    private static void apply(ProxyRuntime runtime, HttpConfigs config, int port) {
        assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config.build("127.0.0.1:" + port), "r1"));
    }

    /** The status line the client got, or "closed". */
    private static String answer(Socket s) throws Exception {
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        return all.isEmpty() ? "closed" : all.substring(0, all.indexOf('\r'));
    }

    /** The log line of the request to {@code path}: its status and termination state. */
    private static Outcome outcome(String answer, Supplier<List<String>> log, Pattern line, String path) {
        String request = "\"GET " + path + " HTTP/1.1\"";
        BooleanSupplier logged = () -> log.get().stream().anyMatch(l -> l.contains(request));
        await("a log line for " + path, 10_000, logged);
        String l = log.get().stream().filter(x -> x.contains(request)).findFirst().orElseThrow();
        Matcher m = line.matcher(l);
        assertTrue(m.find(), l);
        return new Outcome(answer, m.group(1), m.group(3));
    }
}
