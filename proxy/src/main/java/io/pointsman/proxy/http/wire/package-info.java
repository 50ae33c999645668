/**
 * HTTP/1.x on raw bytes: heads are parsed straight from the {@code ByteBuf} into offsets,
 * checked, and forwarded as the bytes that came in (hop-by-hop headers removed, the
 * proxy's few headers added) instead of being decoded into header objects and encoded
 * again, which cost about a third of the HTTP path's CPU.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.http.wire.RequestHeadParser}: one per client connection;
 *       finds and checks a request head (every rule of the Netty path: StrictRequestDecoder,
 *       HeadScanner, RequestHygiene), refusing with
 *       {@link io.pointsman.proxy.http.wire.RequestRefusedException} (400);</li>
 *   <li>{@link io.pointsman.proxy.http.wire.RequestHead}: the accepted head, its facts and
 *       {@code writeForServer};</li>
 *   <li>the {@code Response*} / {@code Chunked*} classes here do the same for responses and
 *       chunked bodies.</li>
 * </ul>
 */
package io.pointsman.proxy.http.wire;
