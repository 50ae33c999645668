package io.pointsman.proxy.admin;

/**
 * The runtime state of one server (backend + name), shared by every generation that has it.
 * A live server holds its cell, so a pick reads the override with one volatile field read;
 * the registry writes it.
 */
public final class OverrideCell {
    private final String backend;
    private final String server;
    private volatile ServerOverride current;
    /** When it last left maintenance ({@code System.nanoTime()}), 0 = never: slow start counts from it too. */
    private volatile long leftMaintenance;

    OverrideCell(String backend, String server) {
        this.backend = backend;
        this.server = server;
    }

    public String backend() {
        return backend;
    }

    public String server() {
        return server;
    }

    /** The override in force, or null. */
    public ServerOverride get() {
        return current;
    }

    void set(ServerOverride o) {
        boolean wasMaint = state() == AdminState.MAINT;
        current = o;
        if (wasMaint && state() != AdminState.MAINT) {
            leftMaintenance = System.nanoTime();
        }
    }

    /**
     * When the server last left maintenance ({@code System.nanoTime()}), 0 when it never
     * did: as HAProxy, a server back from MAINT slow-starts as one back from DOWN.
     */
    public long leftMaintenance() {
        return leftMaintenance;
    }

    /** False while drained or in maintenance: no new connection or request. */
    public boolean admitsNew() {
        ServerOverride o = current;
        return o == null || o.state() == null || o.state() == AdminState.READY;
    }

    /** The weight to use for a server whose config says {@code configured}. */
    public int weight(int configured) {
        ServerOverride o = current;
        return o == null || o.weight() == null ? configured : o.weight().apply(configured);
    }

    /** The administrative state: {@code READY} unless overridden. */
    public AdminState state() {
        ServerOverride o = current;
        return o == null || o.state() == null ? AdminState.READY : o.state();
    }
}
