package io.pointsman.agent.sync;

import io.pointsman.proxy.config.NotifyEvent;
import java.time.Instant;
import java.util.Objects;

/**
 * Something a node's operators may want to hear about (SPEC §11): a revision applied or
 * refused, the health gate swapping back, fetches failing, a runtime change. What
 * {@link SyncEvents} receive; the notifier turns it into messages.
 *
 * @param kind     what happened
 * @param revision the revision it is about ({@code main@sha1:<hex>}), or null
 * @param reason   the status reason ({@code Applied}, {@code BindFailed}, …)
 * @param message  what happened, secrets redacted
 * @param time     when it happened
 * @param key      identifies the event: one message per key, ever (a restart that applies the
 *                 same revision again, or a bind failure retried at every poll, sends nothing new)
 */
public record SyncEvent(NotifyEvent kind, String revision, String reason, String message, Instant time, String key) {
    public SyncEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(key, "key");
    }

    /** An event about a revision: one message per (revision, reason). */
    public static SyncEvent about(NotifyEvent kind, String revision, String reason, String message, Instant time) {
        return new SyncEvent(kind, revision, reason, message, time, kind.yamlName() + "|" + revision + "|" + reason);
    }

    /**
     * Fetches have failed since {@code since}: one message per run of failures, sent by each
     * target once the run is longer than its {@code fetch_failing_after}.
     */
    public static SyncEvent fetchFailing(Instant since, String message, Instant now) {
        return new SyncEvent(NotifyEvent.FETCH_FAILING, null, SyncReason.FetchFailed.name(), message, now,
                "fetch_failing|" + since);
    }

    /** When the run of failed fetches began (from the key), for {@link NotifyEvent#FETCH_FAILING}. */
    public Instant fetchFailingSince() {
        return kind == NotifyEvent.FETCH_FAILING ? Instant.parse(key.substring(key.indexOf('|') + 1)) : null;
    }
}
