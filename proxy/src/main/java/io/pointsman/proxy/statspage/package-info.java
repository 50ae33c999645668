/**
 * The HAProxy-style stats page (SPEC §4): HTML, {@code ;csv}, {@code ;json}, Prometheus
 * {@code /metrics}, basic auth, and the small listener serving them.
 *
 * <p>Starting points: {@link io.pointsman.proxy.statspage.StatsReport} is the immutable
 * model every form renders ({@link io.pointsman.proxy.statspage.HtmlStatsPage},
 * {@link io.pointsman.proxy.statspage.CsvStats}, {@link io.pointsman.proxy.statspage.JsonStats},
 * {@link io.pointsman.proxy.statspage.PrometheusStats}); the renderers know nothing of the
 * runtime, so a report built by hand tests them. A row's {@code httpResponses} is null in
 * tcp mode: every form then leaves the {@code hrsp_*} fields out, as HAProxy does.
 * {@link io.pointsman.proxy.statspage.StatsReports#of} builds reports from a running
 * {@code ProxyRuntime}. The runtime serves the page itself: its
 * {@link io.pointsman.proxy.statspage.StatsListener} is bound, kept, reconfigured and
 * closed with each generation swap, like the frontends' listeners.
 */
package io.pointsman.proxy.statspage;
