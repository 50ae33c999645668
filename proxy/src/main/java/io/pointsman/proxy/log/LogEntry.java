package io.pointsman.proxy.log;

import java.net.InetSocketAddress;

/**
 * The facts of one request (http) or session (tcp) that a log line and the latency
 * histograms are made of. One object per connection, reset for each request and filled
 * by the handler as the exchange goes; handed over finished to {@link AccessLogger}.
 * Times are {@code System.nanoTime()} values, 0 = did not happen.
 *
 * <p>Fields are public and mutable on purpose: the handlers write them on the hot path,
 * one store each, and the formatter reads them on the same thread.
 */
public class LogEntry {
    public long start;
    public long startMillis;
    public String method;
    /** The request target as text (http); null when a subclass writes it ({@link #writeUri}). */
    public String uri;
    public String version;
    public String backend;
    public String server;
    public long queueStart;
    public long queueEnd;
    public long connectStart;
    public long connected;
    public long responded;
    /** HTTP status sent to the client; 0 = none yet, -1 = nothing was answered. */
    public int status;
    /** Bytes from the client. */
    public long bytesIn;
    /** Bytes to the client. */
    public long bytesOut;
    public int retries;
    /** HAProxy's two-letter termination state ({@code --}, {@code SC}, {@code CD}, …). */
    public String terminationState;
    /** Captured response header values, in the frontend's capture order (null = none captured). */
    public String[] responseCaptures;

    /** The server's resolved address, when one was picked. */
    public InetSocketAddress serverAddress;
    /**
     * The address the client connected to (the PROXY header's with {@code accept_proxy}):
     * a fact of the connection, set once by its handler and kept across requests.
     */
    public InetSocketAddress destination;

    // ---- the connection's facts, filled at log time ({@link #finish}) ----
    String frontend;
    long generation;
    String revision;
    long end;
    long endMillis;
    InetSocketAddress client;
    /** Connections open now: process, frontend, backend, server (HAProxy's %ac/%fc/%bc/%sc). */
    public int actconn;
    public int feconn;
    public int beconn;
    public int srvconn;
    private InetSocketAddress clientCached;
    private String clientHost;

    /** Clears every per-request fact; the request starts {@code now}. */
    public void reset(long now) {
        start = now;
        startMillis = System.currentTimeMillis();
        method = null;
        uri = null;
        version = null;
        backend = null;
        server = null;
        queueStart = 0;
        queueEnd = 0;
        connectStart = 0;
        connected = 0;
        responded = 0;
        status = 0;
        bytesIn = 0;
        bytesOut = 0;
        retries = 0;
        terminationState = "--";
        responseCaptures = null;
        serverAddress = null;
    }

    /** The facts of the connection, when its line is about to be written. */
    public void finish(String frontend, long generation, String revision, InetSocketAddress client, long end,
                       long endMillis) {
        this.frontend = frontend;
        this.generation = generation;
        this.revision = revision;
        this.client = client;
        this.end = end;
        this.endMillis = endMillis;
    }

    /** The client's address as text, kept while the address is the same (it is, per connection). */
    public String clientHost(InetSocketAddress address) {
        if (address != clientCached) {
            clientCached = address;
            clientHost = address.getAddress() == null ? address.getHostString()
                    : address.getAddress().getHostAddress();
        }
        return clientHost;
    }

    /** The request target; an http entry writes it from the head's bytes. */
    public void writeUri(LineBuilder b) {
        if (uri != null) {
            b.text(uri);
        }
    }

    /** The request target as text (JSON form, custom formats that take a part of it). */
    public String uriText() {
        return uri;
    }

    /** A request header's first value, for a capture; null when absent or not an http request. */
    public String requestHeader(String name) {
        return null;
    }

    /** Queue time in ms: 0 when not queued, -1 when the wait never ended (HAProxy's Tw). */
    public long tw() {
        return queueStart == 0 ? 0 : queueEnd == 0 ? -1 : ms(queueEnd - queueStart);
    }

    /** Connect time in ms, -1 when no connection was made (Tc). */
    public long tc() {
        return connected == 0 ? -1 : ms(connected - connectStart);
    }

    /** Server response head time in ms, -1 when none came (Tr). */
    public long tr() {
        return responded == 0 || connected == 0 ? -1 : ms(responded - connected);
    }

    /** Total time in ms, start to log (Ta / Tt). */
    public long tt() {
        return ms(end - start);
    }

    /** An error worth a louder log level ({@code log_separate_errors}): a 5xx, a non-normal end, a retry. */
    public boolean isError() {
        return status >= 500 || retries > 0 || (terminationState != null && !"--".equals(terminationState));
    }

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
