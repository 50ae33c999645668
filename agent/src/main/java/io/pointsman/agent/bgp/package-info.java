/**
 * BGP through BIRD 2 (SPEC §13): render the {@code bgp:} section of a node's merged config
 * into an include for the node's own BIRD (a {@code protocol static} per address family
 * holding the announced host routes while the node serves), check it with {@code bird -p},
 * write it atomically and reconfigure BIRD with {@code birdc -s SOCKET configure} — as one
 * step of the agent's atomic apply, and again whenever the node stops, is suspended or
 * resumed.
 *
 * <p>Starting points: {@link io.pointsman.agent.bgp.BgpAnnouncer} (what is announced and
 * why; apply, suspend, stop; status and metrics), {@link io.pointsman.agent.bgp.BirdInclude}
 * (pure text) and {@link io.pointsman.agent.bgp.Bird} (bird -p, birdc). What withdraws the
 * routes when the whole process dies is {@link io.pointsman.agent.node.CrashGuard}.
 */
package io.pointsman.agent.bgp;
