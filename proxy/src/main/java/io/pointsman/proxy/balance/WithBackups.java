package io.pointsman.proxy.balance;

import java.util.List;
import java.util.function.Predicate;

/**
 * Backup servers: they take traffic only when no non-backup server is available — every
 * one is down, in maintenance, weight 0, or excluded (already tried for this
 * connection). A primary that is up but full does not bring in the backups: the caller
 * queues or fails, as HAProxy does (backups replace down servers, not busy ones).
 *
 * <p>When the backups are in use, they are balanced among themselves with the backend's
 * own algorithm (HAProxy's {@code option allbackups}), not just the first backup
 * (HAProxy's default): spreading load over every backup is what people who list several
 * want, and {@code balance: first} still gives the one-at-a-time behaviour.
 */
final class WithBackups<T extends Candidate> implements Balancer<T> {
    private final T[] primaries;
    private final Balancer<T> primary;
    private final Balancer<T> backup;

    WithBackups(List<T> primaries, Balancer<T> primary, Balancer<T> backup) {
        this.primaries = Servers.array(primaries);
        this.primary = primary;
        this.backup = backup;
    }

    @Override
    public T pick(byte[] clientAddress, Predicate<? super T> exclude) {
        T s = primary.pick(clientAddress, exclude);
        if (s != null) {
            return s;
        }
        for (T p : primaries) {
            if (Servers.available(p, exclude)) {
                return null; // primaries are up but full: wait for them
            }
        }
        return backup.pick(clientAddress, exclude);
    }
}
