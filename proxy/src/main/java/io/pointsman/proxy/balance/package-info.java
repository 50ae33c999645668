/**
 * Load balancing: picking a server of a backend for a new connection (tcp) or request
 * (http).
 *
 * <p>Starting point: {@link io.pointsman.proxy.balance.Balancers#create}. Balancers are
 * built once per generation over that generation's servers; the live state they read
 * (health, current connections, the effective weight in 256ths that slow start lowers)
 * comes through {@link io.pointsman.proxy.balance.Candidate}; roundrobin's cycle is built
 * from the weights, so whoever changes one rebuilds the balancer.
 * They are thread-safe, allocate nothing per pick and return null when no server is
 * usable (up, weight &gt; 0, free slot, not excluded).
 *
 * <p>One class per algorithm:
 * <ul>
 *   <li>{@code SmoothRoundRobin} — {@code roundrobin}: nginx's smooth weighted round robin
 *       (5:1:1 → {@code a a b a c a a}), a precomputed cycle walked by one atomic counter;</li>
 *   <li>{@code LeastConnections} — {@code leastconn}: fewest connections per weight, ties
 *       round robin;</li>
 *   <li>{@code SourceHash} — {@code source}: weighted rendezvous hashing with a seedless
 *       {@code StableHash}, the same client → the same server on every node; a removed or
 *       added server moves only about 1/n of clients;</li>
 *   <li>{@code FirstAvailable} — {@code first}; {@code WeightedRandom} — {@code random};</li>
 *   <li>{@code WithBackups} — backups serve only when no primary is available (down,
 *       disabled or excluded; a full primary makes the caller wait instead), balanced
 *       among themselves with the same algorithm.</li>
 * </ul>
 */
package io.pointsman.proxy.balance;
