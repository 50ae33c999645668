package io.pointsman.proxy.http;

/** A server response {@link ServerResponseDecoder} refused; nothing after it is passed on. */
record MalformedResponse(String reason) {
}
