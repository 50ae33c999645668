package io.pointsman.proxy.stats;

/**
 * The classes HAProxy counts HTTP responses in ({@code hrsp_1xx} … {@code hrsp_5xx},
 * {@code hrsp_other}), in HAProxy's column order. Every stats form names them from here:
 * {@link #label()} is the Prometheus {@code code} label and the JSON key,
 * {@link #csvColumn()} the CSV column.
 */
public enum StatusClass {
    INFORMATIONAL("1xx"),
    SUCCESS("2xx"),
    REDIRECTION("3xx"),
    CLIENT_ERROR("4xx"),
    SERVER_ERROR("5xx"),
    /** Outside 100-599: a server speaking broken HTTP (HAProxy's "protocol error" class). */
    OTHER("other");

    private final String label;

    StatusClass(String label) {
        this.label = label;
    }

    /** {@code 1xx} … {@code 5xx}, {@code other}. */
    public String label() {
        return label;
    }

    /** HAProxy's CSV column: {@code hrsp_1xx} … {@code hrsp_other}. */
    public String csvColumn() {
        return "hrsp_" + label;
    }

    /** The class of an HTTP status code; anything outside 100-599 is {@link #OTHER}, as in HAProxy. */
    public static StatusClass of(int status) {
        return switch (status / 100) {
            case 1 -> INFORMATIONAL;
            case 2 -> SUCCESS;
            case 3 -> REDIRECTION;
            case 4 -> CLIENT_ERROR;
            case 5 -> SERVER_ERROR;
            default -> OTHER;
        };
    }
}
