package io.pointsman.agent.sync;

import java.io.IOException;

/**
 * What the status API may ask of a node's sync (implemented by {@link SyncEngine}; a
 * {@code --config DIR} mode without git can implement it too). Methods marked blocking must
 * not be called from a Netty event loop.
 */
public interface SyncControl {
    /** A snapshot; cheap, non-blocking. */
    SyncStatus status();

    /** Asks for a sync now; non-blocking, coalesced. */
    void requestSync(String cause);

    /** Blocking (writes state). */
    void suspend(String reason) throws IOException;

    /** Blocking (writes state), then syncs. */
    void resume() throws IOException;

    /**
     * Blocking: what applying {@code revision} would change on this node.
     *
     * @throws IllegalArgumentException when the revision is unknown
     */
    String diff(String revision) throws Exception;

    /** Blocking: Prometheus text of the sync and the proxy. */
    String metricsText();

    /**
     * Adds an entry to the history of {@code /status} that is not an apply attempt (a runtime
     * server change). Blocking (writes state).
     */
    void recordHistory(io.pointsman.agent.state.HistoryEntry entry);

    /** The applier: {@code serving()} for /healthz (cheap), {@code effectiveConfig()} for /config (blocking). */
    ConfigApplier applier();
}
