package io.pointsman.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.pointsman.proxy.routing.RequestFacts;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/** The routing facts of one HTTP request (SPEC §3 http matchers). */
final class HttpRequestFacts implements RequestFacts {
    private final InetAddress source;
    private final int destinationPort;
    private final HttpRequest request;
    private final String host;
    private final String path;

    HttpRequestFacts(InetAddress source, int destinationPort, HttpRequest request) {
        this.source = source;
        this.destinationPort = destinationPort;
        this.request = request;
        this.host = hostWithoutPort(request.headers().get(HttpHeaderNames.HOST));
        String uri = request.uri();
        int q = uri.indexOf('?');
        this.path = q < 0 ? uri : uri.substring(0, q);
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
        return host;
    }

    @Override
    public String path() {
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
