package io.pointsman.proxy.balance;

import io.pointsman.proxy.config.Balance;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Factory of balancers. PLACEHOLDER: plain round robin for every algorithm; the
 * balancing work replaces it.
 */
public final class Balancers {
    private Balancers() {}

    public static <T extends Candidate> Balancer<T> create(Balance algorithm, List<T> servers) {
        List<T> list = List.copyOf(servers);
        AtomicInteger next = new AtomicInteger();
        return (clientAddress, exclude) -> pick(list, next, exclude);
    }

    private static <T extends Candidate> T pick(List<T> list, AtomicInteger next, Predicate<? super T> exclude) {
        for (int i = 0; i < list.size(); i++) {
            T s = list.get(Math.floorMod(next.getAndIncrement(), list.size()));
            if (s.isUp() && s.hasFreeSlot() && !exclude.test(s) && !s.backup()) {
                return s;
            }
        }
        return null;
    }
}
