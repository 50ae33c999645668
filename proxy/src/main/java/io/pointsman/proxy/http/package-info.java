/**
 * HTTP mode: request hygiene, the HTTP/1.1 reverse proxy and WebSocket tunnels (TLS
 * termination is {@code io.pointsman.proxy.tls}, the same for both modes).
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.http.HttpFrontendPipeline}: what an accepted http-mode
 *       connection goes through (PROXY header, TLS/SNI, strict decoding, hygiene, proxy);
 *       handler names are in {@link io.pointsman.proxy.http.HttpPipeline}.</li>
 *   <li>{@link io.pointsman.proxy.http.ClientRequestDecoder}: requests are not decoded
 *       into objects; their heads are read and checked as bytes ({@code http.wire}:
 *       which requests are unambiguous enough to forward, everything else gets 400 and a
 *       close, SPEC §4) and forwarded as bytes, bodies as they came.</li>
 *   <li>{@code HttpConnectionHandler}: what lasts from one request to the next on a client
 *       connection: the timer between requests, pipelined requests, retirement when its
 *       generation is replaced ({@code Connection: close} on the next response), the switch
 *       to a WebSocket tunnel ({@code TunnelHandler}: half closes passed on, {@code timeout
 *       tunnel}, then {@code client_fin}/{@code server_fin} once a side sent its FIN), and the writes to the client (flushed once per read batch or
 *       response end).</li>
 *   <li>{@code HttpExchange}: one request and its response, made when the head arrives:
 *       routed and balanced per request, streamed to a server connection from the
 *       connection's {@link io.pointsman.proxy.dial.ServerDialer} (pooled per event loop in
 *       {@code ServerConnectionPool}, retries/redispatch, the backend queue at maxconn),
 *       reads paced by completed writes (backpressure), and the access log
 *       ({@code AccessLog.Entry}, handed to {@link io.pointsman.proxy.runtime.AccessLogger},
 *       which formats it and sends it to the log targets, package {@code log}). Its javadoc
 *       lists the phases and where HTTP rules (SPEC §8, {@code io.pointsman.proxy.rules})
 *       take part, with {@code HttpRequestFacts} as the connection's facts;
 *       {@code HttpExchange.answer} is the one way Pointsman answers a request itself
 *       (error pages and rule answers, both {@code rules.Answer}s, written as bytes).</li>
 *   <li>{@link io.pointsman.proxy.http.ServerResponseDecoder}: responses are not decoded
 *       into objects; their heads are read into offsets ({@code http.wire}) and forwarded
 *       as bytes minus hop-by-hop headers, their bodies as they came.</li>
 *   <li>{@link io.pointsman.proxy.http.ErrorPage}: the stats page's error pages (the
 *       proxy's own are {@code rules.ErrorPages}, where error files replace them).</li>
 * </ul>
 */
package io.pointsman.proxy.http;
