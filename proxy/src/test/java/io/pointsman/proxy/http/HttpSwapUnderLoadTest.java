package io.pointsman.proxy.http;

import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.testing.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC §4 "change the routes, drop nothing" for HTTP: 100 swaps while keep-alive clients
 * that never retry send requests back to back. Every request must get its 200.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HttpSwapUnderLoadTest {
    private static final int CLIENTS = 4;
    private static final int SWAPS = 100;

    @Test
    void hundredSwapsUnderKeepAliveLoadFailNoRequest() throws Exception {
        int port = Clients.freePort();
        try (ProxyRuntime runtime = ProxyRuntime.builder().threads(2).health(HealthView.ALWAYS_UP).build().start();
             HttpBackend blue = new HttpBackend("blue");
             HttpBackend green = new HttpBackend("green")) {
            HttpConfigs toBlue = new HttpConfigs().defaultBackend("web").backend("web", blue.address());
            HttpConfigs toGreen = new HttpConfigs().defaultBackend("web").backend("web", green.address());
            assertInstanceOf(ApplyResult.Applied.class, runtime.apply(toBlue.build("127.0.0.1:" + port), "r0"));
            InetSocketAddress proxy = new InetSocketAddress("127.0.0.1", port);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger reconnects = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch started = new CountDownLatch(CLIENTS);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int id = i;
                Thread t = new Thread(() -> {
                    try (RawHttpClient c = new RawHttpClient(proxy)) {
                        started.countDown();
                        for (int n = 0; n < 1_000_000 && !stop.get(); n++) {
                            String path = "/c" + id + "/" + n;
                            try {
                                RawHttpClient.Response r = c.get(path, "a");
                                if (r.status() != 200 || !r.body().endsWith(" GET " + path)) {
                                    failures.add(path + " -> " + r.status() + " " + r.body());
                                } else {
                                    ok.incrementAndGet();
                                }
                            } catch (Exception e) {
                                failures.add(path + " -> " + e);
                                c.close();
                            }
                        }
                        reconnects.addAndGet(c.connectionsOpened);
                    } catch (Exception e) {
                        failures.add("client " + id + ": " + e);
                    }
                }, "http-load-" + i);
                threads.add(t);
                t.start();
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            for (int s = 1; s <= SWAPS; s++) {
                int before = ok.get();
                Object r = runtime.apply((s % 2 == 0 ? toBlue : toGreen).build("127.0.0.1:" + port), "r" + s);
                assertInstanceOf(ApplyResult.Applied.class, r);
                // Let some traffic pass between swaps (bounded wait, not a sleep).
                Clients.await("requests after swap " + s, 10_000, () -> ok.get() > before + CLIENTS || !failures.isEmpty());
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertEquals(List.of(), List.copyOf(failures), "no request failed");
            assertTrue(ok.get() > SWAPS * CLIENTS, "load ran: " + ok.get());
            assertTrue(blue.requests.get() > 0 && green.requests.get() > 0, "both generations served");
            assertTrue(reconnects.get() > CLIENTS, "retired connections were replaced: " + reconnects.get());
        }
    }
}
