package io.pointsman.proxy.http;

/**
 * Size limits of a request head. Past them the request is rejected with 400 (HAProxy
 * answers 414/431 in some cases; SPEC §4 asks for 400 for all of them).
 *
 * @param maxInitialLine    longest request line, in bytes
 * @param maxHeaderSize     largest header section, in bytes
 * @param maxChunkSize      largest body piece the Netty-based reference path (tests) hands on at once;
 *                          the byte path forwards read buffers as they come, bounded by the
 *                          transport's read size
 * @param maxHeaderNameSize longest header name; HAProxy kept it in 8 bits and CVE-2021-40346
 *                          came from overflowing that, so longer names are refused outright
 */
public record HttpLimits(int maxInitialLine, int maxHeaderSize, int maxChunkSize, int maxHeaderNameSize) {

    /** HAProxy-like defaults: a 16 KiB buffer holds the whole head. */
    public static final HttpLimits DEFAULT = new HttpLimits(8192, 16384, 16384, 255);

    public HttpLimits {
        if (maxInitialLine <= 0 || maxHeaderSize <= 0 || maxChunkSize <= 0 || maxHeaderNameSize <= 0) {
            throw new IllegalArgumentException("HTTP limits must be positive: " + maxInitialLine + ", "
                    + maxHeaderSize + ", " + maxChunkSize + ", " + maxHeaderNameSize);
        }
    }
}
