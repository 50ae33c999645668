package io.pointsman.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Netty's request decoder with the holes a proxy cannot afford closed. Netty already
 * refuses (as a failed {@link DecoderResult}): duplicate or list Content-Length, empty
 * Content-Length, a final transfer coding other than chunked, invalid or overflowing chunk
 * sizes, empty header names, names with invalid characters or whitespace before the colon,
 * control characters in values, bare LF line ends, too long lines or header sections.
 * This class adds:
 * <ul>
 *   <li>Content-Length together with Transfer-Encoding is refused instead of having the
 *       Content-Length dropped (the request is ambiguous; SPEC §4);</li>
 *   <li>the raw-byte checks of {@link HeadScanner} (obs-fold, strict request line, header
 *       name length).</li>
 * </ul>
 * A refused head produces one failed message and everything after it is discarded:
 * {@link RequestHygiene} answers 400 and closes.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
    private final HeadScanner scanner;
    private boolean inHead = true;
    private int scannedAhead;
    private boolean refused;

    public StrictRequestDecoder(HttpLimits limits) {
        super(decoderConfig(limits));
        this.scanner = new HeadScanner(limits);
    }

    /** Netty decoder settings: strict line endings, RFC 9112 transfer-coding rules, validated headers. */
    static HttpDecoderConfig decoderConfig(HttpLimits limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLine())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(limits.maxChunkSize())
                .setChunkedSupported(true)
                .setAllowDuplicateContentLengths(false)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (refused) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        boolean headEndedNow = false;
        if (inHead) {
            // Bytes left unconsumed by the previous call were scanned then; scan only new ones.
            int end = scanner.scan(buffer, buffer.readerIndex() + scannedAhead, buffer.writerIndex());
            if (scanner.failure() != null) {
                refuse(buffer, out, scanner.failure());
                return;
            }
            if (end >= 0) {
                inHead = false;
                headEndedNow = true;
            }
        }
        int first = out.size();
        super.decode(ctx, buffer, out);
        for (int i = first; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpMessage m && m.decoderResult().isFailure()) {
                refused = true;
            }
            if (msg instanceof LastHttpContent) {
                inHead = true;
                scanner.reset();
                headEndedNow = true; // what is left in the buffer belongs to the next head, unscanned
            }
        }
        scannedAhead = inHead && !headEndedNow ? buffer.readableBytes() : 0;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // Netty's default drops Content-Length (RFC 9112 §6.3 allows it); we refuse instead.
        throw new IllegalArgumentException(new BadRequestException(
                "both Content-Length and Transfer-Encoding"));
    }

    private void refuse(ByteBuf buffer, List<Object> out, String why) {
        refused = true;
        buffer.skipBytes(buffer.readableBytes());
        HttpMessage invalid = createInvalidMessage();
        invalid.setDecoderResult(DecoderResult.failure(new BadRequestException(why)));
        out.add(invalid);
    }
}
