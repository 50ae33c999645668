package io.pointsman.agent.sync;

/** The {@code reason} of {@code GET /status} (SPEC §6). */
public enum SyncReason {
    /** The branch head (or the last good revision) is applied and serving. */
    Applied,
    /** The revision's config is invalid or a route assertion failed; not retried until the branch moves. */
    ValidationFailed,
    /** A listener could not be bound; retried at the next poll. */
    BindFailed,
    /** The remote could not be asked or fetched (unreachable, timeout, deleted branch, damaged clone). */
    FetchFailed,
    /** The commit's signature did not verify against the trusted keys; not retried until the branch moves. */
    SignatureRejected,
    /** The new generation failed more than the health gate allows and was swapped back. */
    HealthGateFailed,
    /** Syncing is paused ({@code POST /suspend} or {@code sync.suspend} in the host file). */
    Suspended,
    /** A new revision is held back by {@code apply_delay}. */
    Waiting,
    /**
     * The apply step itself failed for another reason (it timed out or the applier threw);
     * retried at the next poll. Not in SPEC §6's list, which has no name for this case.
     */
    ApplyFailed
}
