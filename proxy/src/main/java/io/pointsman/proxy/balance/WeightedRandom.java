package io.pointsman.proxy.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * {@code random}: a usable server with probability proportional to its weight. Two
 * passes (total weight, then the walk); if servers change state between them, the last
 * usable server seen in the walk is taken.
 */
final class WeightedRandom<T extends Candidate> implements Balancer<T> {
    private final T[] servers;

    WeightedRandom(List<T> list) {
        this.servers = Servers.array(list);
    }

    @Override
    public T pick(byte[] clientAddress, Predicate<? super T> exclude) {
        long total = 0;
        for (T s : servers) {
            if (Servers.usable(s, exclude)) {
                total += s.effectiveWeight();
            }
        }
        if (total == 0) {
            return null;
        }
        long r = ThreadLocalRandom.current().nextLong(total);
        T last = null;
        for (T s : servers) {
            if (Servers.usable(s, exclude)) {
                last = s;
                r -= s.effectiveWeight();
                if (r < 0) {
                    return s;
                }
            }
        }
        return last;
    }
}
