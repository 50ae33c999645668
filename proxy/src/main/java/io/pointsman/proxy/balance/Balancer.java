package io.pointsman.proxy.balance;

import java.util.function.Predicate;

/** Picks a server. Thread-safe: the event loops of all connections share one per backend and generation. */
public interface Balancer<T extends Candidate> {
    /**
     * @param clientAddress the client's address bytes (4 or 16), for {@code source}
     * @param exclude       servers not to pick (already tried for this connection); may be {@code s -> false}
     * @return a usable server, or null when none is (all down, all full, all excluded)
     */
    T pick(byte[] clientAddress, Predicate<? super T> exclude);
}
