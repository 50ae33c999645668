package io.pointsman.proxy.http;

/** Marks the end of a response read by {@link ServerResponseDecoder}. */
final class ResponseEnd {
    static final ResponseEnd INSTANCE = new ResponseEnd();

    private ResponseEnd() {
    }

    @Override
    public String toString() {
        return "ResponseEnd";
    }
}
