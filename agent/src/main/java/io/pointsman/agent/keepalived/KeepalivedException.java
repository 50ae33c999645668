package io.pointsman.agent.keepalived;

/** The keepalived step of an apply failed; the previous keepalived.conf is back in place. */
public final class KeepalivedException extends Exception {
    public KeepalivedException(String message) {
        super(message);
    }

    public KeepalivedException(String message, Throwable cause) {
        super(message, cause);
    }
}
