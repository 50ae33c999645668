/**
 * Getting a server connection for a client, the same in http and tcp mode: pick a server
 * (balancer, client address, servers already tried left out on a redispatch), wait in the
 * backend's queue while every usable server is at its maxconn ({@code timeout.queue}),
 * connect on the client's event loop ({@code timeout.connect}), retry (1 + {@code retries}
 * attempts) and redispatch, and count what happened (connect errors, retries,
 * redispatches, refusals).
 *
 * <p>Starting points: {@link io.pointsman.proxy.dial.ServerDialer}, one per client
 * connection, one dial at a time; the mode tells it how to set up a new server connection
 * and whether an idle one may be reused ({@link io.pointsman.proxy.dial.ServerSide}, where
 * http looks in its keep-alive pool), and hears the outcome as a callback
 * ({@link io.pointsman.proxy.dial.DialListener}): connected, or failed with a
 * {@link io.pointsman.proxy.dial.DialFailure} that carries HAProxy's termination state.
 *
 * <p>Slots: the dialer takes a server's connection slot when it picks it and gives it back
 * when an attempt fails, when the dial is {@linkplain
 * io.pointsman.proxy.dial.ServerDialer#abort() aborted}, or when the mode says it is done
 * with the connection ({@link io.pointsman.proxy.dial.ServerDialer#release()}): tcp at the
 * server connection's close, http at the end of the exchange (a pooled idle connection
 * holds no slot).
 *
 * <p>Everything runs on the client's event loop; nothing here blocks or allocates per
 * dial beyond a new connection's bootstrap (and a queue entry when it has to wait).
 */
package io.pointsman.proxy.dial;
