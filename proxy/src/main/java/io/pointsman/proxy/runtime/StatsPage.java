package io.pointsman.proxy.runtime;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Stats;
import io.pointsman.proxy.statspage.StatsAdminActions;
import io.pointsman.proxy.statspage.StatsListener;
import io.pointsman.proxy.statspage.StatsReport;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stats page's listener ({@code stats.bind}) through generation swaps, with the rule
 * of the frontends' listeners: a new address is bound before the swap ({@link #bind}), and
 * its failure refuses the swap; after the swap ({@link #swapped}) the new listener takes
 * over and the old one is closed, or the listener kept at the same address takes the new
 * uri, refresh and credentials. Used under the runtime's apply lock.
 */
final class StatsPage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsPage.class);

    private final Supplier<StatsReport> reports;
    private final StatsAdminActions admin;
    private StatsListener listener;
    private HostPort bound;

    /** @param admin what {@code stats.admin} may do, or null: no admin form */
    StatsPage(Supplier<StatsReport> reports, StatsAdminActions admin) {
        this.reports = reports;
        this.admin = admin;
    }

    /**
     * A listener for {@code stats} when it asks for an address not served yet, bound now;
     * null when none is needed (no stats section, or the same address).
     */
    StatsListener bind(Stats stats) throws ProxyRuntime.BindFailure {
        if (stats == null || stats.bind() == null || Objects.equals(stats.bind(), bound)) {
            return null;
        }
        try {
            return StatsListener.start(stats, reports, admin);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxyRuntime.BindFailure("stats listener: interrupted while binding");
        } catch (Exception e) {
            // Netty's sync() rethrows the checked BindException without declaring it.
            throw new ProxyRuntime.BindFailure("stats listener: " + e.getMessage());
        }
    }

    /** The swap is done: {@code fresh} (from {@link #bind}, or null) takes over, or the kept listener takes the settings. */
    void swapped(Stats stats, StatsListener fresh) {
        if (fresh != null) {
            close();
            listener = fresh;
            bound = stats.bind();
            log.info("stats page on {}", fresh.localAddress());
        } else if (stats == null || stats.bind() == null) {
            close();
        } else if (listener != null) {
            listener.reconfigure(stats);
        }
    }

    /** Where the stats page listens now, or null. */
    InetSocketAddress address() {
        StatsListener l = listener;
        return l == null ? null : l.localAddress();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
            listener = null;
            bound = null;
        }
    }
}
