package io.pointsman.proxy.balance;

/** A server as a balancer sees it. Implemented by the runtime's live server. */
public interface Candidate {
    /** Stable identity, the same on every node: {@code backend/address}. Used by the source hash. */
    String key();

    /** Configured weight, 0–256. */
    int weight();

    /** A backup server: used only when no non-backup server is usable. */
    boolean backup();

    /** Up (or not checked) and not in maintenance. */
    boolean isUp();

    /** Below its maxconn (always true when it has none). */
    boolean hasFreeSlot();

    /** Connections (tcp) or requests in flight (http) to it right now. */
    int currentConnections();

    /**
     * Whether this pick may go to it: false for a share of picks while the server is in
     * slow start (its weight ramping up after it came UP), so it gets that share of its
     * traffic; those picks go on to the next server.
     */
    default boolean admits() {
        return true;
    }
}
