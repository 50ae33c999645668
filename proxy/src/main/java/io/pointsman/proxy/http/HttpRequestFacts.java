package io.pointsman.proxy.http;

import io.netty.channel.Channel;
import io.pointsman.proxy.http.wire.RequestHead;
import io.pointsman.proxy.routing.RequestFacts;
import io.pointsman.proxy.tls.TlsFacts;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What acls and rules know of an http-mode client connection (source, ports, TLS), and,
 * between {@link #reset} and {@link #clear}, of its current request as it was received
 * (SPEC §3 http matchers). One instance per client connection. A frontend without
 * {@code http_request} rules routes on it directly; with rules, it is the connection half
 * of the {@code rules.RuleContext}, which gives the request as the rules left it.
 *
 * <p>Host and path are worked out only when an acl asks for them (a frontend with just a
 * default backend never does); the TLS facts once per connection, when first asked.
 */
final class HttpRequestFacts implements RequestFacts {
    private final Channel client;
    private InetAddress source;
    private int sourcePort;
    private int destinationPort;
    private boolean tlsKnown;
    private TlsFacts tls;

    /** This request's {@code %[unique_id]}, made when a rule first asks for it. */
    private String uniqueId;

    private RequestHead request;
    private boolean hostKnown;
    private String host;
    private String path;

    /** @param plaintext the connection has no TLS below it: {@link #tls()} is null without looking */
    HttpRequestFacts(Channel client, boolean plaintext) {
        this.client = client;
        this.tlsKnown = plaintext;
    }

    /** The client's and the local address (at accept, and again after a PROXY header). */
    void connection(InetSocketAddress source, InetSocketAddress destination) {
        this.source = source.getAddress();
        this.sourcePort = source.getPort();
        this.destinationPort = destination.getPort();
    }

    /** A new request begins on the connection: it gets a unique id of its own, if one is asked for. */
    void newRequest() {
        uniqueId = null;
    }

    /** The request routing looks at now. */
    HttpRequestFacts reset(RequestHead request) {
        this.request = request;
        this.hostKnown = false;
        this.host = null;
        this.path = null;
        return this;
    }

    /** Forgets the request (so a connection does not hold on to it between requests). */
    void clear() {
        reset(null);
    }

    @Override
    public InetAddress source() {
        return source;
    }

    @Override
    public int sourcePort() {
        return sourcePort;
    }

    @Override
    public int destinationPort() {
        return destinationPort;
    }

    @Override
    public TlsFacts tls() {
        if (!tlsKnown) {
            tls = readTls();
            // Known for good once the handshake is done (it always is before a request is read).
            tlsKnown = tls != null;
        }
        return tls;
    }

    @Override
    public String sni() {
        TlsFacts t = tls();
        return t == null ? null : t.sni();
    }

    /**
     * HAProxy's usual {@code unique-id-format %{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid}: client
     * address and port, local address and port, the time in seconds and a request counter
     * of the process, and its pid, in upper-case hex ({@code 7F000001:C5A2_7F000001:1F90_
     * 6574D1A0_0001:3E8}). Made the first time a rule of the request asks; never otherwise.
     */
    @Override
    public String uniqueId() {
        if (uniqueId == null) {
            StringBuilder sb = new StringBuilder(64);
            hex(sb, source);
            sb.append(':').append(Integer.toHexString(sourcePort).toUpperCase(java.util.Locale.ROOT)).append('_');
            InetSocketAddress local = client == null ? null : (InetSocketAddress) client.localAddress();
            hex(sb, local == null ? null : local.getAddress());
            sb.append(':').append(Integer.toHexString(destinationPort).toUpperCase(java.util.Locale.ROOT)).append('_');
            sb.append(Long.toHexString(System.currentTimeMillis() / 1000).toUpperCase(java.util.Locale.ROOT)).append('_');
            sb.append(String.format("%04X", UNIQUE_IDS.incrementAndGet() & 0xffffffffL)).append(':');
            sb.append(Long.toHexString(ProcessHandle.current().pid()).toUpperCase(java.util.Locale.ROOT));
            uniqueId = sb.toString();
        }
        return uniqueId;
    }

    private static final java.util.concurrent.atomic.AtomicLong UNIQUE_IDS = new java.util.concurrent.atomic.AtomicLong();

    private static void hex(StringBuilder sb, InetAddress a) {
        if (a == null) {
            return;
        }
        for (byte b : a.getAddress()) {
            sb.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
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

    /**
     * The connection's TLS facts, which the TLS layer records on the channel when the
     * handshake completes, before any request is read ({@link TlsFacts#of}); null on a
     * plaintext connection.
     */
    private TlsFacts readTls() {
        return TlsFacts.of(client);
    }
}
