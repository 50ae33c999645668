/**
 * One Pointsman node: the proxy runtime, the git sync, the status listener, Keepalived and
 * BGP, put together. {@code pointsman run} and {@code pointsman demo} start one.
 *
 * <p>Starting points: {@link io.pointsman.agent.node.PointsmanNode} (assembly and
 * lifecycle; a planned stop leaves traffic, drains, then closes),
 * {@link io.pointsman.agent.node.NodeApplier} (one revision → validate → swap → Keepalived
 * → BGP, atomically) and {@link io.pointsman.agent.node.CrashGuard} (the child process that
 * takes the node out of traffic when this one dies).
 */
package io.pointsman.agent.node;
