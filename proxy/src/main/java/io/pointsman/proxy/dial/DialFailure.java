package io.pointsman.proxy.dial;

/**
 * Why a dial ended without a server connection, with the termination state HAProxy logs
 * for it (the first two characters of its {@code termination_state} field).
 */
public enum DialFailure {
    /** No usable server (all down, disabled or weight 0): refused at once, counted as denied. */
    NO_SERVER("--"),
    /** Every usable server stayed at its maxconn for {@code timeout.queue}: counted as denied. */
    QUEUE_TIMEOUT("sQ"),
    /** The last attempt to connect failed (refused, unreachable, {@code timeout.connect}). */
    CONNECT_FAILED("SC");

    private final String terminationState;

    DialFailure(String terminationState) {
        this.terminationState = terminationState;
    }

    /** HAProxy's termination state for the access log. */
    public String terminationState() {
        return terminationState;
    }
}
