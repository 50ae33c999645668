package io.pointsman.agent.sync;

import io.pointsman.agent.state.HistoryEntry;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /status} shows (SPEC §6), an immutable snapshot; field names are the JSON names.
 *
 * @param repo       the remote URL with credentials stripped
 * @param ready      true when the last apply attempt succeeded (or nothing new needed applying)
 *                   and the proxy serves; see {@code /healthz} for "serves a good generation"
 * @param generation the proxy generation that serves, 0 before the first apply
 */
public record SyncStatus(
        String node,
        String repo,
        String branch,
        boolean ready,
        SyncReason reason,
        String message,
        String lastAppliedRevision,
        String lastAttemptedRevision,
        Instant lastFetchTime,
        Instant lastApplyTime,
        Instant nextPollTime,
        long generation,
        boolean suspended,
        List<HistoryEntry> history) {
}
