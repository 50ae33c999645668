/**
 * Traffic counters per frontend, backend and server (HAProxy's stats columns), kept
 * across swaps for every frontend, backend and server that a new generation keeps
 * (same name; for servers the same backend and address).
 *
 * <p>Starting points: {@link io.pointsman.proxy.stats.ProxyStats} is the registry the
 * runtime writes to; {@link io.pointsman.proxy.stats.ProxyStats#snapshot()} gives an
 * immutable {@link io.pointsman.proxy.stats.StatsSnapshot} for a stats page or
 * {@code /metrics}. {@link io.pointsman.proxy.stats.Counters} holds one entity's counters;
 * HTTP responses are counted per status class ({@link io.pointsman.proxy.stats.StatusClass},
 * HAProxy's {@code hrsp_1xx} … {@code hrsp_other}) into
 * {@link io.pointsman.proxy.stats.HttpResponses}.
 */
package io.pointsman.proxy.stats;
