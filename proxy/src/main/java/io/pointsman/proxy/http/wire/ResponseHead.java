package io.pointsman.proxy.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * A server's response head as bytes plus what the proxy needs to know about it: status,
 * version, framing and the connection tokens. It is forwarded by copying its lines,
 * leaving out the hop-by-hop ones (RFC 9110 §7.6.1: Connection, Keep-Alive,
 * Proxy-Connection, TE, Trailer, Upgrade, Proxy-Authenticate, Proxy-Authorization and
 * every header the Connection header names) and adding the proxy's own Connection header;
 * names and values are never decoded into strings or re-encoded.
 *
 * <p>Filled by {@link ResponseHeadParser}, which owns and reuses one instance: valid until
 * that parser's next {@code parse}.
 */
public final class ResponseHead {
    /** The Connection header the proxy writes on a forwarded head. */
    public enum ConnectionHeader {
        NONE(""), CLOSE("Connection: close\r\n"), KEEP_ALIVE("Connection: keep-alive\r\n"),
        /** Keeps Upgrade and says {@code Connection: upgrade}: this hop is being upgraded too. */
        UPGRADE("Connection: upgrade\r\n");

        private final byte[] line;

        ConnectionHeader(String line) {
            this.line = line.getBytes(StandardCharsets.US_ASCII);
        }

        /** Writes its line (nothing for {@link #NONE}). */
        public void writeTo(ByteBuf out) {
            out.writeBytes(line);
        }
    }

    static final byte OTHER = 0;
    /** Hop-by-hop: never forwarded. */
    static final byte HOP = 1;
    /** Upgrade: forwarded only when this hop is upgraded. */
    static final byte UPGRADE = 2;
    static final byte TRANSFER_ENCODING = 3;

    /** The head's bytes, status line first, up to and including the blank line. */
    byte[] bytes = new byte[512];
    int length;
    int statusLineEnd;
    int minorVersion;
    int status;
    long contentLength;
    boolean chunked;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    int upgradeHeaders;
    boolean upgradeWebsocket;
    int headers;
    int[] lineStart = new int[32];
    int[] lineEnd = new int[32];
    int[] nameEnd = new int[32];
    byte[] kind = new byte[32];

    void reset(int length) {
        this.length = length;
        statusLineEnd = 0;
        minorVersion = 1;
        status = 0;
        contentLength = -1;
        chunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        upgradeHeaders = 0;
        upgradeWebsocket = false;
        headers = 0;
    }

    void addHeader(int start, int colon, int end, byte k) {
        if (headers == lineStart.length) {
            int n = headers * 2;
            lineStart = java.util.Arrays.copyOf(lineStart, n);
            lineEnd = java.util.Arrays.copyOf(lineEnd, n);
            nameEnd = java.util.Arrays.copyOf(nameEnd, n);
            kind = java.util.Arrays.copyOf(kind, n);
        }
        lineStart[headers] = start;
        nameEnd[headers] = colon;
        lineEnd[headers] = end;
        kind[headers] = k;
        headers++;
    }

