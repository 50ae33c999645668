package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pointsman.proxy.http.HttpLimits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: raw text in (ISO-8859-1, one char = one byte), heads or refusals out. */
final class RequestHeads {
    static final String IP = "10.0.0.9";
    static final String PROTO = "https";
    static final String LOCAL = "127.0.0.1:8080";

    private RequestHeads() {
    }

    static ByteBuf bytes(String raw) {
        return Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1);
    }

    /** Parses everything in {@code raw} with a fresh parser: each head, or "refused: reason" last. */
    static List<String> parseAll(String raw) {
        return parseAll(raw, HttpLimits.DEFAULT);
    }

    static List<String> parseAll(String raw, HttpLimits limits) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        ByteBuf in = bytes(raw);
        List<String> out = new ArrayList<>();
        try {
            while (true) {
                RequestHead head = parser.parse(in);
                if (head == null) {
                    break;
                }
                out.add(describe(head));
            }
        } catch (RequestRefusedException e) {
            out.add("refused: " + e.reason());
        } finally {
            in.release();
        }
        return out;
    }

    /** Every fact of a head plus what it writes for a server, as one string to compare. */
    static String describe(RequestHead h) {
        StringBuilder sb = new StringBuilder();
        sb.append(h.method()).append(' ').append(h.uri()).append(" path=").append(h.path())
                .append(" 1.").append(h.minorVersion()).append(" host=").append(h.host())
                .append(" rawHost=").append(h.rawHost()).append(" cl=").append(h.contentLength())
                .append(" chunked=").append(h.chunked()).append(" expect=").append(h.expect100Continue())
                .append(" keepAlive=").append(h.keepAlive()).append(" upgrade=").append(h.wantsUpgrade())
                .append(" length=").append(h.length()).append(" wire=").append(h.wireLength()).append('\n');
        for (int i = 0; i < h.headerCount(); i++) {
            sb.append(h.headerName(i)).append(": [").append(h.headerValue(i)).append("]\n");
        }
        sb.append("--- forwarded:\n").append(forServer(h, IP)).append("--- plain:\n").append(forServer(h, null));
        return sb.toString();
    }

    static String forServer(RequestHead h, String forwardedFor) {
        ByteBuf out = Unpooled.buffer();
        try {
            h.writeForServer(out, forwardedFor, PROTO, LOCAL);
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    /** The single head in {@code raw}, which must be accepted. */
    static RequestHead accept(String raw) {
        RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);
        ByteBuf in = bytes(raw);
        try {
            RequestHead head = parser.parse(in);
            if (head == null) {
                throw new AssertionError("incomplete head: " + raw);
            }
            return head;
        } catch (RequestRefusedException e) {
            throw new AssertionError("refused (" + e.reason() + "): " + raw);
        } finally {
            in.release();
        }
    }

    /** Why the first head in {@code raw} is refused; fails when it is not. */
    static String refuse(String raw) {
        return refuse(raw, HttpLimits.DEFAULT);
    }

    static String refuse(String raw, HttpLimits limits) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        ByteBuf in = bytes(raw);
        try {
            RequestHead head = parser.parse(in);
            throw new AssertionError((head == null ? "incomplete, not refused: " : "accepted: ") + raw);
        } catch (RequestRefusedException e) {
            return e.reason();
        } finally {
            in.release();
        }
    }
}
