package io.pointsman.agent.state;

import java.time.Instant;

/**
 * One apply attempt (SPEC §5.4): polls that find nothing new add none.
 *
 * @param revision   {@code main@sha1:<40 hex>}
 * @param result     {@code success} or {@code failure}
 * @param reason     the status reason, e.g. {@code Applied}, {@code ValidationFailed}, {@code BindFailed}
 * @param message    what happened, secrets redacted
 * @param durationMs how long the attempt took
 */
public record HistoryEntry(String revision, String result, String reason, String message, Instant time, long durationMs) {
    public static final String SUCCESS = "success";
    public static final String FAILURE = "failure";
}
