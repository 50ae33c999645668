/**
 * TCP mode: byte-exact relaying between a client and a server with backpressure and
 * half-close, PROXY protocol in both directions, TLS termination (a bind with {@code tls:},
 * see {@code io.pointsman.proxy.tls}), and routing on the TLS SNI without terminating TLS.
 *
 * <p>Starting points: {@link io.pointsman.proxy.tcp.TcpPipeline} assembles a client
 * connection's pipeline (optional PROXY header, TLS termination or SNI peek, then the relay);
 * {@link io.pointsman.proxy.tcp.TcpRelayHandler} routes, gets its server connection from a
 * {@link io.pointsman.proxy.dial.ServerDialer} (retries, redispatch, per-server maxconn
 * queue, the same as http mode), relays and runs the client/server inactivity timeouts;
 * {@link io.pointsman.proxy.tcp.ServerSideHandler} is its server half.
 *
 * <p>Backpressure: both channels have AUTO_READ off; each chunk read from one side is sent
 * to the other at once by {@link io.pointsman.proxy.runtime.DirectSend} when nothing is
 * queued there, else written without a promise and flushed once per read batch; the next
 * read is asked for while the other side is writable (under its write-buffer high water
 * mark), else when it becomes writable again.
 */
package io.pointsman.proxy.tcp;
