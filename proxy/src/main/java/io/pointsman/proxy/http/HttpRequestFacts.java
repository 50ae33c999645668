package io.pointsman.proxy.http;

import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.routing.RequestFacts;

import java.net.InetAddress;
import java.util.List;

/**
 * The routing facts of one HTTP request (SPEC §3 http matchers). One instance per client
 * connection, {@link #reset} for each request; host and path are worked out only when an
 * acl asks for them (a frontend with just a default backend never does).
 */
final class HttpRequestFacts implements RequestFacts {
    private InetAddress source;
    private int destinationPort;
    private RequestHead request;
    private boolean hostKnown;
    private String host;
    private String path;

    HttpRequestFacts() {
    }

    HttpRequestFacts(InetAddress source, int destinationPort, RequestHead request) {
        reset(source, destinationPort, request);
    }

    HttpRequestFacts reset(InetAddress source, int destinationPort, RequestHead request) {
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
            host = request.host();
            hostKnown = true;
        }
        return host;
    }

    @Override
    public String path() {
        if (path == null) {
            path = request.path();
        }
        return path;
    }

    /** The query after '?' ({@code query_param} acls read it); null when the target has none. */
    @Override
    public String query() {
        return request.query();
    }

    @Override
    public String method() {
        return request.method();
    }

    @Override
    public List<String> header(String name) {
        return request.header(name);
    }
}
