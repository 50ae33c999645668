package io.pointsman.proxy.http;

/**
 * Passed downstream by {@link ClientRequestDecoder} in place of a refused request, so the
 * handler answering requests in order sends the 400 after the responses to the requests
 * before it. Carries nothing of the request itself.
 */
public record RejectedRequest(String reason) {
}
