package io.pointsman.proxy.http.wire;

/** {@link RequestHeads} for tests of other packages. */
public final class RequestHeadsForTests {
    private RequestHeadsForTests() {}

    /** The single head in {@code raw}, which must be accepted. */
    public static RequestHead accept(String raw) {
        return RequestHeads.accept(raw);
    }
}
