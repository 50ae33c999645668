package io.pointsman.proxy.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code leastconn}: the usable server with the fewest current connections per unit of
 * weight ({@code conns/weight}, compared by cross-multiplying, no division). Ties go
 * round robin: each pick starts its scan one server further along, and the first of
 * equals in scan order wins.
 */
final class LeastConnections<T extends Candidate> implements Balancer<T> {
    private final T[] servers;
    private final AtomicInteger next = new AtomicInteger();

    LeastConnections(List<T> list) {
        this.servers = Servers.array(list);
    }

    @Override
    public T pick(byte[] clientAddress, Predicate<? super T> exclude) {
        int n = servers.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        T best = null;
        long bestConns = 0;
        long bestWeight = 1;
        for (int k = 0; k < n; k++) {
            T s = servers[(start + k) % n];
            if (!Servers.usable(s, exclude)) {
                continue;
            }
            long conns = Math.max(0, s.currentConnections());
            long weight = s.effectiveWeight();
            if (best == null || conns * bestWeight < bestConns * weight) {
                best = s;
                bestConns = conns;
                bestWeight = weight;
            }
        }
        return best;
    }
}
