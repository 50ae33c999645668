package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * Per-node sync options (SPEC §5.8, §5.11, §11), read by the agent.
 *
 * @param applyDelay apply a revision only after this node has seen it this long
 * @param suspend    do not apply new revisions
 * @param notifyTargets {@code notify}: where to send a message when a revision is applied or refused (SPEC §11)
 */
public record SyncSettings(Duration applyDelay, Boolean suspend, HealthGate healthGate,
        @YamlName("notify") List<NotifyTarget> notifyTargets) {
    public SyncSettings {
        notifyTargets = Lists.of(notifyTargets);
    }

    public SyncSettings(Duration applyDelay, Boolean suspend, HealthGate healthGate) {
        this(applyDelay, suspend, healthGate, List.of());
    }
}
