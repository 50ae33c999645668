package io.pointsman.proxy.health;

/**
 * Told when a server goes UP or DOWN: on a checker's event loop after a check, or on the
 * thread calling {@link HealthRegistry#reconcile} when a config change does it (a server
 * put in or out of maintenance). Return quickly; never block.
 */
@FunctionalInterface
public interface HealthListener {
    /**
     * @param state  the server's state (name, key, the new snapshot)
     * @param before the snapshot before the transition
     * @param after  the snapshot after it
     */
    void onTransition(HealthState state, HealthSnapshot before, HealthSnapshot after);

    /**
     * A check's result changed (another code or HTTP status) without changing up/down: what
     * HAProxy's {@code option log-health-checks} logs. On the checker's event loop.
     */
    default void onCheckResultChange(HealthState state, HealthSnapshot after) {
    }
}
