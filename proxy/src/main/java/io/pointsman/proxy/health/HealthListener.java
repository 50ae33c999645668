package io.pointsman.proxy.health;

/** Told when a server goes UP or DOWN. Called on a checker's event loop: return quickly. */
@FunctionalInterface
public interface HealthListener {
    /**
     * @param state  the server's state (name, key, the new snapshot)
     * @param before the snapshot before the transition
     * @param after  the snapshot after it
     */
    void onTransition(HealthState state, HealthSnapshot before, HealthSnapshot after);
}
