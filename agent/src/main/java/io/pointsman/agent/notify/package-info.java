/**
 * Notifications (SPEC §11, {@code sync.notify}): a node POSTs a message to each configured
 * URL when a revision is applied or refused, the health gate swaps back, fetches keep
 * failing, or a server's state changes at runtime.
 *
 * <p>Starting point: {@link io.pointsman.agent.notify.Notifier} (the outbox: one queue per
 * target, retries with capped backoff, one message per event ever, kept in
 * {@code state-dir/notify.json} across restarts) and
 * {@link io.pointsman.agent.notify.MessageBodies} (the generic JSON and the Slack-compatible
 * body).
 *
 * <p>Threads: the sync thread only hands an event over ({@code publish} returns at once);
 * one notifier thread owns the queues and the file; HTTP runs on the client's own threads,
 * bounded by each target's timeout. A slow or dead receiver delays nothing but its own queue.
 */
package io.pointsman.agent.notify;
