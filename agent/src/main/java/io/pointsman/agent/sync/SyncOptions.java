package io.pointsman.agent.sync;

import io.pointsman.agent.git.TrustedKeys;
import java.time.Duration;
import java.util.Objects;

/**
 * How one node syncs.
 *
 * @param node         this node's name: picks {@code hosts/<node>.yaml}
 * @param branch       the config branch, e.g. {@code main}
 * @param poll         time between polls (SPEC: default 60s)
 * @param jitter       ± fraction applied to every poll delay (0.1 = ±10%) so a fleet does not poll in step
 * @param applyTimeout bound of one apply (validate + swap + keepalived)
 * @param maxBackoff   cap of the delay after repeated fetch failures (poll × 2^failures)
 * @param fetchTimeout bound of every network step (ls-remote, fetch), in whole seconds for JGit
 * @param trustedKeys  {@code --trusted-keys} (SPEC §5.9), or null: apply unsigned commits too
 */
public record SyncOptions(String node, String branch, Duration poll, double jitter, Duration applyTimeout, Duration maxBackoff,
        Duration fetchTimeout, TrustedKeys trustedKeys) {
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(60);

    public SyncOptions {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(branch, "branch");
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + poll);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
    }

    public static SyncOptions defaults(String node, String branch) {
        return new SyncOptions(node, branch, DEFAULT_POLL, 0.1, Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofSeconds(30), null);
    }

    public SyncOptions withPoll(Duration p) {
        return new SyncOptions(node, branch, p, jitter, applyTimeout, maxBackoff, fetchTimeout, trustedKeys);
    }

    public SyncOptions withFetchTimeout(Duration t) {
        return new SyncOptions(node, branch, poll, jitter, applyTimeout, maxBackoff, t, trustedKeys);
    }

    public SyncOptions withApplyTimeout(Duration t) {
        return new SyncOptions(node, branch, poll, jitter, t, maxBackoff, fetchTimeout, trustedKeys);
    }

    public SyncOptions withTrustedKeys(TrustedKeys k) {
        return new SyncOptions(node, branch, poll, jitter, applyTimeout, maxBackoff, fetchTimeout, k);
    }

    public SyncOptions withMaxBackoff(Duration m) {
        return new SyncOptions(node, branch, poll, jitter, applyTimeout, m, fetchTimeout, trustedKeys);
    }
}
