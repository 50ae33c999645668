/**
 * Health: active checks of servers and their UP/DOWN state, kept across config swaps.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.pointsman.proxy.health.HealthRegistry} — the runtime's single entry:
 *       {@code plan(backends)} before each swap and {@code apply(plan)} after it (only
 *       backends whose config changed are looked at; {@code reconcile(specs)}, built by
 *       {@link io.pointsman.proxy.health.ServerCheckSpec#of}, does the same for a list
 *       of specs), {@code state(backend, address)}
 *       for the live state a balancer candidate reads. A server keeps its state, counters
 *       and check history as long as its {@link io.pointsman.proxy.health.ServerKey}
 *       (backend + address) is unchanged (SPEC §4).</li>
 *   <li>{@link io.pointsman.proxy.health.HealthState} — HAProxy's rise/fall state machine;
 *       {@link io.pointsman.proxy.health.HealthSnapshot#status()} gives HAProxy's stats
 *       strings ({@code UP}, {@code DOWN}, {@code UP 2/3}, {@code DOWN 1/2}, {@code MAINT},
 *       {@code no check}). A fresh checked server starts UP one failure from DOWN, as
 *       HAProxy's.</li>
 *   <li>{@code HealthChecker} — one server's checks on a Netty event loop, timed with
 *       {@code eventLoop.schedule} (interval, fast_interval, down_interval); after the connect
 *       it runs the check type's steps ({@code CheckScripts}: http, ssl_hello, redis, smtp,
 *       mysql, pgsql, script), each reply read by the step waiting for it. Results carry
 *       HAProxy's codes ({@link io.pointsman.proxy.health.CheckCode}: {@code L4OK},
 *       {@code L4CON}, {@code L4TOUT}, {@code L6OK}, {@code L7OK}, {@code L7OKC} (NOLB),
 *       {@code L7STS 503}, {@code L7TOUT}, {@code L7RSP}).</li>
 *   <li>{@link io.pointsman.proxy.health.HealthListener} — transitions; the default logs
 *       {@code Server web-farm/web0 is DOWN, reason: Layer4 connection problem, …}.</li>
 * </ul>
 */
package io.pointsman.proxy.health;
