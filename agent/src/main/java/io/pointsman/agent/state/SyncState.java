package io.pointsman.agent.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The persistent part of the agent's state; immutable, written whole by {@link StateStore}.
 *
 * @param lastGoodRevision      the revision that was last applied successfully (served after a restart)
 * @param lastAttemptedRevision the revision of the last apply attempt
 * @param rejectedRevision      a revision refused for its content (validation, assertion, signature):
 *                              not tried again until the branch moves
 * @param rejectedReason        why it was refused, e.g. {@code ValidationFailed}
 * @param rejectedMessage       the refusal message, shown again while the branch stays there
 * @param history               the last {@value #MAX_HISTORY} attempts, oldest first
 * @param seen                  commit id → when this node first saw it (for {@code apply_delay})
 * @param suspended             true after {@code POST /suspend}
 * @param suspendReason         the reason given to {@code POST /suspend}
 * @param fetchFailingSince     when the current run of failed fetches began (null while fetches
 *                              succeed); kept so a restart does not start the outage over
 */
public record SyncState(
        String lastGoodRevision,
        String lastAttemptedRevision,
        String rejectedRevision,
        String rejectedReason,
        String rejectedMessage,
        Instant lastApplyTime,
        List<HistoryEntry> history,
        Map<String, Instant> seen,
        boolean suspended,
        String suspendReason,
        Instant fetchFailingSince) {

    public static final int MAX_HISTORY = 50;
    /** Seen-times kept; older ones cannot matter once this many newer revisions came. */
    public static final int MAX_SEEN = 100;

    public SyncState {
        history = history == null ? List.of() : List.copyOf(history);
        seen = seen == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seen));
    }

    public static SyncState empty() {
        return new SyncState(null, null, null, null, null, null, List.of(), Map.of(), false, null, null);
    }

    public SyncState withAttempt(HistoryEntry entry) {
        List<HistoryEntry> h = new ArrayList<>(history);
        h.add(entry);
        while (h.size() > MAX_HISTORY) {
            h.remove(0);
        }
        return new SyncState(lastGoodRevision, entry.revision(), rejectedRevision, rejectedReason, rejectedMessage,
                lastApplyTime, h, seen, suspended, suspendReason, fetchFailingSince);
    }

    /** A history entry that is not an apply attempt (a runtime change): lastAttemptedRevision stays. */
    public SyncState withHistory(HistoryEntry entry) {
        List<HistoryEntry> h = new ArrayList<>(history);
        h.add(entry);
        while (h.size() > MAX_HISTORY) {
            h.remove(0);
        }
        return new SyncState(lastGoodRevision, lastAttemptedRevision, rejectedRevision, rejectedReason, rejectedMessage,
                lastApplyTime, h, seen, suspended, suspendReason, fetchFailingSince);
    }

    public SyncState withLastGood(String revision, Instant at) {
        return new SyncState(revision, lastAttemptedRevision, rejectedRevision, rejectedReason, rejectedMessage,
                at, history, seen, suspended, suspendReason, fetchFailingSince);
    }

    public SyncState withRejected(String revision, String reason, String message) {
        return new SyncState(lastGoodRevision, lastAttemptedRevision, revision, reason, message,
                lastApplyTime, history, seen, suspended, suspendReason, fetchFailingSince);
    }

    /** Records when a commit was first seen; keeps the first time, drops the oldest past {@value #MAX_SEEN}. */
    public SyncState withSeen(String commit, Instant at) {
        if (seen.containsKey(commit)) {
            return this;
        }
        LinkedHashMap<String, Instant> s = new LinkedHashMap<>(seen);
        s.put(commit, at);
        while (s.size() > MAX_SEEN) {
            s.remove(s.keySet().iterator().next());
        }
        return new SyncState(lastGoodRevision, lastAttemptedRevision, rejectedRevision, rejectedReason, rejectedMessage,
                lastApplyTime, history, s, suspended, suspendReason, fetchFailingSince);
    }

    /** Marks the start of a run of failed fetches (kept when one is running), or its end (null). */
    public SyncState withFetchFailing(Instant since) {
        Instant v = since == null ? null : fetchFailingSince != null ? fetchFailingSince : since;
        if (java.util.Objects.equals(v, fetchFailingSince)) {
            return this;
        }
        return new SyncState(lastGoodRevision, lastAttemptedRevision, rejectedRevision, rejectedReason, rejectedMessage,
                lastApplyTime, history, seen, suspended, suspendReason, v);
    }

    public SyncState withSuspended(boolean on, String reason) {
        return new SyncState(lastGoodRevision, lastAttemptedRevision, rejectedRevision, rejectedReason, rejectedMessage,
                lastApplyTime, history, seen, on, on ? reason : null, fetchFailingSince);
    }
}
