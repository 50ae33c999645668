/**
 * One Pointsman node: the proxy runtime, the git sync, the status listener and
 * Keepalived, put together. {@code pointsman run} and {@code pointsman demo} start one.
 *
 * <p>Starting points: {@link io.pointsman.agent.node.PointsmanNode} (assembly and
 * lifecycle) and {@link io.pointsman.agent.node.NodeApplier} (one revision → validate →
 * swap → Keepalived, atomically).
 */
package io.pointsman.agent.node;
