package io.pointsman.proxy.rules;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.pointsman.proxy.http.wire.ResponseHead.ConnectionHeader;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A response the proxy gives itself instead of asking a server: a redirect, a deny, a
 * {@code return}, a 401 for {@code auth}, an error page or error file. Immutable; the
 * same instance may be written to many clients.
 *
 * @param status  the status code
 * @param reason  the reason phrase
 * @param headers header lines as {name, value}, without Content-Length and Connection
 *                (the writer adds those)
 * @param body    the body bytes (may be empty)
 */
public record Answer(int status, String reason, List<String[]> headers, byte[] body) {

    public Answer {
        headers = List.copyOf(headers);
    }

    /** The value of the first header of this name (any case), or null. */
    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /**
     * The whole response as bytes: {@code HTTP/1.1 status reason}, the headers,
     * {@code Content-Length}, {@code connection}'s line, and the body (left out when
     * {@code headRequest}, as for a HEAD request).
     */
    public void writeTo(ByteBuf out, ConnectionHeader connection, boolean headRequest) {
        ByteBufUtil.writeAscii(out, "HTTP/1.1 ");
        ByteBufUtil.writeAscii(out, Integer.toString(status));
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, reason);
        out.writeByte('\r').writeByte('\n');
        for (String[] h : headers) {
            ByteBufUtil.writeAscii(out, h[0]);
            out.writeByte(':').writeByte(' ');
            out.writeCharSequence(h[1], StandardCharsets.ISO_8859_1);
            out.writeByte('\r').writeByte('\n');
        }
        ByteBufUtil.writeAscii(out, "Content-Length: ");
        ByteBufUtil.writeAscii(out, Integer.toString(body.length));
        out.writeByte('\r').writeByte('\n');
        connection.writeTo(out);
        out.writeByte('\r').writeByte('\n');
        if (!headRequest) {
            out.writeBytes(body);
        }
    }

    /** {@link #writeTo} with {@code Connection: close} or {@code keep-alive}. */
    public void writeTo(ByteBuf out, boolean close, boolean headRequest) {
        writeTo(out, close ? ConnectionHeader.CLOSE : ConnectionHeader.KEEP_ALIVE, headRequest);
    }

    /** Bytes {@link #writeTo} writes at most (for sizing the buffer). */
    public int sizeBound() {
        int n = 64 + reason.length() + body.length;
        for (String[] h : headers) {
            n += h[0].length() + h[1].length() + 4;
        }
        return n;
    }

    /** {@link #writeTo} into a String, for tests and logs. */
    public String toWire(boolean close) {
        ByteBuf b = io.netty.buffer.Unpooled.buffer();
        try {
            writeTo(b, close, false);
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    @Override
    public String toString() {
        return "Answer[" + status + " " + reason + ", " + headers.size() + " headers, " + body.length + " bytes]";
    }
}
