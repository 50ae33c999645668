/**
 * HTTP/1.x on raw bytes: heads are parsed straight from the {@code ByteBuf} into offsets,
 * checked, and forwarded as the bytes that came in (hop-by-hop headers removed, the
 * proxy's few headers added) instead of being decoded into header objects and encoded
 * again. Bodies are followed for framing only. Nothing here touches a channel: the http
 * package's handlers use it.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.http.wire.ResponseHeadParser} and
 *       {@link io.pointsman.proxy.http.wire.ResponseHead}: what a server's response head
 *       may look like, and how it is forwarded (used by the http package's
 *       {@code ServerResponseDecoder});</li>
 *   <li>{@link io.pointsman.proxy.http.wire.ChunkedScanner}: where a chunked body ends;</li>
 *   <li>{@link io.pointsman.proxy.http.wire.RequestHeadParser} and
 *       {@link io.pointsman.proxy.http.wire.RequestHead}: the same for request heads (used by
 *       the http package's {@code ClientRequestDecoder}), with every rule of the Netty-based
 *       path it replaced (kept in the tests as the reference:
 *       {@code RequestHeadNettyAgreementTest} checks 4,000 generated heads agree), refusing
 *       with {@link io.pointsman.proxy.http.wire.RequestRefusedException} (400).</li>
 * </ul>
 */
package io.pointsman.proxy.http.wire;
