package io.pointsman.proxy.http;

import io.netty.handler.codec.http.HttpDecoderConfig;

/**
 * Size limits of a request head. Past them the request is rejected with 400 (HAProxy
 * answers 414/431 in some cases; SPEC §4 asks for 400 for all of them).
 *
 * @param maxInitialLine    longest request line, in bytes
 * @param maxHeaderSize     largest header section, in bytes
 * @param maxChunkSize      largest body piece handed on at once (bodies stream; this only bounds a piece)
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

    /** Netty decoder settings: strict line endings, RFC 9112 transfer-coding rules, validated headers. */
    HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLine)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(maxChunkSize)
                .setChunkedSupported(true)
                .setAllowDuplicateContentLengths(false)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }
}
