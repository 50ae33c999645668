/**
 * The sync loop (SPEC §5): poll the remote, fetch when the head moved, read the commit's
 * files, hold or skip it when {@code apply_delay}/{@code suspend} say so, hand it to the proxy,
 * record the attempt, keep the last good commit on any failure.
 *
 * <p>Starting points: {@link io.pointsman.agent.sync.SyncEngine} (one per node; start, trigger,
 * status), {@link io.pointsman.agent.sync.ConfigApplier} (the seam to the proxy: validate and
 * swap one revision's files; never throws for bad config) and its
 * {@link io.pointsman.agent.sync.ApplyOutcome}, {@link io.pointsman.agent.sync.SyncStatus}
 * (what {@code GET /status} shows), {@link io.pointsman.agent.sync.HealthGateWatch} (SPEC §5.11:
 * judges a new generation by its traffic, {@link io.pointsman.agent.sync.TrafficSample}, and
 * asks the engine to swap back).
 *
 * <p>Threads: all git work and every apply run on the engine's own sync thread (one at a time);
 * a Quartz scheduler with one thread only fires poll triggers. Triggers coalesce: at most one
 * sync runs and at most one more is pending. The health gate samples and judges on its own
 * timer thread and hands a failed verdict to the sync thread.
 */
package io.pointsman.agent.sync;
