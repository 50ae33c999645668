/**
 * What the agent remembers across restarts, in {@code state-dir/state.json}: the last good
 * revision, the last attempt, the history of apply attempts, when each revision was first seen
 * (for {@code apply_delay}) and whether syncing is suspended.
 *
 * <p>Starting points: {@link io.pointsman.agent.state.StateStore} (atomic write: temp file,
 * fsync, rename, fsync dir; a corrupt file is moved aside, never fatal) and
 * {@link io.pointsman.agent.state.SyncState} (an immutable snapshot with withers).
 */
package io.pointsman.agent.state;
