/**
 * Traffic counters per frontend, backend and server (HAProxy's stats columns), kept
 * across swaps for every frontend, backend and server that a new generation keeps
 * (same name; for servers the same backend and address).
 *
 * <p>Starting points: {@link io.pointsman.proxy.stats.ProxyStats} is the registry the
 * runtime writes to; {@link io.pointsman.proxy.stats.ProxyStats#snapshot()} gives an
 * immutable {@link io.pointsman.proxy.stats.StatsSnapshot} for a stats page or
 * {@code /metrics}.
 */
package io.pointsman.proxy.stats;
