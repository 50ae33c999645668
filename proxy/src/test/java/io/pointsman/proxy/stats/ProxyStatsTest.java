package io.pointsman.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProxyStatsTest {

    @Test
    void tryOpenNeverExceedsTheLimitUnderContention() throws Exception {
        Counters c = new Counters();
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        if (c.tryOpen(10)) {
                            granted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, granted.get());
        assertEquals(10, c.snapshot().current());
        assertEquals(10, c.snapshot().max());
        assertFalse(c.tryOpen(10));
        c.close();
        assertTrue(c.tryOpen(10));
        assertTrue(c.tryOpen(0), "0 = no limit");
        assertEquals(12, c.snapshot().total());
    }

    @Test
    void snapshotCarriesEveryCounter() {
        Counters c = new Counters();
        c.open();
        c.addBytesIn(5);
        c.addBytesOut(7);
        c.connectError();
        c.retry();
        c.redispatch();
        c.deny();
        c.enqueue();
        c.enqueue();
        c.dequeue();
        c.requestError();
        c.responseError();
        c.responseError();
        c.close();
        assertEquals(new CountersSnapshot(0, 1, 1, 5, 7, 1, 1, 1, 1, 1, 2, 1, 2, 2), c.snapshot(),
                "qmax keeps the peak of 2 after one left the queue");
    }

    @Test
    void aPublishedChangeBringsItsCountersAndDropsWhatItNames() {
        ProxyStats stats = new ProxyStats();
        StatsChange first = new StatsChange();
        Counters fe = first.newFrontend("fe");
        Counters kept = first.newServer("be/127.0.0.1:1");
        first.newServer("be/127.0.0.1:2").open();
        first.newBackend("be");
        first.newBackend("gone");
        assertTrue(stats.snapshot().frontends().isEmpty(), "nothing shows before it is published");
        stats.publish(first);
        fe.open();
        kept.open();
        StatsChange second = new StatsChange();
        second.backendDropped("gone");
        second.serverDropped("be/127.0.0.1:2");
        stats.publish(second);
        StatsSnapshot s = stats.snapshot();
        assertEquals(java.util.Set.of("be/127.0.0.1:1"), s.servers().keySet());
        assertEquals(java.util.Set.of("be"), s.backends().keySet());
        assertEquals(java.util.Set.of("fe"), s.frontends().keySet());
        assertEquals(1, s.frontends().get("fe").total());
        assertEquals(1, s.servers().get("be/127.0.0.1:1").current());
    }
}
