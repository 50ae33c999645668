/**
 * The fleet view (SPEC §11, {@code pointsman fleet}): every node listed in the config repo's
 * {@code fleet.yaml}, asked for its {@code /status} in parallel, set against the branch head
 * of the local checkout: which revision each node serves, whether it is ready and why not,
 * how many commits it is behind, its {@code apply_delay} wave, its runtime overrides.
 *
 * <p>Starting points: {@link io.pointsman.agent.fleet.FleetFile} ({@code fleet.yaml}, validated
 * like proxy.yaml), {@link io.pointsman.agent.fleet.FleetQuery} (the parallel, bounded
 * {@code GET /status}), {@link io.pointsman.agent.fleet.FleetView} (one row per node, the
 * verdict, text and JSON).
 */
package io.pointsman.agent.fleet;
