/**
 * Limits (SPEC §8): per-client request rates and open-connection counts of a frontend,
 * the stick-table subset HAProxy configs use ({@code sc_http_req_rate},
 * {@code sc_conn_cur}), read by {@code over_limit} acls.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.limits.LimitRegistry}: lives as long as the proxy;
 *       {@link io.pointsman.proxy.limits.LimitRegistry#prepare} gives each frontend of a
 *       new config its {@link io.pointsman.proxy.limits.FrontendLimits}, reusing the
 *       counters of every limit that is unchanged (same frontend, name and definition),
 *       so a swap does not reset them; {@code commit} once the generation serves.</li>
 *   <li>{@link io.pointsman.proxy.limits.FrontendLimits}: what the connection handler
 *       calls: {@code connectionOpened} at accept (close the returned ticket when the
 *       connection ends), {@code requestStarted} per HTTP request (tcp: per connection);
 *       {@link io.pointsman.proxy.limits.Limiter#isOver} is what the acl asks.</li>
 * </ul>
 *
 * <p>Memory is bounded: each limit tracks at most {@code size} clients (default
 * {@value io.pointsman.proxy.config.Limit#DEFAULT_SIZE}), least recently seen forgotten
 * first, in 16 independently locked segments so event loops rarely wait on each other.
 * A request-rate entry is about 100 bytes, so the default costs at most ~10 MB per limit.
 * Thread-safe: any event loop may count and ask.
 */
package io.pointsman.proxy.limits;
