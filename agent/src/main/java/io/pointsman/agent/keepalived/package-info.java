/**
 * Keepalived (SPEC §7): render the {@code keepalived:} section of a node's merged config
 * into Keepalived's own format, test it with {@code keepalived -t}, write it atomically
 * and reload the running Keepalived — as one step of the agent's atomic apply.
 *
 * <p>Starting points: {@link io.pointsman.agent.keepalived.KeepalivedRenderer} (pure text)
 * and {@link io.pointsman.agent.keepalived.KeepalivedManager} (files, test, reload,
 * restore).
 */
package io.pointsman.agent.keepalived;
