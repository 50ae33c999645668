package io.pointsman.proxy.http.wire;

import java.util.List;

/**
 * What {@code http_request} rules did to one request: its header lines
 * ({@link #headers()}) and its target's path and query. Read through it, the request is
 * as the rules left it ({@link #path()}, {@link #query()}, {@link #header}); written with
 * {@link RequestHead#writeForServer(io.netty.buffer.ByteBuf, RequestEdits, String, String, boolean, String, String)}.
 * The received Host of an absolute-form target ({@code GET http://a/b}) is the target's
 * authority, as everywhere else.
 *
 * <p>One per connection (or exchange), {@link #reset} per request. Not thread-safe.
 */
public final class RequestEdits {
    private final HeaderEdits headers = new HeaderEdits();
    private RequestHead head;
    private String path;
    private String query;
    private boolean queryChanged;

    /** Edits to come for {@code head}; forgets the previous request's. */
    public RequestEdits reset(RequestHead head) {
        this.head = head;
        headers.reset(head.lines());
        path = null;
        query = null;
        queryChanged = false;
        return this;
    }

    public RequestHead head() {
        return head;
    }

    /** The header lines. */
    public HeaderEdits headers() {
        return headers;
    }

    /** Nothing changed: the head goes as received. */
    public boolean isEmpty() {
        return headers.isEmpty() && path == null && !queryChanged;
    }

    /** The path now (without the query). */
    public String path() {
        return path != null ? path : head.path();
    }

    /** The query now, without '?'; null when there is none. */
    public String query() {
        return queryChanged ? query : head.query();
    }

    /** Values of a header now (name case-insensitive, ASCII). */
    public List<String> header(String name) {
        return headers.isEmpty() ? head.header(name) : headers.values(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** A new path; the caller checked it ({@code TargetSyntax.isPath}). */
    public void setPath(String path) {
        this.path = path;
    }

    /** A new query (without '?'); null removes the '?' too. The caller checked it. */
    public void setQuery(String query) {
        this.query = query;
        this.queryChanged = true;
    }

    /** Whether a rule changed path or query. */
    boolean uriChanged() {
        return path != null || queryChanged;
    }

    /** The target as it goes to the server: path, then '?' and the query when there is one. */
    public String uri() {
        if (path == null && !queryChanged) {
            return head.uri();
        }
        String q = query();
        return q == null ? path() : path() + "?" + q;
    }
}
