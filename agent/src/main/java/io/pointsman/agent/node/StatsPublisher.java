package io.pointsman.agent.node;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.PrometheusStats;
import io.pointsman.proxy.statspage.StatsAdminActions;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReport;
import io.pointsman.proxy.statspage.StatsReports;
import java.util.function.Supplier;

/**
 * The stats listener of a node (SPEC §4: {@code stats.bind}/{@code stats.uri}) across
 * applies, with the runtime's listener discipline: a new bind is bound before the swap
 * ({@link #prepare}), the old one closed only after it succeeded ({@link #commit}), and
 * nothing changes when the apply fails ({@link #abandon}).
 *
 * <p>Changed under the {@link NodeApplier}'s lock; {@link #metrics} may be read from any thread.
 */
final class StatsPublisher implements AutoCloseable {
    private final String node;
    private final String version;
    private volatile Supplier<StatsReport> reports; // read by /metrics without the applier's lock
    private StatsListener listener;
    private HostPort bound;
    private StatsListener pending;
    /** What {@code stats.admin} may do; null: no admin form. */
    private volatile StatsAdminActions adminActions;

    StatsPublisher(String node, String version) {
        this.node = node;
        this.version = version;
    }

    /**
     * Binds a listener when {@code stats} needs a new address.
     *
     * @return null on success, else why the address cannot be bound
     */
    String prepare(Stats stats, ProxyRuntime runtime) {
        if (reports == null) {
            reports = StatsReports.of(runtime, node, version);
        }
        if (stats == null || stats.bind() == null || (listener != null && stats.bind().equals(bound))) {
            return null;
        }
        try {
            pending = StatsListener.start(stats, reports, adminActions);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while binding the stats listener " + stats.bind();
        } catch (Exception e) {
            // Netty's sync() rethrows the checked BindException without declaring it.
            return "cannot bind stats listener " + stats.bind() + ": " + e.getMessage();
        }
    }

    /** Takes effect for listeners bound from now on (set it before the first apply). */
    void adminActions(StatsAdminActions actions) {
        this.adminActions = actions;
    }

    /** The apply succeeded: the new listener (if any) replaces the old, settings are updated. */
    void commit(Stats stats) {
        if (pending != null) {
            if (listener != null) {
                listener.close();
            }
            listener = pending;
            bound = stats.bind();
            pending = null;
        } else if (stats == null || stats.bind() == null) {
            if (listener != null) {
                listener.close();
                listener = null;
                bound = null;
            }
        } else if (listener != null) {
            listener.reconfigure(stats);
        }
    }

    /** The apply failed after {@link #prepare}: close what it bound, keep the old listener. */
    void abandon() {
        if (pending != null) {
            pending.close();
            pending = null;
        }
    }

    /** Prometheus text of the proxy, for the agent's /metrics; empty before the first apply. */
    String metrics() {
        Supplier<StatsReport> r = reports;
        return r == null ? "" : PrometheusStats.render(r.get());
    }

    @Override
    public void close() {
        abandon();
        if (listener != null) {
            listener.close();
            listener = null;
        }
    }
}
