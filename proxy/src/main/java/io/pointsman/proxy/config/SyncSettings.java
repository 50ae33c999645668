package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * Per-node sync options (SPEC §5.8, §5.11), read by the agent.
 *
 * @param applyDelay apply a revision only after this node has seen it this long
 * @param suspend    do not apply new revisions
 */
public record SyncSettings(Duration applyDelay, Boolean suspend, HealthGate healthGate) {
}