    public int status() {
        return status;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int minorVersion() {
        return minorVersion;
    }

    /** Whether the server keeps the connection open after this response (RFC 9112 §9.3). */
    public boolean keepAlive() {
        return !connectionClose && (minorVersion == 1 || connectionKeepAlive);
    }

    public boolean contentLengthSet() {
        return contentLength >= 0;
    }

    /** -1 when there is no Content-Length. */
    public long contentLength() {
        return contentLength;
    }

    public boolean chunked() {
        return chunked;
    }

    /**
     * True when the server agrees to a WebSocket upgrade: exactly one Upgrade header,
     * {@code websocket}, and Connection lists {@code upgrade} (see HopByHop.wantsUpgrade).
     */
    public boolean upgradeToWebsocket() {
        return upgradeWebsocket;
    }

    /** Bytes the forwarded head can take at most (for sizing the buffer). */
    public int forwardedSizeBound() {
        return length + 32;
    }

    /**
     * Writes the head as it goes to the client: the status line and every end-to-end
     * header as received, then {@code connection}'s line, then the blank line.
     *
     * @param dechunk the body goes on without its chunked framing (to an HTTP/1.0
     *                client): Transfer-Encoding is left out too
     */
    public void writeForClient(ByteBuf out, ConnectionHeader connection, boolean dechunk) {
        out.writeBytes(bytes, 0, statusLineEnd);
        for (int i = 0; i < headers; i++) {
            byte k = kind[i];
            boolean keep = switch (k) {
                case OTHER -> true;
                case UPGRADE -> connection == ConnectionHeader.UPGRADE;
                case TRANSFER_ENCODING -> !dechunk;
                default -> false;
            };
            if (keep) {
                out.writeBytes(bytes, lineStart[i], lineEnd[i] - lineStart[i]);
            }
        }
        out.writeBytes(connection.line);
        out.writeByte('\r').writeByte('\n');
    }

    /**
     * Writes the head as it goes to the client after {@code http_response} rules: as
     * {@link #writeForClient(ByteBuf, ConnectionHeader, boolean)}, with each received line
     * a rule dropped left out, one it changed written {@code Name: new value} in its place,
     * and the lines rules added after the received ones. {@code edits} null or empty: no
     * change at all.
     */
    public void writeForClient(ByteBuf out, ConnectionHeader connection, boolean dechunk, HeaderEdits edits) {
        if (edits == null || edits.isEmpty()) {
            writeForClient(out, connection, dechunk);
            return;
        }
        out.writeBytes(bytes, 0, statusLineEnd);
        for (int i = 0; i < headers; i++) {
            byte k = kind[i];
            boolean keep = switch (k) {
                case OTHER -> true;
                case UPGRADE -> connection == ConnectionHeader.UPGRADE;
                case TRANSFER_ENCODING -> !dechunk;
                default -> false;
            };
            if (!keep || edits.dropped(i)) {
                continue;
            }
            String value = edits.replacedValue(i);
            if (value == null) {
                out.writeBytes(bytes, lineStart[i], lineEnd[i] - lineStart[i]);
            } else {
                out.writeBytes(bytes, lineStart[i], nameEnd[i] - lineStart[i]);
                out.writeByte(':').writeByte(' ');
                ByteBufUtil.writeAscii(out, value);
                out.writeByte('\r').writeByte('\n');
            }
        }
        for (String[] a : edits.addedLines()) {
            ByteBufUtil.writeAscii(out, a[0]);
            out.writeByte(':').writeByte(' ');
            ByteBufUtil.writeAscii(out, a[2]);
            out.writeByte('\r').writeByte('\n');
        }
        out.writeBytes(connection.line);
        out.writeByte('\r').writeByte('\n');
    }

    /** Bytes the head can take at most once {@code edits} are applied (for sizing the buffer). */
    public int forwardedSizeBound(HeaderEdits edits) {
        if (edits == null || edits.isEmpty()) {
            return forwardedSizeBound();
        }
        int n = forwardedSizeBound();
        for (int i = 0; i < headers; i++) {
            String v = edits.replacedValue(i);
            if (v != null) {
                n += v.length() + 4;
            }
        }
        for (String[] a : edits.addedLines()) {
            n += a[0].length() + a[2].length() + 4;
        }
        return n;
    }

    /** Every value of the headers called {@code name} (ASCII, any case), in order; for {@code res.hdr}. */
    public java.util.List<String> headers(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        java.util.List<String> out = new java.util.ArrayList<>(1);
        for (int i = 0; i < headers; i++) {
            if (nameIs(i, lower)) {
                out.add(value(i));
            }
        }
        return out;
    }

    private boolean nameIs(int i, String lower) {
        int s = lineStart[i];
        int e = nameEnd[i];
        if (e - s != lower.length()) {
            return false;
        }
        for (int j = 0; j < e - s; j++) {
            int c = bytes[s + j];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    private String value(int i) {
        int v = nameEnd[i] + 1;
        int e = lineEnd[i];
        while (v < e && (bytes[v] == ' ' || bytes[v] == '\t')) {
            v++;
        }
        while (e > v && (bytes[e - 1] == '\n' || bytes[e - 1] == '\r' || bytes[e - 1] == ' ' || bytes[e - 1] == '\t')) {
            e--;
        }
        return new String(bytes, v, e - v, StandardCharsets.ISO_8859_1);
    }

    /** The header lines as rules see them (hop-by-hop ones included: rules cannot name those). */
    HeaderLines lines() {
        return new HeaderLines() {
            @Override
            public int lineCount() {
                return headers;
            }

            @Override
            public boolean nameIs(int i, String lowerName) {
                return ResponseHead.this.nameIs(i, lowerName);
            }

            @Override
            public String lineName(int i) {
                return new String(bytes, lineStart[i], nameEnd[i] - lineStart[i], StandardCharsets.ISO_8859_1);
            }

            @Override
            public String lineValue(int i) {
                return value(i);
            }
        };
    }

    /** The value of the first header called {@code name} (ASCII, any case), or null; for tests and logs. */
    public String header(String name) {
        byte[] n = name.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < headers; i++) {
            if (ResponseHeadParser.nameEquals(bytes, lineStart[i], nameEnd[i], n)) {
                int v = nameEnd[i] + 1;
                int e = lineEnd[i];
                while (v < e && (bytes[v] == ' ' || bytes[v] == '\t')) {
                    v++;
                }
                while (e > v && (bytes[e - 1] == '\n' || bytes[e - 1] == '\r' || bytes[e - 1] == ' '
                        || bytes[e - 1] == '\t')) {
                    e--;
                }
                return new String(bytes, v, e - v, StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return new String(bytes, 0, Math.max(0, statusLineEnd - 2), StandardCharsets.ISO_8859_1).trim();
    }
}
