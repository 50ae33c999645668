package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * Timeouts, HAProxy's names. Every one may be absent; {@link #orElse(Timeouts)} fills
 * the gaps from a fallback (a frontend's from {@code defaults}, those from built-ins).
 *
 * @param connect       to establish a server connection
 * @param client        client inactivity
 * @param server        server inactivity
 * @param httpRequest   to receive a complete request header
 * @param httpKeepAlive idle time allowed between two requests on a client connection
 * @param check         one health check
 * @param tunnel        inactivity of an upgraded (WebSocket) connection
 * @param queue         waiting for a free server slot (maxconn)
 * @param clientFin     client inactivity once the client has sent its FIN (a half-closed tunnel); absent = {@code client}
 * @param serverFin     server inactivity once the server has sent its FIN; absent = {@code server}
 */
public record Timeouts(
        Duration connect,
        Duration client,
        Duration server,
        Duration httpRequest,
        Duration httpKeepAlive,
        Duration check,
        Duration tunnel,
        Duration queue,
        Duration clientFin,
        Duration serverFin) {

    public Timeouts(Duration connect, Duration client, Duration server, Duration httpRequest, Duration httpKeepAlive,
                    Duration check, Duration tunnel, Duration queue) {
        this(connect, client, server, httpRequest, httpKeepAlive, check, tunnel, queue, null, null);
    }

    public static final Timeouts NONE = new Timeouts(null, null, null, null, null, null, null, null);

    /** Built-in values used where neither the section nor {@code defaults} sets one. */
    public static final Timeouts BUILT_IN = new Timeouts(
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2),
            Duration.ofHours(1), Duration.ofSeconds(5));

    public Timeouts orElse(Timeouts fallback) {
        if (fallback == null) {
            return this;
        }
        return new Timeouts(
                connect != null ? connect : fallback.connect,
                client != null ? client : fallback.client,
                server != null ? server : fallback.server,
                httpRequest != null ? httpRequest : fallback.httpRequest,
                httpKeepAlive != null ? httpKeepAlive : fallback.httpKeepAlive,
                check != null ? check : fallback.check,
                tunnel != null ? tunnel : fallback.tunnel,
                queue != null ? queue : fallback.queue,
                clientFin != null ? clientFin : fallback.clientFin,
                serverFin != null ? serverFin : fallback.serverFin);
    }
}
