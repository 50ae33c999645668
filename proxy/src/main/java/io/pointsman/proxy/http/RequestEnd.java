package io.pointsman.proxy.http;

/** Marks the end of a request read by {@link ClientRequestDecoder}. */
final class RequestEnd {
    static final RequestEnd INSTANCE = new RequestEnd();

    private RequestEnd() {
    }

    @Override
    public String toString() {
        return "RequestEnd";
    }
}
