package io.pointsman.proxy.balance;

import io.pointsman.proxy.config.Balance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the balancer of a backend for one generation. Every balancer is thread-safe
 * (event loops share it), allocates nothing per pick, and returns null when no server
 * is usable. Rules common to every algorithm:
 * <ul>
 *   <li>a server is usable when its (effective) weight is above 0, it {@link Candidate#isUp() is up},
 *       it {@link Candidate#hasFreeSlot() has a free slot} and the caller does not exclude it;</li>
 *   <li>backup servers take traffic only when no non-backup server is available, and are
 *       then balanced with the same algorithm (see {@link WithBackups}).</li>
 * </ul>
 * Weights are read through {@link Candidate#effectiveWeight()} on every pick, except by
 * {@code roundrobin}, which computes its cycle from them when built: whoever changes a
 * weight (slow start's ramp, a runtime weight) builds that balancer again.
 */
public final class Balancers {
    private Balancers() {}

    /**
     * @param algorithm the backend's {@code balance}
     * @param servers   the backend's servers in config order (order matters for {@code first})
     */
    public static <T extends Candidate> Balancer<T> create(Balance algorithm, List<T> servers) {
        Objects.requireNonNull(algorithm, "algorithm");
        List<T> primaries = new ArrayList<>();
        List<T> backups = new ArrayList<>();
        for (T s : servers) {
            (s.backup() ? backups : primaries).add(s);
        }
        Balancer<T> primary = of(algorithm, primaries);
        if (backups.isEmpty()) {
            return primary;
        }
        return new WithBackups<>(primaries, primary, of(algorithm, backups));
    }

    private static <T extends Candidate> Balancer<T> of(Balance algorithm, List<T> servers) {
        return switch (algorithm) {
            case ROUNDROBIN -> new SmoothRoundRobin<>(servers);
            case LEASTCONN -> new LeastConnections<>(servers);
            case SOURCE -> new SourceHash<>(servers);
            case FIRST -> new FirstAvailable<>(servers);
            case RANDOM -> new WeightedRandom<>(servers);
        };
    }
}
