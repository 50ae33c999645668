package io.pointsman.proxy.balance;

import java.util.List;
import java.util.function.Predicate;

/**
 * {@code first}: the first server in config order that is usable (up, free slot, not
 * excluded). Fills servers one after another, so idle ones can be powered down; set
 * {@code maxconn} on servers or everything lands on the first.
 */
final class FirstAvailable<T extends Candidate> implements Balancer<T> {
    private final T[] servers;

    FirstAvailable(List<T> list) {
        this.servers = Servers.array(list);
    }

    @Override
    public T pick(byte[] clientAddress, Predicate<? super T> exclude) {
        for (T s : servers) {
            if (Servers.usable(s, exclude)) {
                return s;
            }
        }
        return null;
    }
}
