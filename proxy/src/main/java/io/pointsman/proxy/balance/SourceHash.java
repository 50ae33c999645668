package io.pointsman.proxy.balance;

import java.util.List;
import java.util.function.Predicate;

/**
 * {@code source}: weighted rendezvous (highest random weight) hashing of the client
 * address. Each server scores {@code weight / -ln(u)} where {@code u} in (0,1) is a
 * {@link StableHash stable hash} of (server key, client address); the highest usable
 * score wins. So:
 * <ul>
 *   <li>the same client maps to the same server on every node and after restarts (the
 *       hash depends only on the address bytes and each server's {@code key()});</li>
 *   <li>a server's share of clients is proportional to its weight;</li>
 *   <li>removing a server moves only its clients, and adding one moves only the clients
 *       it now wins (about 1/n): no ring to rebalance;</li>
 *   <li>when the chosen server is down, full or excluded, the client goes to its next
 *       best score — the same fallback on every node.</li>
 * </ul>
 * A pick costs one hash mix and one logarithm per server; backends are small. Without a
 * client address (null or empty) it falls back to round robin, as HAProxy does.
 */
final class SourceHash<T extends Candidate> implements Balancer<T> {
    private final T[] servers;
    private final long[] seeds;
    private final SmoothRoundRobin<T> fallback;

    SourceHash(List<T> list) {
        this.servers = Servers.array(list);
        this.seeds = new long[servers.length];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = StableHash.ofString(servers[i].key());
        }
        this.fallback = new SmoothRoundRobin<>(list);
    }

    @Override
    public T pick(byte[] clientAddress, Predicate<? super T> exclude) {
        if (clientAddress == null || clientAddress.length == 0) {
            return fallback.pick(clientAddress, exclude);
        }
        long client = StableHash.ofAddress(clientAddress);
        T best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < servers.length; i++) {
            T s = servers[i];
            if (!Servers.usable(s, exclude)) {
                continue;
            }
            double score = score(seeds[i], client, s.effectiveWeight());
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return best;
    }

    /** {@code weight / -ln(u)}, u uniform in (0,1) from the two hashes: the weighted HRW score. */
    static double score(long serverSeed, long client, int weight) {
        long h = StableHash.fmix64(serverSeed ^ client);
        double u = ((h >>> 11) + 0.5) * 0x1.0p-53; // never 0 or 1
        return weight / -Math.log(u);
    }
}
