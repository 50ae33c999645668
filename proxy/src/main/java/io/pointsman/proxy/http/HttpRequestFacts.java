package io.pointsman.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.pointsman.proxy.routing.RequestFacts;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * The routing facts of one HTTP request (SPEC §3 http matchers). One instance per client
 * connection, {@link #reset} for each request; host and path are worked out only when an
 * acl asks for them (a frontend with just a default backend never does).
 */
final class HttpRequestFacts implements RequestFacts {
    private InetAddress source;
    private int destinationPort;
    private HttpRequest request;
    private boolean hostKnown;
    private String host;
    private String path;

    HttpRequestFacts() {
    }

    HttpRequestFacts(InetAddress source, int destinationPort, HttpRequest request) {
        reset(source, destinationPort, request);
    }

    HttpRequestFacts reset(InetAddress source, int destinationPort, HttpRequest request) {
        this.source = source;
        this.destinationPort = destinationPort;
        this.request = request;
        this.hostKnown = false;
        this.host = null;
        this.path = null;
        return this;
    }

    /** Forgets the request (so a connection does not hold on to it between requests). */
    void clear() {
        reset(null, 0, null);
    }

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

    @Override
    public InetAddress source() {
        return source;
    }

    @Override
    public int destinationPort() {
        return destinationPort;
    }

    @Override
    public String host() {
        if (!hostKnown) {
            host = hostWithoutPort(request.headers().get(HttpHeaderNames.HOST));
            hostKnown = true;
        }
        return host;
    }

    @Override
    public String path() {
        if (path == null) {
            String uri = request.uri();
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
        }
        return path;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public List<String> header(String name) {
        return request.headers().getAll(name);
    }
}
