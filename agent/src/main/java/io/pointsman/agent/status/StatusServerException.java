package io.pointsman.agent.status;

/** The status API cannot start: unsafe bind, unreadable secret, port in use. */
public final class StatusServerException extends Exception {
    public StatusServerException(String message) {
        super(message);
    }

    public StatusServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
