package io.pointsman.proxy.stats;

/**
 * HTTP responses sent to clients, by status class (HAProxy's {@code hrsp_*} columns): the
 * servers' answers and Pointsman's own error pages alike, as HAProxy counts them.
 *
 * @param informational 1xx (hrsp_1xx)
 * @param success       2xx (hrsp_2xx)
 * @param redirection   3xx (hrsp_3xx)
 * @param clientError   4xx (hrsp_4xx)
 * @param serverError   5xx (hrsp_5xx)
 * @param other         any other status (hrsp_other)
 */
public record HttpResponses(
        long informational,
        long success,
        long redirection,
        long clientError,
        long serverError,
        long other) {

    /** No response yet. */
    public static final HttpResponses ZERO = new HttpResponses(0, 0, 0, 0, 0, 0);

    /** The count of one class. */
    public long count(StatusClass c) {
        return switch (c) {
            case INFORMATIONAL -> informational;
            case SUCCESS -> success;
            case REDIRECTION -> redirection;
            case CLIENT_ERROR -> clientError;
            case SERVER_ERROR -> serverError;
            case OTHER -> other;
        };
    }

    /** Every response, all classes together. */
    public long total() {
        return informational + success + redirection + clientError + serverError + other;
    }
}
