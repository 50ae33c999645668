package io.pointsman.proxy.config;

/** What happens to a server's sessions when its checks mark it DOWN (HAProxy {@code on-marked-down}). */
public enum OnMarkedDown {
    /** Nothing: sessions in flight go on (the default). */
    NONE,
    /** Close every session to the server at once (HAProxy {@code shutdown-sessions}). */
    SHUTDOWN_SESSIONS
}
