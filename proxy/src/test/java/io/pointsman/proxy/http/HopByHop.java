package io.pointsman.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are removed before
 * a message is forwarded: Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade
 * (unless this hop is being upgraded), Transfer-Encoding is left to the codecs, and every
 * header the Connection header names.
 */
final class HopByHop {
    private static final List<AsciiString> FIXED = List.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE, HttpHeaderNames.TRAILER,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    private HopByHop() {
    }

    /** The Netty path's routing host: trimmed, port dropped, lower case (was HttpRequestFacts'). */
    static String hostWithoutPort(String host) {
        if (host == null) {
            return null;
        }
        String h = host.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return (close < 0 ? h : h.substring(0, close + 1)).toLowerCase(Locale.ROOT);
        }
        int colon = h.indexOf(':');
        return (colon < 0 ? h : h.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /**
     * True when the message asks for {@code Connection: upgrade} to WebSocket. Other
     * upgrades are not passed on: an {@code h2c} upgrade tunnelled to a server would let the
     * client send further requests that the proxy never routes or checks ("h2c smuggling").
     */
    static boolean wantsUpgrade(HttpHeaders headers) {
        return headers.contains(HttpHeaderNames.UPGRADE)
                && headers.getAll(HttpHeaderNames.UPGRADE).size() == 1
                && headers.get(HttpHeaderNames.UPGRADE).trim().equalsIgnoreCase("websocket")
                && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE, true);
    }

    /** True when {@code Connection} lists {@code close}. */
    static boolean saysClose(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.CONNECTION, "close", true);
    }

    /** True when {@code Connection} lists {@code keep-alive}. */
    static boolean saysKeepAlive(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.CONNECTION, "keep-alive", true);
    }

    /**
     * Removes hop-by-hop headers. With {@code keepUpgrade}, Upgrade stays and Connection
     * is set to {@code upgrade} so the next hop upgrades too.
     */
    private static boolean isPlainToken(String value) {
        String v = value.trim();
        return v.equalsIgnoreCase("keep-alive") || v.equalsIgnoreCase("close") || v.equalsIgnoreCase("upgrade");
    }

    static void strip(HttpHeaders headers, boolean keepUpgrade) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            removeNamedByConnection(headers);
        }
        for (AsciiString name : FIXED) {
            headers.remove(name);
        }
        if (keepUpgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE);
        } else {
            headers.remove(HttpHeaderNames.UPGRADE);
        }
    }

    private static void removeNamedByConnection(HttpHeaders headers) {
        java.util.Iterator<String> values = headers.valueStringIterator(HttpHeaderNames.CONNECTION);
        if (values.hasNext() && isPlainToken(values.next()) && !values.hasNext()) {
            return; // the usual single "keep-alive" or "close": names no other header (no list, no split)
        }
        List<String> named = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("close") && !t.equals("keep-alive") && !t.equals("upgrade")) {
                    named.add(t);
                }
            }
        }
        for (String name : named) {
            if (!name.equalsIgnoreCase(HttpHeaderNames.CONTENT_LENGTH.toString())
                    && !name.equalsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING.toString())
                    && !name.equalsIgnoreCase(HttpHeaderNames.HOST.toString())) {
                headers.remove(name);
            }
        }
    }
}
