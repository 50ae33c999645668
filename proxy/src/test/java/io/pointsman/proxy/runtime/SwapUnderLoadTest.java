package io.pointsman.proxy.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.TestConfig;
import io.pointsman.proxy.testing.TestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients stream and connect while the config is swapped 100 times: routes change,
 * ports come and go. Nothing in flight may notice.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwapUnderLoadTest {
    private static final int SWAPS = 100;
    private static final String[] TAGS = {"alpha", "beta", "gamma"};

    @Test
    void hundredSwapsUnderLoadDropNothing() throws Exception {
        List<TestServer> servers = new ArrayList<>();
        for (String t : TAGS) {
            servers.add(TestServer.lines(t));
        }
        int mainPort = Clients.freePort();
        int[] extraPorts = {Clients.freePort(), Clients.freePort(), Clients.freePort()};
        InetSocketAddress main = new InetSocketAddress("127.0.0.1", mainPort);
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger streamed = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(config(0, servers, mainPort, extraPorts), "rev-0"));
            List<Future<?>> clients = new ArrayList<>();
            // Streaming clients: long connections spanning many swaps; every reply must come
            // from the server the connection started on, byte-exact.
            for (int c = 0; c < 4; c++) {
                int seed = c;
                clients.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    while (!stop.get()) {
                        try (Socket s = Clients.connect(main)) {
                            connections.incrementAndGet();
                            String tag = null;
                            for (int i = 0; i < 300 && !stop.get(); i++) {
                                String line = Long.toHexString(rnd.nextLong()) + "-" + i;
                                String reply = Clients.roundTrip(s, line);
                                int sp = reply.indexOf(' ');
                                String got = reply.substring(0, sp);
                                if (tag == null) {
                                    tag = got;
                                } else if (!tag.equals(got)) {
                                    failures.add("stream moved from " + tag + " to " + got);
                                }
                                if (!reply.substring(sp + 1).equals(line)) {
                                    failures.add("corrupted: sent " + line + " got " + reply);
                                }
                                streamed.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failures.add("stream: " + e);
                        }
                    }
                }));
            }
            // Churning clients: many short connections.
            for (int c = 0; c < 2; c++) {
                clients.add(pool.submit(() -> {
                    int i = 0;
                    while (!stop.get()) {
                        try (Socket s = Clients.connect(main)) {
                            connections.incrementAndGet();
                            String reply = Clients.roundTrip(s, "short" + i);
                            if (!reply.endsWith(" short" + i)) {
                                failures.add("short connection got " + reply);
                            }
                        } catch (IOException e) {
                            failures.add("short: " + e);
                        }
                        i++;
                    }
                }));
            }
            for (int gen = 1; gen <= SWAPS; gen++) {
                ApplyResult r = runtime.apply(config(gen, servers, mainPort, extraPorts), "rev-" + gen);
                assertInstanceOf(ApplyResult.Applied.class, r, "swap " + gen);
                // A connection accepted after apply returned is on the new generation.
                try (Socket s = Clients.connect(main)) {
                    assertEquals(TAGS[gen % 3] + " probe", Clients.roundTrip(s, "probe"), "swap " + gen);
                }
                try (Socket s = Clients.connect("127.0.0.2", main)) {
                    String expected = gen % 2 == 1 ? TAGS[(gen + 1) % 3] : TAGS[gen % 3];
                    assertEquals(expected + " src", Clients.roundTrip(s, "src"), "src rule, swap " + gen);
                }
                for (int p = 0; p < extraPorts.length; p++) {
                    InetSocketAddress a = new InetSocketAddress("127.0.0.1", extraPorts[p]);
                    if (extraPresent(gen, p)) {
                        try (Socket s = Clients.connect(a)) {
                            assertEquals(TAGS[(gen + p) % 3] + " x", Clients.roundTrip(s, "x"), "port " + p);
                        }
                    } else {
                        Clients.assertNotListening(extraPorts[p]);
                    }
                }
            }
            stop.set(true);
            for (Future<?> f : clients) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
            assertEquals(SWAPS + 1, runtime.current().number());
            assertTrue(streamed.get() > 0 && connections.get() > 0);
        } finally {
            pool.shutdownNow();
            servers.forEach(TestServer::close);
        }
    }

    private static boolean extraPresent(int gen, int p) {
        return (gen >> p) % 2 == 1;
    }

    /** Generation {@code gen}: main routes to TAGS[gen % 3]; extra ports come and go with the bits of gen. */
    private static io.pointsman.proxy.config.ProxyConfig config(int gen, List<TestServer> servers, int mainPort,
                                                                int[] extraPorts) {
        TestConfig c = new TestConfig().global(null, null, 1000);
        for (int i = 0; i < TAGS.length; i++) {
            c.backend(TAGS[i]).server("s", servers.get(i).address());
        }
        var main = c.frontend("main").bind("127.0.0.1:" + mainPort).defaultBackend(TAGS[gen % 3]);
        if (gen % 2 == 1) {
            // A source rule that comes and goes and changes its target.
            main.srcAcl("from-two", "127.0.0.2/32").use(TAGS[(gen + 1) % 3], "from-two");
        }
        for (int p = 0; p < extraPorts.length; p++) {
            if (extraPresent(gen, p)) {
                c.frontend("extra" + p).bind("127.0.0.1:" + extraPorts[p]).defaultBackend(TAGS[(gen + p) % 3]);
            }
        }
        return c.build();
    }
}
