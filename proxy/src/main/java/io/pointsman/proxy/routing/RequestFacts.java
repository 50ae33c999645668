package io.pointsman.proxy.routing;

import io.pointsman.proxy.tls.TlsFacts;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What an acl may look at. TCP connections know the source, the destination port and
 * (when the frontend routes on it) the SNI; HTTP requests also know host, path, query,
 * method, headers and cookies; in {@code http_response} rules the response status too.
 * Unknown facts are {@code null} / empty / 0.
 *
 * <p>The connection handler implements the connection-level facts ({@link #source()},
 * {@link #sourcePort()}, {@link #destinationPort()}, {@link #tls()}, {@link #sni()},
 * {@link #uniqueId()}); the request-level ones come from the request head, and during
 * rule evaluation from the rules' edited view of it ({@code rules.RuleContext}), so an
 * acl read after a rule sees what the rule changed.
 */
public interface RequestFacts {
    /** The client's address (after a PROXY protocol header, the original client's). */
    InetAddress source();

    /** The local port the client connected to. */
    int destinationPort();

    /** The client's port (after a PROXY protocol header, the original client's); 0 when unknown. */
    default int sourcePort() {
        return 0;
    }

    /** The client connection's TLS handshake ({@code ssl_fc}); null when it is plaintext. */
    default TlsFacts tls() {
        return null;
    }

    /** TLS ClientHello server name, lower case; null when none or not read. */
    default String sni() {
        return null;
    }

    /** Host header without port, lower case; null in tcp mode. */
    default String host() {
        return null;
    }

    /** Request path without query; null in tcp mode. */
    default String path() {
        return null;
    }

    /** The query string after '?', without it; null when the target has no '?' (and in tcp mode). */
    default String query() {
        return null;
    }

    /** Request method; null in tcp mode. */
    default String method() {
        return null;
    }

    /** Values of a request header (name case-insensitive); empty when absent or tcp mode. */
    default List<String> header(String name) {
        return List.of();
    }

    /**
     * Values of a request cookie, from every Cookie header ({@code a=1; b=2}), as sent;
     * empty when absent. The default reads {@link #header header("cookie")}.
     */
    default List<String> cookie(String name) {
        List<String> out = null;
        for (String line : header("cookie")) {
            int i = 0;
            int n = line.length();
            while (i < n) {
                int semi = line.indexOf(';', i);
                int end = semi < 0 ? n : semi;
                int s = i;
                while (s < end && (line.charAt(s) == ' ' || line.charAt(s) == '\t')) {
                    s++;
                }
                int eq = line.indexOf('=', s);
                if (eq >= 0 && eq < end && line.regionMatches(s, name, 0, name.length()) && eq - s == name.length()) {
                    int e = end;
                    while (e > eq + 1 && (line.charAt(e - 1) == ' ' || line.charAt(e - 1) == '\t')) {
                        e--;
                    }
                    if (out == null) {
                        out = new ArrayList<>(1);
                    }
                    out.add(line.substring(eq + 1, e));
                }
                i = end + 1;
            }
        }
        return out == null ? List.of() : out;
    }

    /**
     * Values of a query parameter ({@code name=value} or a bare {@code name}, which has the
     * empty value), as sent, not URL-decoded (as HAProxy's {@code url_param}); empty when
     * absent. The default reads {@link #query()}.
     */
    default List<String> queryParam(String name) {
        String q = query();
        if (q == null || q.isEmpty()) {
            return List.of();
        }
        List<String> out = null;
        int i = 0;
        int n = q.length();
        while (i <= n) {
            int amp = q.indexOf('&', i);
            int end = amp < 0 ? n : amp;
            int eq = q.indexOf('=', i);
            int nameEnd = eq >= 0 && eq < end ? eq : end;
            if (nameEnd - i == name.length() && q.regionMatches(i, name, 0, name.length())) {
                if (out == null) {
                    out = new ArrayList<>(1);
                }
                out.add(nameEnd < end ? q.substring(nameEnd + 1, end) : "");
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return out == null ? List.of() : out;
    }

    /** The response status, in {@code http_response} rules; 0 before there is a response. */
    default int status() {
        return 0;
    }

    /** The request's unique id ({@code %[unique_id]}); null when the handler gives none. */
    default String uniqueId() {
        return null;
    }
}
