package io.pointsman.proxy.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pointsman.proxy.config.Balance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BalancersTest {
    private static final byte[] CLIENT = {(byte) 198, 51, 100, 7};
    private static final Predicate<TestServer> NONE = s -> false;

    private static String sequence(Balancer<TestServer> b, int picks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < picks; i++) {
            sb.append(b.pick(CLIENT, NONE).name);
        }
        return sb.toString();
    }

    // --- roundrobin ------------------------------------------------------------------

    @Test
    void smoothRoundRobinInterleavesLikeNginx() {
        TestServer a = new TestServer("a", 5);
        TestServer b = new TestServer("b", 1);
        TestServer c = new TestServer("c", 1);
        Balancer<TestServer> rr = Balancers.create(Balance.ROUNDROBIN, List.of(a, b, c));
        assertEquals("aabacaa" + "aabacaa", sequence(rr, 14));
    }

    @Test
    void equalWeightsAlternateAndGcdIsFactoredOut() {
        Balancer<TestServer> rr = Balancers.create(Balance.ROUNDROBIN,
                List.of(new TestServer("a", 100), new TestServer("b", 100), new TestServer("c", 100)));
        assertEquals("abcabcabc", sequence(rr, 9));
        assertEquals(3, SmoothRoundRobin.cycle(new int[] {100, 100, 100}).length);
    }

    @Test
    void weightZeroIsNeverPicked() {
        Balancer<TestServer> rr = Balancers.create(Balance.ROUNDROBIN,
                List.of(new TestServer("a", 0), new TestServer("b", 2), new TestServer("c", 1)));
        assertEquals("bcb" + "bcb", sequence(rr, 6));
    }

    @Test
    void downServerSlotsAreSkippedKeepingTheRatioOfTheOthers() {
        TestServer a = new TestServer("a", 5);
        TestServer b = new TestServer("b", 1);
        TestServer c = new TestServer("c", 1);
        Balancer<TestServer> rr = Balancers.create(Balance.ROUNDROBIN, List.of(a, b, c));
        b.up = false;
        Map<String, Integer> counts = count(rr, 600, NONE);
        assertEquals(500, counts.get("a"));
        assertEquals(100, counts.get("c"));
        assertEquals(null, counts.get("b"));
    }

    @Test
    void longCyclesAreCappedButKeepProportions() {
        int[] weights = new int[40];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 200 + i; // gcd 1, total 8780 > cap
        }
        int[] cycle = SmoothRoundRobin.cycle(weights);
        assertTrue(cycle.length <= SmoothRoundRobin.MAX_CYCLE, "cycle " + cycle.length);
        int[] seen = new int[weights.length];
        for (int i : cycle) {
            seen[i]++;
        }
        for (int i = 0; i < weights.length; i++) {
            double expected = (double) weights[i] / 8780 * cycle.length;
            assertTrue(Math.abs(seen[i] - expected) <= 2, "server " + i + ": " + seen[i] + " vs " + expected);
        }
    }

    // --- leastconn -------------------------------------------------------------------

    @Test
    void leastconnPicksFewestConnectionsPerWeight() {
        TestServer a = new TestServer("a", 1);
        TestServer b = new TestServer("b", 2);
        TestServer c = new TestServer("c", 1);
        Balancer<TestServer> lc = Balancers.create(Balance.LEASTCONN, List.of(a, b, c));
        a.conns.set(3);
        b.conns.set(4); // 2 per unit of weight
        c.conns.set(5);
        assertSame(b, lc.pick(CLIENT, NONE));
        b.conns.set(8); // 4 per unit
        assertSame(a, lc.pick(CLIENT, NONE));
        // Simulate connections opening on each pick: load evens out by weight.
        a.conns.set(0);
        b.conns.set(0);
        c.conns.set(0);
        for (int i = 0; i < 400; i++) {
            lc.pick(CLIENT, NONE).conns.incrementAndGet();
        }
        assertEquals(100, a.conns.get());
        assertEquals(200, b.conns.get());
        assertEquals(100, c.conns.get());
    }

    @Test
    void leastconnTiesGoRoundRobin() {
        Balancer<TestServer> lc = Balancers.create(Balance.LEASTCONN,
                List.of(new TestServer("a", 1), new TestServer("b", 1), new TestServer("c", 1)));
        Map<String, Integer> counts = count(lc, 300, NONE);
        assertEquals(Map.of("a", 100, "b", 100, "c", 100), counts);
    }

    // --- source ----------------------------------------------------------------------

    private static List<TestServer> farm(int n) {
        List<TestServer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new TestServer("web" + i, 1));
        }
        return list;
    }

    private static List<byte[]> addresses(int n, long seed) {
        Random r = new Random(seed);
        List<byte[]> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] a = new byte[i % 4 == 0 ? 16 : 4];
            r.nextBytes(a);
            list.add(a);
        }
        return list;
    }

    private static Map<byte[], String> assignment(Balancer<TestServer> b, List<byte[]> clients) {
        Map<byte[], String> m = new HashMap<>();
        for (byte[] c : clients) {
            m.put(c, b.pick(c, NONE).name);
        }
        return m;
    }

    @Test
    void sourceIsStableAcrossInstancesAndServerOrder() {
        List<byte[]> clients = addresses(2000, 1);
        List<TestServer> servers = farm(5);
        Map<byte[], String> first = assignment(Balancers.create(Balance.SOURCE, servers), clients);
        // Another node: fresh objects, same keys, another config order.
        List<TestServer> other = farm(5);
        java.util.Collections.reverse(other);
        Map<byte[], String> second = assignment(Balancers.create(Balance.SOURCE, other), clients);
        assertEquals(first, second);
    }

    @Test
    void sourceIsPinnedToKnownValuesSoNodesAndReleasesAgree() {
        // A change of hash function would silently re-shuffle every client; pin it.
        Balancer<TestServer> b = Balancers.create(Balance.SOURCE, farm(4));
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            sb.append(b.pick(new byte[] {10, 0, 0, (byte) i}, NONE).name.substring(3));
        }
        assertEquals(SOURCE_PIN, sb.toString());
    }

    /** The expected picks of {@link #sourceIsPinnedToKnownValuesSoNodesAndReleasesAgree}. */
    private static final String SOURCE_PIN = "00001303";

    @Test
    void sourceMovesAboutOneNthWhenAServerIsRemovedOrAdded() {
        List<byte[]> clients = addresses(10_000, 2);
        List<TestServer> ten = farm(10);
        Map<byte[], String> before = assignment(Balancers.create(Balance.SOURCE, ten), clients);

        List<TestServer> nine = new ArrayList<>(ten);
        nine.remove(3);
        Map<byte[], String> removed = assignment(Balancers.create(Balance.SOURCE, nine), clients);
        int moved = 0;
        for (byte[] c : clients) {
            if (!before.get(c).equals(removed.get(c))) {
                moved++;
                assertEquals("web3", before.get(c), "only clients of the removed server move");
            }
        }
        assertEquals(0.10, moved / 10_000.0, 0.02);

        List<TestServer> eleven = new ArrayList<>(ten);
        eleven.add(new TestServer("web10", 1));
        Map<byte[], String> added = assignment(Balancers.create(Balance.SOURCE, eleven), clients);
        moved = 0;
        for (byte[] c : clients) {
            if (!before.get(c).equals(added.get(c))) {
                moved++;
                assertEquals("web10", added.get(c), "clients move only to the new server");
            }
        }
        assertEquals(1 / 11.0, moved / 10_000.0, 0.02);
    }

    @Test
    void sourceSpreadsSequentialAddressesEvenly() {
        Balancer<TestServer> b = Balancers.create(Balance.SOURCE, farm(4));
        Map<String, Integer> counts = new HashMap<>();
        for (int x = 0; x < 40_000; x++) {
            counts.merge(b.pick(new byte[] {10, 0, (byte) (x >> 8), (byte) x}, NONE).name, 1, Integer::sum);
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(10_000, counts.get("web" + i), 600, counts.toString());
        }
    }

    @Test
    void sourceHonoursWeightsAndFallsBackInHashOrder() {
        TestServer heavy = new TestServer("heavy", 3);
        TestServer light = new TestServer("light", 1);
        Balancer<TestServer> b = Balancers.create(Balance.SOURCE, List.of(heavy, light));
        List<byte[]> clients = addresses(10_000, 3);
        int onHeavy = 0;
        for (byte[] c : clients) {
            onHeavy += b.pick(c, NONE) == heavy ? 1 : 0;
        }
        assertEquals(0.75, onHeavy / 10_000.0, 0.03);

        List<TestServer> three = farm(3);
        Balancer<TestServer> b3 = Balancers.create(Balance.SOURCE, three);
        for (byte[] c : addresses(200, 4)) {
            TestServer home = b3.pick(c, NONE);
            home.up = false;
            TestServer second = b3.pick(c, NONE);
            assertNotNull(second);
            assertTrue(second != home);
            assertSame(second, b3.pick(c, s -> s == home), "exclude and down fall back the same way");
            home.up = true;
            assertSame(home, b3.pick(c, NONE), "back home when it returns");
        }
    }

    @Test
    void sourceTreatsMappedV6AsTheSameClient() {
        Balancer<TestServer> b = Balancers.create(Balance.SOURCE, farm(7));
        for (byte[] v4 : addresses(200, 5)) {
            if (v4.length != 4) {
                continue;
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(v4, 0, mapped, 12, 4);
            assertSame(b.pick(v4, NONE), b.pick(mapped, NONE));
        }
    }

    @Test
    void sourceWithoutClientAddressStillPicks() {
        Balancer<TestServer> b = Balancers.create(Balance.SOURCE, farm(2));
        assertNotNull(b.pick(null, NONE));
        assertNotNull(b.pick(new byte[0], NONE));
    }

    // --- first, random ----------------------------------------------------------------

    @Test
    void firstFillsServersInConfigOrder() {
        TestServer a = new TestServer("a", 1);
        TestServer b = new TestServer("b", 1);
        TestServer c = new TestServer("c", 1);
        a.maxconn = 2;
        b.maxconn = 1;
        Balancer<TestServer> first = Balancers.create(Balance.FIRST, List.of(a, b, c));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            TestServer s = first.pick(CLIENT, NONE);
            s.conns.incrementAndGet();
            sb.append(s.name);
        }
        assertEquals("aabcc", sb.toString());
        a.up = false;
        a.conns.set(0);
        b.conns.set(0);
        assertSame(b, first.pick(CLIENT, NONE));
    }

    @Test
    void randomFollowsWeights() {
        Balancer<TestServer> r = Balancers.create(Balance.RANDOM,
                List.of(new TestServer("a", 3), new TestServer("b", 1), new TestServer("c", 0)));
        Map<String, Integer> counts = count(r, 40_000, NONE);
        assertEquals(null, counts.get("c"));
        // Expected 30000 / 10000; the bound is > 10 standard deviations (~87).
        assertEquals(30_000, counts.get("a"), 1_000);
        assertEquals(10_000, counts.get("b"), 1_000);
    }

    // --- common rules -----------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Balance.class)
    void backupsServeOnlyWhenEveryPrimaryIsDown(Balance algorithm) {
        TestServer p1 = new TestServer("p1", 1);
        TestServer p2 = new TestServer("p2", 1);
        TestServer b1 = new TestServer("b1", 1, true);
        TestServer b2 = new TestServer("b2", 1, true);
        Balancer<TestServer> bal = Balancers.create(algorithm, List.of(b1, p1, b2, p2));
        for (int i = 0; i < 50; i++) {
            assertTrue(!bal.pick(CLIENT, NONE).backup);
        }
        p1.up = false;
        for (int i = 0; i < 50; i++) {
            assertSame(p2, bal.pick(CLIENT, NONE));
        }
        p2.up = false;
        Map<String, Integer> counts = count(bal, 100, NONE);
        assertTrue(counts.keySet().stream().allMatch(n -> n.startsWith("b")), counts.toString());
        if (algorithm == Balance.ROUNDROBIN || algorithm == Balance.LEASTCONN) {
            assertEquals(Map.of("b1", 50, "b2", 50), counts, "backups are balanced among themselves");
        }
        p2.up = true;
        assertSame(p2, bal.pick(CLIENT, NONE));
    }

    @Test
    void fullPrimariesDoNotBringInBackupsButExcludedOnesDo() {
        TestServer p = new TestServer("p", 1);
        TestServer b = new TestServer("b", 1, true);
        Balancer<TestServer> bal = Balancers.create(Balance.ROUNDROBIN, List.of(p, b));
        p.maxconn = 1;
        p.conns.set(1);
        assertNull(bal.pick(CLIENT, NONE), "primary up but full: wait for it");
        p.conns.set(0);
        assertSame(b, bal.pick(CLIENT, s -> s == p), "primary already tried: try the backup");
    }

    @ParameterizedTest
    @EnumSource(Balance.class)
    void excludeAndAllDown(Balance algorithm) {
        List<TestServer> servers = farm(3);
        Balancer<TestServer> bal = Balancers.create(algorithm, servers);
        TestServer keep = servers.get(1);
        for (int i = 0; i < 30; i++) {
            assertSame(keep, bal.pick(CLIENT, s -> s != keep));
        }
        assertNull(bal.pick(CLIENT, s -> true), "all excluded");
        servers.forEach(s -> s.up = false);
        assertNull(bal.pick(CLIENT, NONE), "all down");
        servers.forEach(s -> {
            s.up = true;
            s.maxconn = 1;
            s.conns.set(1);
        });
        assertNull(bal.pick(CLIENT, NONE), "all full");
    }

    @ParameterizedTest
    @EnumSource(Balance.class)
    void noServersMeansNull(Balance algorithm) {
        assertNull(Balancers.<TestServer>create(algorithm, List.of()).pick(CLIENT, NONE));
    }

    @ParameterizedTest
    @EnumSource(value = Balance.class, names = {"ROUNDROBIN", "LEASTCONN", "RANDOM"})
    void concurrentPicksAreSafeAndFair(Balance algorithm) throws Exception {
        List<TestServer> servers = farm(4);
        Balancer<TestServer> bal = Balancers.create(algorithm, servers);
        int threads = 4;
        int perThread = 20_000;
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        // Connections stay at 0, so leastconn is all ties: its round robin must be fair.
                        TestServer s = bal.pick(CLIENT, NONE);
                        counts.computeIfAbsent(s.name, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int total = threads * perThread;
        assertEquals(total, counts.values().stream().mapToInt(AtomicInteger::get).sum());
        for (TestServer s : servers) {
            int c = counts.get(s.name).get();
            assertEquals(total / 4.0, c, total * 0.05, s.name + " got " + c);
        }
    }

    @ParameterizedTest
    @EnumSource(Balance.class)
    void picksAllocateNothing(Balance algorithm) {
        List<TestServer> servers = farm(5);
        servers.get(0).up = false;
        servers.add(new TestServer("backup", 1, true));
        Balancer<TestServer> bal = Balancers.create(algorithm, servers);
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported());
        Predicate<TestServer> exclude = s -> s == servers.get(1);
        for (int i = 0; i < 20_000; i++) { // warm up
            bal.pick(CLIENT, exclude);
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        int picked = 0;
        for (int i = 0; i < 10_000; i++) {
            picked += bal.pick(CLIENT, exclude) != null ? 1 : 0;
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(10_000, picked);
        assertTrue(allocated < 4096, algorithm + ": 10,000 picks allocated " + allocated + " bytes");
    }

    @Test
    void leastconnUnderConcurrencyEvensOutHeldConnections() throws Exception {
        List<TestServer> servers = farm(4);
        Balancer<TestServer> lc = Balancers.create(Balance.LEASTCONN, servers);
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 2_000; i++) {
                        lc.pick(CLIENT, NONE).conns.incrementAndGet(); // connections are kept open
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (TestServer s : servers) {
            // Races between reading and incrementing can overshoot by about one per thread.
            assertEquals(2_000, s.conns.get(), 50, s.name);
        }
    }

    private static Map<String, Integer> count(Balancer<TestServer> b, int picks, Predicate<TestServer> exclude) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(b.pick(CLIENT, exclude).name, 1, Integer::sum);
        }
        return counts;
    }
}
