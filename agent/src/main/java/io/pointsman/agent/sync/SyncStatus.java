package io.pointsman.agent.sync;

import io.pointsman.agent.state.HistoryEntry;
import io.pointsman.proxy.tls.CertificateStatus;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /status} shows (SPEC §6), an immutable snapshot; field names are the JSON names.
 *
 * @param repo       the remote URL with credentials stripped
 * @param ready      true when the last apply attempt succeeded (or nothing new needed applying)
 *                   and the proxy serves; see {@code /healthz} for "serves a good generation"
 * @param generation the proxy generation that serves, 0 before the first apply
 * @param certificates the TLS files the proxy serves with: file, kind, names, not-after, the
 *                     error of a reload that failed (never key material; SPEC §9)
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
        List<HistoryEntry> history,
        List<CertificateStatus> certificates) {

    public SyncStatus {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** The same with the certificates as they are now (they change without an apply: files are watched). */
    public SyncStatus withCertificates(List<CertificateStatus> now) {
        return new SyncStatus(node, repo, branch, ready, reason, message, lastAppliedRevision, lastAttemptedRevision,
                lastFetchTime, lastApplyTime, nextPollTime, generation, suspended, history, now);
    }
}
