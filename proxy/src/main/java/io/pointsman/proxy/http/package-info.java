/**
 * HTTP mode: the client side of an http frontend connection.
 *
 * <p>Starting points: {@link io.pointsman.proxy.http.HttpPipeline#addRequestHandling} builds
 * the pipeline; {@link io.pointsman.proxy.http.StrictRequestDecoder} and
 * {@link io.pointsman.proxy.http.RequestHygiene} decide which requests are unambiguous
 * enough to forward (everything else gets 400 and a close, SPEC §4 "Request hygiene");
 * {@link io.pointsman.proxy.http.ErrorPage} holds the HAProxy-like error pages.
 */
package io.pointsman.proxy.http;
