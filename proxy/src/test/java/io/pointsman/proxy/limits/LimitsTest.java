package io.pointsman.proxy.limits;

import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.Limit;
import io.pointsman.proxy.config.Mode;
import io.pointsman.proxy.config.ProxyConfig;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1000 * SECOND);

    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    private static Frontend frontend(String name, Limit... limits) {
        return new Frontend(name, Mode.HTTP, List.of(), null, null, null, null, null, List.of(), List.of(), "b",
                null, null, null, List.of(limits), null);
    }

    private static ProxyConfig config(Frontend... fs) {
        return new ProxyConfig(1, null, null, null, List.of(fs), List.of(), List.of(), null, null);
    }

    @Test
    void requestRateIsASlidingWindowOfTwoBuckets() throws Exception {
        LimitRegistry registry = new LimitRegistry(now::get);
        FrontendLimits limits = registry.prepare(frontend("f", new Limit("r", Limit.Key.SRC, 3, Duration.ofSeconds(10),
                null, null)));
        RateLimiter r = (RateLimiter) limits.get("r");
        for (int i = 0; i < 3; i++) {
            limits.requestStarted(ip(1));
        }
        assertFalse(r.isOver(ip(1)), "3 of 3");
        limits.requestStarted(ip(1));
        assertTrue(r.isOver(ip(1)), "the 4th is over");
        assertFalse(r.isOver(ip(2)), "per client");
        now.addAndGet(15 * SECOND); // half of the previous period still in the window: 4 * 0.5 = 2
        assertEquals(2.0, r.rate(ip(1)), 1e-9);
        assertFalse(r.isOver(ip(1)));
        now.addAndGet(20 * SECOND);
        assertEquals(0.0, r.rate(ip(1)), 1e-9, "two periods later nothing is left");
    }

    @Test
    void concurrentConnectionsCountUntilTheirTicketCloses() throws Exception {
        FrontendLimits limits = new LimitRegistry(now::get).prepare(frontend("f",
                new Limit("c", Limit.Key.SRC, null, null, 2, null)));
        Limiter c = limits.get("c");
        FrontendLimits.Ticket a = limits.connectionOpened(ip(1));
        FrontendLimits.Ticket b = limits.connectionOpened(ip(1));
        assertFalse(c.isOver(ip(1)));
        FrontendLimits.Ticket third = limits.connectionOpened(ip(1));
        assertTrue(c.isOver(ip(1)));
        third.close();
        third.close(); // once only
        assertFalse(c.isOver(ip(1)));
        a.close();
        b.close();
        assertEquals(0, c.tracked(), "no entry once a client has nothing open");
    }

    @Test
    void memoryIsBounded() throws Exception {
        FrontendLimits limits = new LimitRegistry(now::get).prepare(frontend("f",
                new Limit("r", Limit.Key.SRC, 1, Duration.ofSeconds(1), null, 32)));
        for (int i = 0; i < 250; i++) {
            limits.requestStarted(ip(i));
        }
        assertTrue(limits.get("r").tracked() <= 32 + LruSegments.SEGMENTS, "at most size (rounded up per segment)");
    }

    @Test
    void anUnchangedLimitKeepsItsCountersOverASwapAndAChangedOneStartsAfresh() throws Exception {
        LimitRegistry registry = new LimitRegistry(now::get);
        Limit rate = new Limit("r", Limit.Key.SRC, 1, Duration.ofSeconds(10), null, null);
        LimitRegistry.Prepared first = registry.prepare(config(frontend("f", rate)));
        registry.commit(first);
        first.of("f").requestStarted(ip(1));
        first.of("f").requestStarted(ip(1));
        LimitRegistry.Prepared same = registry.prepare(config(frontend("f", rate)));
        assertSame(first.of("f").get("r"), same.of("f").get("r"));
        assertTrue(same.of("f").get("r").isOver(ip(1)));
        LimitRegistry.Prepared changed = registry.prepare(config(frontend("f",
                new Limit("r", Limit.Key.SRC, 5, Duration.ofSeconds(10), null, null))));
        assertNotSame(first.of("f").get("r"), changed.of("f").get("r"));
        assertFalse(changed.of("f").get("r").isOver(ip(1)));
        // Prepared but not committed (a refused apply): the serving limiter is still the one reused.
        assertSame(first.of("f").get("r"), registry.prepare(config(frontend("f", rate))).of("f").get("r"));
    }
}
