package io.pointsman.proxy.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code roundrobin}: nginx's smooth weighted round robin. Weights 5:1:1 give
 * {@code a a b a c a a}, not {@code a a a a a b c}: heavy servers are interleaved.
 *
 * <p>The cycle is computed once, at build time, by nginx's algorithm (each turn every
 * server gains its weight, the richest is picked and pays the total), after dividing
 * the weights by their gcd; a cycle longer than {@link #MAX_CYCLE} is scaled down
 * proportionally. Picks walk the cycle with one shared counter: one atomic add per pick,
 * two when slots must be skipped. A skipped slot (server down, full or excluded) is
 * consumed, so the remaining servers keep their exact ratio.
 */
final class SmoothRoundRobin<T extends Candidate> implements Balancer<T> {
    static final int MAX_CYCLE = 4096;

    private final T[] servers;
    /** Server indexes in pick order, one full cycle. */
    private final int[] cycle;
    private final AtomicInteger next = new AtomicInteger();

    SmoothRoundRobin(List<T> list) {
        this.servers = Servers.array(list);
        this.cycle = cycle(weights(servers));
    }

    private static int[] weights(Candidate[] servers) {
        int[] w = new int[servers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(0, servers[i].effectiveWeight());
        }
        return w;
    }

    /** One cycle of nginx's smooth weighted round robin over these weights (0 = never). */
    static int[] cycle(int[] weights) {
        int[] w = weights.clone();
        int gcd = 0;
        long total = 0;
        for (int x : w) {
            if (x > 0) {
                gcd = gcd(gcd, x);
                total += x;
            }
        }
        if (total == 0) {
            return new int[0];
        }
        total = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] /= gcd;
            total += w[i];
        }
        if (total > MAX_CYCLE) {
            long scaled = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] > 0) {
                    w[i] = (int) Math.max(1, w[i] * (long) MAX_CYCLE / total);
                    scaled += w[i];
                }
            }
            total = scaled;
        }
        int[] cycle = new int[(int) total];
        long[] current = new long[w.length];
        for (int k = 0; k < cycle.length; k++) {
            int best = -1;
            for (int i = 0; i < w.length; i++) {
                if (w[i] == 0) {
                    continue;
                }
                current[i] += w[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            cycle[k] = best;
        }
        return cycle;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public T pick(byte[] clientAddress, Predicate<? super T> exclude) {
        int len = cycle.length;
        if (len == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), len);
        for (int k = 0; k < len; k++) {
            T s = servers[cycle[(start + k) % len]];
            if (Servers.usable(s, exclude)) {
                if (k > 0) {
                    next.getAndAdd(k); // consume the skipped slots too
                }
                return s;
            }
        }
        return null;
    }
}
