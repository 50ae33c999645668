package io.pointsman.proxy.runtime;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import io.pointsman.proxy.config.Global;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.http.RetireConnectionEvent;
import io.pointsman.proxy.limits.LimitRegistry;
import io.pointsman.proxy.stats.StatsChange;
import io.pointsman.proxy.tls.TlsContexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import io.pointsman.proxy.log.LogTargets;

/**
 * One compiled config: immutable routing (frontends, backends, which frontend owns
 * which bind address), the TLS contexts of its binds, numbered and tagged with the revision it came from. A
 * connection keeps the generation it was accepted under for its whole life; the
 * generation tracks those connections so an old one can be drained or hard-stopped.
 */
public final class Generation {
    private final long number;
    private final String revision;
    private final ProxyConfig config;
    private final Map<String, LiveFrontend> frontends;
    private final Map<String, LiveBackend> backends;
    /** The same in config order: the next compile finds its predecessors by position, no hashing. */
    private final List<LiveBackend> ordered;
    private final Map<HostPort, LiveFrontend> byBind;
    private final StatsChange stats;
    private final LimitRegistry.Prepared limits;
    private final TlsContexts tls;
    private final LogTargets logTargets;
    private final IntSupplier processConnections;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    /** Set on the accept loop when a newer generation replaced this one. */
    private volatile boolean retired;
    private ScheduledFuture<?> hardStop;

    Generation(long number, String revision, ProxyConfig config, Map<String, LiveFrontend> frontends,
               Map<String, LiveBackend> backends, Map<HostPort, LiveFrontend> byBind, StatsChange stats,
               LimitRegistry.Prepared limits, LogTargets logTargets, IntSupplier processConnections,
               TlsContexts tls) {
        this.logTargets = logTargets;
        this.processConnections = processConnections;
        this.number = number;
        this.revision = revision;
        this.config = config;
        this.frontends = Map.copyOf(frontends);
        this.backends = Map.copyOf(backends);
        this.ordered = List.copyOf(backends.values());
        this.byBind = Map.copyOf(byBind);
        this.stats = stats;
        this.limits = limits;
        this.tls = tls;
    }

    /** Its frontends' limits, made the ones the next compile takes over once this generation serves. */
    LimitRegistry.Prepared limits() {
        return limits;
    }

    /** The TLS its binds terminate, loaded for it (a refused apply never touches the serving one's). */
    public TlsContexts tls() {
        return tls;
    }

    /**
     * What this generation changes in the stats against the one it was compiled from:
     * counters of what it adds, names of what it drops. Published with it.
     */
    StatsChange statsChange() {
        return stats;
    }

    /** Where this generation's log lines go ({@code global.log}); empty: stderr as the access logger. */
    public LogTargets logTargets() {
        return logTargets;
    }

    /** Client connections open on the whole process now (HAProxy's actconn, {@code %ac}). */
    public int processConnections() {
        return processConnections.getAsInt();
    }

    public long number() {
        return number;
    }

    public String revision() {
        return revision;
    }

    /** The normalized config this generation was compiled from. */
    public ProxyConfig config() {
        return config;
    }

    public Global global() {
        return config.global();
    }

    public Map<String, LiveFrontend> frontends() {
        return frontends;
    }

    public LiveFrontend frontend(String name) {
        return frontends.get(name);
    }

    public Map<String, LiveBackend> backends() {
        return backends;
    }

    /** The backend named {@code name}: looked for at config position {@code i} first, then by name. */
    LiveBackend backend(int i, String name) {
        if (i < ordered.size()) {
            LiveBackend b = ordered.get(i);
            if (b.name().equals(name)) {
                return b;
            }
        }
        return backends.get(name);
    }

    /** A backend or listen by name, or null. */
    public LiveBackend backend(String name) {
        return backends.get(name);
    }

    /** The frontend that owns a bind address in this generation, or null. */
    public LiveFrontend frontendAt(HostPort bind) {
        return byBind.get(bind);
    }

    public Set<HostPort> binds() {
        return byBind.keySet();
    }

    public boolean retired() {
        return retired;
    }

    /** Client connections accepted under this generation that are still open. */
    public int connectionCount() {
        return connections.size();
    }

    void track(Channel client) {
        connections.add(client);
        client.closeFuture().addListener(f -> connections.remove(client));
    }

    /** Runs on the accept loop. */
    void retire(ScheduledFuture<?> hardStopTimer) {
        retired = true;
        hardStop = hardStopTimer;
    }

    /**
     * Ends every connection still on this generation gracefully: an http connection is
     * retired (idle: closed now, between requests; busy: after its current response,
     * which carries {@code Connection: close}), a TCP tunnel is closed (a byte stream has
     * no boundary to wait for). Whatever is still open {@code grace} later is closed
     * outright, so a stuck response cannot keep an old generation alive for ever.
     *
     * @return how many connections were asked to end
     */
    int closeConnections(Duration grace) {
        cancelHardStop();
        List<Channel> open = new ArrayList<>(connections);
        for (Channel c : open) {
            if (!RetireConnectionEvent.retire(c)) {
                c.close();
            } else if (c.isOpen()) {
                // On the connection's own loop, like every other timer of the connection.
                c.eventLoop().schedule(() -> {
                    if (c.isOpen()) {
                        c.close();
                    }
                }, grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return open.size();
    }

    /** Closes every connection still on this generation at once (the proxy is stopping). */
    int closeConnectionsNow() {
        cancelHardStop();
        List<Channel> open = new ArrayList<>(connections);
        for (Channel c : open) {
            c.close();
        }
        return open.size();
    }

    private void cancelHardStop() {
        if (hardStop != null) {
            hardStop.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "generation " + number + " (" + revision + ")";
    }
}
