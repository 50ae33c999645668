package io.pointsman.proxy.rules;

import io.pointsman.proxy.http.wire.HeaderEdits;
import io.pointsman.proxy.http.wire.RequestEdits;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.http.wire.ResponseHead;
import io.pointsman.proxy.routing.RequestFacts;
import io.pointsman.proxy.tls.TlsFacts;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * One exchange as rules and acls see it: the connection's facts (from the handler), the
 * request head with what rules did to it, and later the server's response head with what
 * {@code http_response} rules did to that. It is the {@link RequestFacts} that acls read
 * while rules run and that {@code use_backend} reads after them, so a rewritten path or
 * header is what routing sees, as in HAProxy.
 *
 * <p>Lifecycle, on the connection's event loop (one instance per connection, reused):
 * {@link #begin} when a request head is parsed, {@link #chooseBackend} once routed,
 * {@link #beginResponse} when the server's head is parsed, {@link #end} when the exchange
 * is over. Edits are made only when a rule edits: a request no rule touches allocates
 * nothing here ({@link #requestEdits()} stays null). Not thread-safe.
 */
public final class RuleContext implements RequestFacts {
    private RequestFacts connection;
    private RequestHead head;
    private final RequestEdits edits = new RequestEdits();
    private boolean editing;
    private String frontend = "";
    private String backend = "";
    private String server = "";
    private ResponseHead response;
    private final HeaderEdits responseEdits = new HeaderEdits();
    private boolean responseEditing;
    private ErrorPages frontendPages = ErrorPages.DEFAULT;
    private ErrorPages backendPages = ErrorPages.DEFAULT;
    /** A rule touched Host: it is checked before the request may go on. */
    private boolean hostEdited;

    /**
     * Starts a request.
     *
     * @param connection the connection-level facts: source, source port, destination port,
     *                   TLS, SNI, unique id (its request-level methods are not read)
     * @param frontend   the frontend's name ({@code %[fe_name]})
     * @param pages      the frontend's error pages (its {@code errorfiles})
     */
    public RuleContext begin(RequestFacts connection, RequestHead head, String frontend, ErrorPages pages) {
        this.connection = connection;
        this.head = head;
        this.frontend = frontend;
        this.frontendPages = pages == null ? ErrorPages.DEFAULT : pages;
        this.backendPages = ErrorPages.DEFAULT;
        this.hostEdited = false;
        this.backend = "";
        this.server = "";
        this.editing = false;
        this.response = null;
        this.responseEditing = false;
        return this;
    }

    /**
     * The backend the request goes to ({@code %[be_name]}), before its own rules run.
     *
     * @param pages the backend's error pages; its files win over the frontend's
     */
    public void chooseBackend(String name, ErrorPages pages) {
        this.backend = name == null ? "" : name;
        this.backendPages = pages == null ? ErrorPages.DEFAULT : pages;
    }

    /**
     * The page for a status the proxy answers with itself, from the backend's error files,
     * else the frontend's, else the built-in page (HAProxy's order). For the handler's own
     * 400/408/500/502/503/504 too.
     */
    public Answer page(int status) {
        return backendPages.hasFile(status) ? backendPages.page(status) : frontendPages.page(status);
    }

    void hostEdited() {
        hostEdited = true;
    }

    boolean wasHostEdited() {
        return hostEdited;
    }

    /** The server's response head, before {@code http_response} rules run. */
    public void beginResponse(ResponseHead response, String serverName) {
        this.response = response;
        this.server = serverName == null ? "" : serverName;
        this.responseEditing = false;
    }

    /** Forgets the exchange (so the connection does not hold on to its heads). */
    public void end() {
        connection = null;
        head = null;
        response = null;
        editing = false;
        responseEditing = false;
    }

    /** What request rules changed, for {@code RequestHead.writeForServer}; null when nothing. */
    public RequestEdits requestEdits() {
        return editing && !edits.isEmpty() ? edits : null;
    }

    /** What response rules changed, for {@code ResponseHead.writeForClient}; null when nothing. */
    public HeaderEdits responseEdits() {
        return responseEditing && !responseEdits.isEmpty() ? responseEdits : null;
    }

    public RequestHead head() {
        return head;
    }

    public ResponseHead response() {
        return response;
    }

    String frontendName() {
        return frontend;
    }

    String backendName() {
        return backend;
    }

    String serverName() {
        return server;
    }

    /** The request edits, made ready on the first edit. */
    RequestEdits editRequest() {
        if (!editing) {
            edits.reset(head);
            editing = true;
        }
        return edits;
    }

    /** The response edits, made ready on the first edit. */
    HeaderEdits editResponse() {
        if (!responseEditing) {
            responseEdits.reset(response);
            responseEditing = true;
        }
        return responseEdits;
    }

    // ---- RequestFacts

    @Override
    public InetAddress source() {
        return connection.source();
    }

    @Override
    public int sourcePort() {
        return connection.sourcePort();
    }

    @Override
    public int destinationPort() {
        return connection.destinationPort();
    }

    @Override
    public TlsFacts tls() {
        return connection.tls();
    }

    @Override
    public String sni() {
        return connection.sni();
    }

    @Override
    public String uniqueId() {
        return connection.uniqueId();
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return editing ? edits.path() : head.path();
    }

    @Override
    public String query() {
        return editing ? edits.query() : head.query();
    }

    @Override
    public String host() {
        if (!editing) {
            return head.host();
        }
        String raw = rawHost();
        return raw == null ? null : hostWithoutPort(raw).toLowerCase(Locale.ROOT);
    }

    /** The Host value as it goes to the server (with its port); null when none. */
    public String rawHost() {
        if (!editing) {
            return head.rawHost();
        }
        List<String> h = edits.header("host");
        return h.isEmpty() ? null : h.get(0);
    }

    @Override
    public List<String> header(String name) {
        return editing ? edits.header(name) : head.header(name);
    }

    @Override
    public int status() {
        return response == null ? 0 : response.status();
    }

    /** Values of a response header now (after earlier response rules). */
    List<String> responseHeader(String name) {
        if (response == null) {
            return List.of();
        }
        return responseEditing ? responseEdits.values(name.toLowerCase(Locale.ROOT)) : response.headers(name);
    }

    /** The target as it goes to the server now. */
    String uri() {
        return editing ? edits.uri() : head.uri();
    }

    static String hostWithoutPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(0, close + 1) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon >= 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }
}
