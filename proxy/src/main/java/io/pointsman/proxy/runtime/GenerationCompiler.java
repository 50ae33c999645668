package io.pointsman.proxy.runtime;

import io.pointsman.proxy.balance.Balancer;
import io.pointsman.proxy.balance.Balancers;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.stats.ProxyStats;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a validated, normalized config into a {@link Generation}. Resolves server host
 * names here, on the caller's thread, so no event loop ever waits for DNS.
 */
final class GenerationCompiler {
    private static final Logger log = LoggerFactory.getLogger(GenerationCompiler.class);

    private final ProxyStats stats;
    private final Function<String, ServerQueue> queues;
    private final HealthView health;

    GenerationCompiler(ProxyStats stats, Function<String, ServerQueue> queues, HealthView health) {
        this.stats = stats;
        this.queues = queues;
        this.health = health;
    }

    Generation compile(ProxyConfig config, String revision, long number) {
        List<Backend> all = config.allBackends();
        Map<String, LiveBackend> backends = new LinkedHashMap<>(capacity(all.size()));
        int serverCount = 0;
        for (Backend b : all) {
            serverCount += b.servers().size();
        }
        // Collected here, where each key is built anyway, so the swap need not rebuild them.
        Set<String> serverKeys = new HashSet<>(capacity(serverCount));
        for (Backend b : all) {
            ServerQueue queue = queues.apply(b.name());
            List<LiveServer> servers = new ArrayList<>(b.servers().size());
            Set<HostPort> addresses = new HashSet<>(capacity(b.servers().size()));
            for (Server s : b.servers()) {
                if (!addresses.add(s.address())) {
                    // Server state (health, counters, slots) is keyed by backend + address.
                    throw new IllegalArgumentException("backend '" + b.name() + "' lists address " + s.address()
                            + " twice (server '" + s.name() + "')");
                }
                String key = LiveServer.key(b.name(), s.address());
                serverKeys.add(key);
                servers.add(new LiveServer(key, b.name(), s, resolve(b.name(), s), stats.server(key), queue, health));
            }
            Balancer<LiveServer> balancer = Balancers.create(b.balance(), servers);
            backends.put(b.name(), new LiveBackend(b, servers, balancer, stats.backend(b.name()), queue));
        }
        Map<String, LiveFrontend> frontends = new LinkedHashMap<>();
        Map<HostPort, LiveFrontend> byBind = new LinkedHashMap<>();
        for (Frontend f : config.allFrontends()) {
            LiveFrontend live = new LiveFrontend(f, FrontendRouter.compile(f), stats.frontend(f.name()));
            frontends.put(f.name(), live);
            for (HostPort bind : f.bind()) {
                LiveFrontend other = byBind.putIfAbsent(bind, live);
                if (other != null) {
                    throw new IllegalArgumentException("bind " + bind + " is used by frontends '" + other.name()
                            + "' and '" + f.name() + "'");
                }
            }
        }
        return new Generation(number, revision, config, frontends, backends, byBind,
                java.util.Collections.unmodifiableSet(serverKeys));
    }

    /** A hash table capacity that holds {@code n} entries without rehashing. */
    private static int capacity(int n) {
        return (int) (n / 0.75f) + 1;
    }

    private static InetSocketAddress resolve(String backend, Server s) {
        HostPort a = s.address();
        byte[] v4 = dottedQuad(a.host());
        if (v4 != null) {
            try {
                // Most servers are IPv4 literals: no name service, and a tenth of the cost.
                return new InetSocketAddress(InetAddress.getByAddress(v4), a.port());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are always an IPv4 address", e);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(a.host()), a.port());
        } catch (UnknownHostException e) {
            log.warn("server {}/{}: cannot resolve {}; it gets no traffic in this generation", backend, s.name(),
                    a.host());
            return InetSocketAddress.createUnresolved(a.host(), a.port());
        }
    }

    /**
     * The bytes of a canonical IPv4 literal ({@code 10.0.0.1}: four decimal parts 0–255,
     * no leading zeros), else null; every other form (names, IPv6, {@code 127.1},
     * {@code 010.0.0.1}) is left to {@link InetAddress#getByName}, so what a literal means
     * does not change.
     */
    static byte[] dottedQuad(String host) {
        int n = host.length();
        if (n < 7 || n > 15) {
            return null;
        }
        byte[] out = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= n; i++) {
            char c = i == n ? '.' : host.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                out[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits > 0 && value == 0) {
                    return null; // leading zero: ambiguous (octal?), let the JDK decide
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }
}
