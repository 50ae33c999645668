package io.pointsman.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The HTTP response classes of {@link Counters} (HAProxy's hrsp_1xx … hrsp_other). */
class CountersTest {

    @Test
    void eachStatusLandsInItsHaproxyClass() {
        Counters c = new Counters();
        for (int status : new int[] {100, 101, 199, 200, 204, 299, 301, 304, 400, 404, 499, 500, 503, 599}) {
            c.response(status);
        }
        c.response(99);
        c.response(600);
        c.response(0);
        c.response(-1);
        c.response(999);
        assertEquals(new HttpResponses(3, 3, 2, 3, 3, 5), c.snapshot().responses());
        assertEquals(3, c.snapshot().responses5xx(), "the health gate's accessor still reads the 5xx class");
        assertEquals(19, c.snapshot().responses().total());
    }

    @Test
    void countersAgreeWithStatusClassOfForEveryCode() {
        for (int status = -2; status <= 1000; status++) {
            Counters c = new Counters();
            c.response(status);
            HttpResponses r = c.snapshot().responses();
            StatusClass expected = StatusClass.of(status);
            for (StatusClass k : StatusClass.values()) {
                assertEquals(k == expected ? 1 : 0, r.count(k), "status " + status + " in " + k);
            }
        }
    }

    @Test
    void classesAreLabelledAsHaproxyNamesThem() {
        List<String> labels = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (StatusClass c : StatusClass.values()) {
            labels.add(c.label());
            columns.add(c.csvColumn());
        }
        assertEquals(List.of("1xx", "2xx", "3xx", "4xx", "5xx", "other"), labels);
        assertEquals(List.of("hrsp_1xx", "hrsp_2xx", "hrsp_3xx", "hrsp_4xx", "hrsp_5xx", "hrsp_other"), columns);
    }

    @Test
    void noResponseLostWhenEventLoopsCountAtOnce() throws Exception {
        Counters c = new Counters();
        int threads = 4;
        int perThread = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        c.response(i % 2 == 0 ? 200 : 404);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        HttpResponses r = c.snapshot().responses();
        assertEquals(threads * perThread / 2, r.success());
        assertEquals(threads * perThread / 2, r.clientError());
        assertEquals(threads * perThread, r.total());
    }

    @Test
    void snapshotsWithoutResponseClassesStillBuild() {
        CountersSnapshot tcp = new CountersSnapshot(0, 1, 1, 5, 7, 1, 1, 1, 1, 1, 2, 1, 2, 2);
        assertEquals(HttpResponses.ZERO, tcp.responses());
        CountersSnapshot only5xx = new CountersSnapshot(0, 1, 1, 5, 7, 1, 1, 1, 1, 1, 2, 1, 2, 2, 9L);
        assertEquals(9, only5xx.responses5xx());
        assertEquals(new HttpResponses(0, 0, 0, 0, 9, 0), only5xx.responses());
        assertEquals(HttpResponses.ZERO, CountersSnapshot.ZERO.responses());
    }
}
