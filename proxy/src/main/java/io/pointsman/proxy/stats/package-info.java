/**
 * Traffic counters per frontend, backend and server (HAProxy's stats columns), kept
 * across swaps for every frontend, backend and server that a new generation keeps
 * (same name; for servers the same backend and address).
 *
 * <p>Starting points: {@link io.pointsman.proxy.stats.ProxyStats} holds the counters of the
 * generation serving new connections, changed only when a generation is published (a
 * {@link io.pointsman.proxy.stats.StatsChange} made by its compile, so a refused config
 * changes nothing here); {@link io.pointsman.proxy.stats.ProxyStats#snapshot()} gives an
 * immutable {@link io.pointsman.proxy.stats.StatsSnapshot} for a stats page or
 * {@code /metrics}. {@link io.pointsman.proxy.stats.Counters} holds one entity's counters;
 * HTTP responses are counted per status class ({@link io.pointsman.proxy.stats.StatusClass},
 * HAProxy's {@code hrsp_1xx} … {@code hrsp_other}) into
 * {@link io.pointsman.proxy.stats.HttpResponses}. Backends and servers also carry latency
 * histograms ({@link io.pointsman.proxy.stats.Latency}, {@link io.pointsman.proxy.stats.LatencyHistogram}:
 * queue, connect, response head, total), observed by {@code runtime.AccessLogger}.
 */
package io.pointsman.proxy.stats;
