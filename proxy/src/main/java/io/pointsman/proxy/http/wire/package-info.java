/**
 * HTTP/1.1 messages as bytes: heads read straight from a connection's buffers into
 * offsets, checked, and forwarded by copying their lines (hop-by-hop ones left out);
 * bodies followed for framing only. Nothing here touches a channel: the http package's
 * handlers use it.
 *
 * <p>Start with {@link io.pointsman.proxy.http.wire.ResponseHeadParser} (what a server's
 * response head may look like) and {@link io.pointsman.proxy.http.wire.ChunkedScanner}
 * (where a chunked body ends). Request* classes do the same for requests.
 */
package io.pointsman.proxy.http.wire;
