/**
 * TCP mode: byte-exact relaying between a client and a server with backpressure and
 * half-close, PROXY protocol in both directions, and routing on the TLS SNI without
 * terminating TLS.
 *
 * <p>Starting points: {@link io.pointsman.proxy.tcp.TcpPipeline} assembles a client
 * connection's pipeline (timeouts, optional PROXY header and SNI peek, then the relay);
 * {@link io.pointsman.proxy.tcp.TcpRelayHandler} routes, connects (retries, redispatch,
 * per-server maxconn queue) and relays; {@link io.pointsman.proxy.tcp.ServerSideHandler}
 * is its server half.
 *
 * <p>Backpressure is Netty's proxy example: both channels have AUTO_READ off and the
 * next chunk is read from one side only after the previous chunk was written to the
 * other.
 */
package io.pointsman.proxy.tcp;
