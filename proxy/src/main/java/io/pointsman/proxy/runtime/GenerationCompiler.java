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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        Map<String, LiveBackend> backends = new LinkedHashMap<>();
        for (Backend b : config.allBackends()) {
            ServerQueue queue = queues.apply(b.name());
            List<LiveServer> servers = new ArrayList<>();
            java.util.Set<HostPort> addresses = new java.util.HashSet<>();
            for (Server s : b.servers()) {
                if (!addresses.add(s.address())) {
                    // Server state (health, counters, slots) is keyed by backend + address.
                    throw new IllegalArgumentException("backend '" + b.name() + "' lists address " + s.address()
                            + " twice (server '" + s.name() + "')");
                }
                servers.add(new LiveServer(b.name(), s, resolve(b.name(), s), stats.server(LiveServer.key(b.name(),
                        s.address())), queue, health));
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
        return new Generation(number, revision, config, frontends, backends, byBind);
    }

    private static InetSocketAddress resolve(String backend, Server s) {
        HostPort a = s.address();
        try {
            return new InetSocketAddress(InetAddress.getByName(a.host()), a.port());
        } catch (UnknownHostException e) {
            log.warn("server {}/{}: cannot resolve {}; it gets no traffic in this generation", backend, s.name(),
                    a.host());
            return InetSocketAddress.createUnresolved(a.host(), a.port());
        }
    }
}
