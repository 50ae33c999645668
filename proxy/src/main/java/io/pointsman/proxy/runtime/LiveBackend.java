package io.pointsman.proxy.runtime;

import io.pointsman.proxy.balance.Balancer;
import io.pointsman.proxy.balance.Balancers;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.HttpReuse;
import io.pointsman.proxy.config.RetryOn;
import io.pointsman.proxy.config.SendProxy;
import io.pointsman.proxy.config.Timeouts;
import io.pointsman.proxy.rules.ErrorPages;
import io.pointsman.proxy.rules.SectionRules;
import io.pointsman.proxy.stats.Counters;
import io.pointsman.proxy.tls.TlsOrigination;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** A backend of one generation: its servers, balancer and connect policy, its rules and error pages. */
public final class LiveBackend {
    private final Backend config;
    private final List<LiveServer> servers;
    /** Rebuilt when a server's weight changes at runtime ({@link #rebalance}). */
    private volatile Balancer<LiveServer> balancer;
    private final Counters counters;
    private final ServerQueue queue;
    /** Every server's address is an IP literal: a later generation may take this backend over as it is. */
    private final boolean literalAddresses;
    private final Map<String, LiveServer> byName;
    /** {@code retry_on} as bits of {@link RetryOn}. */
    private final int retryOn;
    private final SectionRules rules;
    /** TLS to the servers (those without {@code tls: false}); null = plain. */
    private final TlsOrigination tls;

    LiveBackend(Backend config, List<LiveServer> servers, Balancer<LiveServer> balancer, Counters counters,
                ServerQueue queue, boolean literalAddresses, SectionRules rules, TlsOrigination tls) {
        this.config = config;
        this.servers = List.copyOf(servers);
        this.balancer = balancer;
        this.counters = counters;
        this.queue = queue;
        this.literalAddresses = literalAddresses;
        Map<String, LiveServer> names = new HashMap<>();
        for (LiveServer s : servers) {
            names.putIfAbsent(s.name(), s);
        }
        this.byName = names;
        this.retryOn = RetryOn.mask(config.retryOn());
        this.rules = rules;
        this.tls = tls;
    }

    /** Its {@code http_request} and {@code http_response} rules and error pages. */
    public SectionRules rules() {
        return rules;
    }

    /** Its error pages ({@code errorfiles}; a status without a file falls back to the frontend's). */
    public ErrorPages pages() {
        return rules.pages();
    }

    /** The backend's TLS to servers; null when plain. */
    public TlsOrigination tls() {
        return tls;
    }

    /** The TLS of connections to {@code server}: the backend's, unless the server says {@code tls: false}. */
    public TlsOrigination tls(LiveServer server) {
        return tls == null || Boolean.FALSE.equals(server.config().tls()) ? null : tls;
    }

    /**
     * Which idle connections a new request to {@code server} may reuse: the server's key, and
     * for a TLS server the origination it was made with (a swap that turns TLS on, off or
     * changes it must not hand over a connection made otherwise).
     */
    public String poolKey(LiveServer server) {
        TlsOrigination t = tls(server);
        return t == null ? server.key() : server.key() + "|" + t.id();
    }

    /** The config it was compiled from. */
    public Backend config() {
        return config;
    }

    boolean literalAddresses() {
        return literalAddresses;
    }

    public String name() {
        return config.name();
    }

    public List<LiveServer> servers() {
        return servers;
    }

    /** A server by name, or null (the access logger finds the server a request went to). */
    public LiveServer server(String name) {
        return byName.get(name);
    }

    /** Connect retries after the first attempt. */
    public int retries() {
        return config.retries();
    }

    public boolean redispatch() {
        return config.redispatch();
    }

    /** SO_KEEPALIVE on connections to servers (HAProxy {@code option tcpka}/{@code srvtcpka}). */
    public boolean tcpka() {
        return Boolean.TRUE.equals(config.tcpka());
    }

    /** Whether a request is tried again on this event ({@link RetryOn#CONN_FAILURE} …, {@link RetryOn#statusBit}). */
    public boolean retriesOn(int event) {
        return (retryOn & event) != 0;
    }

    /** Whether a response with this status is tried again ({@code retry_on} lists it). */
    public boolean retriesOnStatus(int status) {
        return (retryOn & RetryOn.ANY_STATUS) != 0 && (retryOn & RetryOn.statusBit(status)) != 0;
    }

    public HttpReuse httpReuse() {
        return config.httpReuse();
    }

    /** A client's FIN aborts its request while it waits for a server ({@code abortonclose}). */
    public boolean abortOnClose() {
        return Boolean.TRUE.equals(config.abortonclose());
    }

    public SendProxy sendProxy() {
        return config.sendProxy();
    }

    public Timeouts timeout() {
        return config.timeout();
    }

    public Counters counters() {
        return counters;
    }

    public ServerQueue queue() {
        return queue;
    }

    /**
     * Builds the balancer again from the servers' weights now: after a runtime weight
     * change (algorithms that precompute, as roundrobin's cycle, see it from the next pick).
     */
    void rebalance() {
        balancer = Balancers.create(config.balance(), servers);
    }

    /**
     * Brings its servers' slow-start ramps up to date ({@link SlowStart}'s timer), and the
     * balancer with them when one moved.
     *
     * @return whether some server is still in slow start
     */
    boolean updateRamps() {
        if (config.slowstart() == null) {
            return false;
        }
        boolean moved = false;
        boolean ramping = false;
        for (LiveServer s : servers) {
            moved |= s.updateRamp();
            ramping |= s.ramp() < SlowStart.FULL;
        }
        if (moved) {
            rebalance();
        }
        return ramping;
    }

    /**
     * Picks a server and takes one of its connection slots.
     *
     * @return the server (its slot is now held: {@link LiveServer#release()} it), or null
     *         when no usable server has a free slot
     */
    public LiveServer acquire(byte[] clientAddress, Predicate<? super LiveServer> exclude) {
        // The usual case, without allocating: the first pick has a free slot.
        Balancer<LiveServer> balancer = this.balancer;
        LiveServer first = balancer.pick(clientAddress, exclude);
        if (first == null) {
            return null;
        }
        if (first.tryAcquire()) {
            return first;
        }
        Set<LiveServer> full = new HashSet<>();
        full.add(first);
        // Bounded: each round either returns or marks one more server as full.
        for (int i = 0; i < servers.size(); i++) {
            LiveServer s = balancer.pick(clientAddress, c -> full.contains(c) || exclude.test(c));
            if (s == null) {
                return null;
            }
            if (s.tryAcquire()) {
                return s;
            }
            full.add(s);
        }
        return null;
    }

    /** Some up server with weight has a free slot: a queued connection or request may try again. */
    public boolean hasFreeSlot() {
        for (LiveServer s : servers) {
            if (s.isUp() && s.weight() > 0 && s.hasFreeSlot()) {
                return true;
            }
        }
        return false;
    }

    public boolean hasUsableServer() {
        boolean anyPrimary = false;
        for (LiveServer s : servers) {
            if (s.isUp() && s.weight() > 0 && !s.backup()) {
                anyPrimary = true;
            }
        }
        for (LiveServer s : servers) {
            if (s.isUp() && s.weight() > 0 && (anyPrimary != s.backup())) {
                return true;
            }
        }
        return false;
    }
}
