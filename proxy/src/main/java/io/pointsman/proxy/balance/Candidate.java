package io.pointsman.proxy.balance;

/** A server as a balancer sees it. Implemented by the runtime's live server. */
public interface Candidate {
    /** Stable identity, the same on every node: {@code backend/address}. Used by the source hash. */
    String key();

    /** The effective weight's whole units: 256 per unit of {@link #weight()}, as HAProxy scales them. */
    int SCALE = 256;

    /**
     * Weight, 0–256: as configured; while the server is in slow start, its effective weight
     * rounded up to whole units (what HAProxy's stats page shows).
     */
    int weight();

    /**
     * The weight balancers use, in 1/{@link #SCALE}ths (HAProxy's effective weight):
     * {@code weight() × SCALE}, less while the server is in slow start. The fine scale
     * lets a server of weight 1 ramp up too.
     */
    default int effectiveWeight() {
        return weight() * SCALE;
    }

    /** A backup server: used only when no non-backup server is usable. */
    boolean backup();

    /** Up (or not checked) and not in maintenance. */
    boolean isUp();

    /** Below its maxconn (always true when it has none). */
    boolean hasFreeSlot();

    /** Connections (tcp) or requests in flight (http) to it right now. */
    int currentConnections();
}
