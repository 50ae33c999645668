package io.pointsman.proxy.config;

/** The body a {@code sync.notify} target gets. */
public enum NotifyFormat {
    /** A JSON object with the event's fields ({@code node}, {@code event}, {@code revision}, …) and a {@code text} line. */
    JSON,
    /** Slack's incoming-webhook body, {@code {"text": "…"}} (Mattermost and Rocket.Chat take it too). */
    SLACK
}
