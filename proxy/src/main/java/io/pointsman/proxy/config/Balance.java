package io.pointsman.proxy.config;

/** Load-balancing algorithm of a backend. */
public enum Balance {
    /** Smooth weighted round robin. */
    ROUNDROBIN,
    /** Fewest current connections, weighted; ties go round robin. */
    LEASTCONN,
    /** Consistent hash of the client address: the same client lands on the same server on every node. */
    SOURCE,
    /** The first server (in config order) with a free slot. */
    FIRST,
    /** Weighted random. */
    RANDOM
}
