package io.pointsman.proxy.runtime;

import io.pointsman.proxy.admin.ServerOverrides;
import io.pointsman.proxy.balance.Balancer;
import io.pointsman.proxy.balance.Balancers;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Bind;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.OnMarkedDown;
import io.pointsman.proxy.log.LogTargets;
import io.pointsman.proxy.resolve.AddressBook;
import io.pointsman.proxy.resolve.ServerAddress;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.ServerTemplate;
import io.pointsman.proxy.limits.FrontendLimits;
import io.pointsman.proxy.limits.LimitRegistry;
import io.pointsman.proxy.routing.FrontendRouter;
import io.pointsman.proxy.rules.Answer;
import io.pointsman.proxy.rules.ErrorPages;
import io.pointsman.proxy.rules.Forwarding;
import io.pointsman.proxy.rules.PasswordVerifier;
import io.pointsman.proxy.rules.SectionRules;
import io.pointsman.proxy.rules.Userlists;
import io.pointsman.proxy.stats.StatsChange;
import io.pointsman.proxy.tls.TlsTermination;
import io.pointsman.proxy.tls.TlsContexts;
import io.pointsman.proxy.tls.TlsOrigination;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a validated, normalized config into a {@link Generation}. Server host names come
 * resolved ({@link AddressBook}, on the apply thread), and error files are read here, so no
 * event loop ever waits for DNS or a disk. Compiling changes nothing that serves: what a new
 * generation adds gets new counters and queues, noted in its {@link StatsChange} for the
 * runtime to publish with it, and new limits, which the runtime commits to the
 * {@link LimitRegistry} once the generation serves.
 */
final class GenerationCompiler {
    private static final Logger log = LoggerFactory.getLogger(GenerationCompiler.class);

    private final HealthView health;
    private final ServerOverrides overrides;
    private final IntSupplier processConnections;
    private final LimitRegistry limits;
    private final PasswordVerifier passwords;
    /** The addresses of the compile in progress (the runtime serializes compiles). */
    private AddressBook.Book addresses;

    GenerationCompiler(HealthView health, ServerOverrides overrides) {
        this(health, overrides, () -> 0);
    }

    /**
     * With limits of its own and no password checks (tests without {@code auth} rules).
     *
     * @param processConnections client connections open on the process now ({@code %ac} in log lines)
     */
    GenerationCompiler(HealthView health, ServerOverrides overrides, IntSupplier processConnections) {
        this(health, overrides, processConnections, new LimitRegistry(), null);
    }

    /**
     * @param limits    the proxy's limits: unchanged ones keep their counts over a swap
     * @param passwords checks {@code auth} rules' hashes for every generation (one per process)
     */
    GenerationCompiler(HealthView health, ServerOverrides overrides, IntSupplier processConnections,
                       LimitRegistry limits, PasswordVerifier passwords) {
        this.health = health;
        this.overrides = overrides;
        this.processConnections = processConnections;
        this.limits = limits;
        this.passwords = passwords;
    }

    /** A first generation without TLS: nothing to take over. */
    Generation compile(ProxyConfig config, String revision, long number) {
        return compile(config, revision, number, null);
    }

    /**
     * @param previous the generation serving now, or null. What the new config leaves
     *                 unchanged is taken over from it instead of rebuilt: a backend whose
     *                 config is equal (and whose servers are IP literals, so there is no
     *                 name to resolve again) is the same {@link LiveBackend}; a server
     *                 with the same address keeps its key and counters without a look-up
     *                 in the stats; a frontend whose config is equal keeps its compiled
     *                 router. A swap then costs in proportion to what changed, plus one
     *                 equality walk over the config. Everything taken over is immutable,
     *                 so sharing it with the old generation is safe. A section with error
     *                 files is compiled again (its files are read again), and so is one
     *                 with {@code http_request} rules when the userlists changed.
     * @throws IllegalArgumentException when an error file cannot be served (the message names it)
     */
    Generation compile(ProxyConfig config, String revision, long number, Generation previous) {
        return compile(config, revision, number, previous, LogTargets.NONE, null, TlsContexts.NONE);
    }

    /**
     * @param logTargets the config's {@code global.log}, made by the runtime's {@code LogSinks}
     * @param addresses  the resolved addresses of the config's servers given by name (made by
     *                   the runtime's {@code AddressBook} before this); null: names are resolved
     *                   here with the system resolver
     * @param tls        the TLS of every bind and backend of {@code config}, loaded for it (equal
     *                   settings, equal contexts: a frontend or backend taken over keeps the same ones)
     */
    Generation compile(ProxyConfig config, String revision, long number, Generation previous, LogTargets logTargets,
                       AddressBook.Book addresses, TlsContexts tls) {
        this.addresses = addresses;
        LimitRegistry.Prepared prepared = limits.prepare(config);
        Userlists userlists = Userlists.compile(config.userlists(), passwords);
        boolean sameUsers = previous != null && previous.config().userlists().equals(config.userlists());
        Map<String, Answer> files = new HashMap<>();
        List<Backend> all = config.allBackends();
        Map<String, LiveBackend> backends = new LinkedHashMap<>(capacity(all.size()));
        StatsChange stats = new StatsChange();
        for (int i = 0; i < all.size(); i++) {
            Backend b = all.get(i);
            LiveBackend before = previous == null ? null : previous.backend(i, b.name());
            LiveBackend live;
            if (before != null && before.literalAddresses() && before.config().equals(b)
                    && takeOver(b.errorfiles(), b.httpRequest().isEmpty(), sameUsers)
                    && before.tls() == tls.forBackend(b.tls())) {
                live = before;
            } else {
                SectionRules rules = SectionRules.backend(b, userlists, pages(b.errorfiles(), files));
                live = compileBackend(b, before, stats, rules, tls.forBackend(b.tls()));
            }
            backends.put(b.name(), live);
        }
        Map<String, LiveFrontend> frontends = new LinkedHashMap<>();
        Map<HostPort, LiveFrontend> byBind = new LinkedHashMap<>();
        for (Frontend f : config.allFrontends()) {
            LiveFrontend before = previous == null ? null : previous.frontend(f.name());
            LiveFrontend live;
            if (before != null && before.config().equals(f)
                    && takeOver(f.errorfiles(), f.httpRequest().isEmpty(), sameUsers) && sameTls(before, f, tls)) {
                live = before; // its limits are the same limiters prepare() kept
            } else {
                FrontendLimits fl = prepared.of(f.name());
                FrontendRouter router = FrontendRouter.compile(f, fl);
                SectionRules rules = SectionRules.frontend(f, router, userlists, pages(f.errorfiles(), files));
                live = new LiveFrontend(f, router, before != null ? before.counters() : stats.newFrontend(f.name()),
                        fl, rules, Forwarding.of(f.forwardedFor()), terminations(f, tls));
            }
            frontends.put(f.name(), live);
            for (HostPort bind : f.addresses()) {
                LiveFrontend other = byBind.putIfAbsent(bind, live);
                if (other != null) {
                    throw new IllegalArgumentException("bind " + bind + " is used by frontends '" + other.name()
                            + "' and '" + f.name() + "'");
                }
            }
        }
        if (previous != null) {
            for (LiveBackend gone : previous.backends().values()) {
                if (!backends.containsKey(gone.name())) {
                    stats.backendDropped(gone.name());
                    for (LiveServer s : gone.servers()) {
                        stats.serverDropped(s.key());
                    }
                }
            }
            for (String gone : previous.frontends().keySet()) {
                if (!frontends.containsKey(gone)) {
                    stats.frontendDropped(gone);
                }
            }
        }
        return new Generation(number, revision, config, frontends, backends, byBind, stats, prepared, logTargets,
                processConnections, tls);
    }

    private static Map<HostPort, TlsTermination> terminations(Frontend f, TlsContexts tls) {
        Map<HostPort, TlsTermination> out = new HashMap<>();
        for (Bind b : f.bind()) {
            TlsTermination t = tls.forBind(b.tls());
            if (t != null) {
                out.put(b.address(), t);
            }
        }
        return out;
    }

    /** Whether a frontend taken over has the terminations this generation loaded (equal settings share one). */
    private static boolean sameTls(LiveFrontend before, Frontend f, TlsContexts tls) {
        for (Bind b : f.bind()) {
            if (before.tls(b.address()) != tls.forBind(b.tls())) {
                return false;
            }
        }
        return true;
    }

    /** Whether an unchanged section's compiled rules and pages can be taken over as they are. */
    private static boolean takeOver(Map<Integer, String> errorfiles, boolean noRequestRules, boolean sameUsers) {
        return errorfiles.isEmpty() && (noRequestRules || sameUsers);
    }

    /** A section's error pages, its files read now (each file once per compile). */
    private static ErrorPages pages(Map<Integer, String> errorfiles, Map<String, Answer> files) {
        try {
            return ErrorPages.load(errorfiles, files);
        } catch (ErrorPages.ErrorFileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A backend that is new or changed. A server whose address the backend had before
     * keeps that server's key and counters (found at the same position, the usual case,
     * else by address); a server whose config is equal too, and whose address is an IP
     * literal, is the same {@link LiveServer}.
     */
    private LiveBackend compileBackend(Backend b, LiveBackend before, StatsChange stats, SectionRules rules,
                                       TlsOrigination tls) {
        ServerQueue queue = before != null ? before.queue() : new ServerQueue();
        List<Server> configs = b.allServers();
        List<Server> oldConfigs = before == null ? List.of() : before.config().allServers();
        List<LiveServer> oldServers = before == null ? List.of() : before.servers();
        Map<HostPort, Integer> oldIndex = null;
        List<LiveServer> servers = new ArrayList<>(configs.size());
        // Every address where it was, same count: same distinct addresses, none gone. Else checked below.
        boolean positional = oldConfigs.size() == configs.size();
        boolean literal = true;
        for (int i = 0; i < configs.size(); i++) {
            Server s = configs.get(i);
            int old = -1;
            if (i < oldConfigs.size() && oldConfigs.get(i).address().equals(s.address())) {
                old = i;
            } else {
                positional = false;
                if (!oldConfigs.isEmpty()) {
                    if (oldIndex == null) {
                        oldIndex = new HashMap<>(capacity(oldConfigs.size()));
                        for (int j = 0; j < oldConfigs.size(); j++) {
                            oldIndex.put(oldConfigs.get(j).address(), j);
                        }
                    }
                    old = oldIndex.getOrDefault(s.address(), -1);
                }
            }
            boolean literalAddress = (old >= 0 && before.literalAddresses()) || isLiteral(s.address().host());
            literal &= literalAddress;
            LiveServer live;
            if (old < 0) {
                String key = LiveServer.key(b.name(), s.address());
                live = new LiveServer(key, b.name(), s, resolve(key, b.name(), s), stats.newServer(key), queue, health,
                        overrides.cell(b.name(), s.name()), b.slowstart(),
                        b.onMarkedDown() == OnMarkedDown.SHUTDOWN_SESSIONS);
            } else if (literalAddress && oldConfigs.get(old).equals(s)) {
                live = oldServers.get(old);
            } else {
                LiveServer o = oldServers.get(old);
                // Same address: a literal resolves to what it did (only a name is asked again).
                ServerAddress address = literalAddress ? o.serverAddress() : resolve(o.key(), b.name(), s);
                live = new LiveServer(o.key(), b.name(), s, address, o.counters(), queue, health,
                        overrides.cell(b.name(), s.name()), b.slowstart(),
                        b.onMarkedDown() == OnMarkedDown.SHUTDOWN_SESSIONS);
            }
            servers.add(live);
        }
        if (!positional) {
            Set<HostPort> addresses = new HashSet<>(capacity(configs.size()));
            for (Server s : configs) {
                if (!addresses.add(s.address())) {
                    // Server state (health, counters, slots) is keyed by backend + address.
                    throw new IllegalArgumentException("backend '" + b.name() + "' lists address " + s.address()
                            + " twice (server '" + s.name() + "')");
                }
            }
            for (LiveServer o : oldServers) {
                if (!addresses.contains(o.configuredAddress())) {
                    stats.serverDropped(o.key());
                }
            }
        }
        Balancer<LiveServer> balancer = Balancers.create(b.balance(), servers);
        return new LiveBackend(b, servers, balancer, before != null ? before.counters() : stats.newBackend(b.name()),
                queue, literal, rules, tls);
    }

    /** An IP literal: resolving it again gives the same address, so a server can be taken over. */
    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || dottedQuad(host) != null;
    }

    /** A hash table capacity that holds {@code n} entries without rehashing. */
    private static int capacity(int n) {
        return (int) (n / 0.75f) + 1;
    }

    /**
     * A server's address: an IP literal as it is; a name as the address book resolved it
     * (or, without one, the system resolver now).
     *
     * @throws IllegalArgumentException for a name that does not resolve
     */
    private ServerAddress resolve(String key, String backend, Server s) {
        HostPort a = s.address();
        int port = Math.max(0, a.port());
        byte[] v4 = dottedQuad(a.host());
        if (v4 != null) {
            try {
                // Most servers are IPv4 literals: no name service, and a tenth of the cost.
                return ServerAddress.literal(new InetSocketAddress(InetAddress.getByAddress(v4), port));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 bytes are always an IPv4 address", e);
            }
        }
        if (a.host().indexOf(':') >= 0) {
            try {
                return ServerAddress.literal(new InetSocketAddress(InetAddress.getByName(a.host()), port));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("server " + backend + "/" + s.name() + ": bad address " + a);
            }
        }
        ServerAddress prepared = addresses == null ? null : addresses.address(key);
        if (prepared != null) {
            return prepared;
        }
        if (ServerTemplate.isSlot(a)) {
            // Compiled without an address book (tests): a slot nothing fills.
            return ServerAddress.emptySlot(a.host(), port);
        }
        try {
            return ServerAddress.literal(new InetSocketAddress(InetAddress.getByName(a.host()), port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("server " + backend + "/" + s.name() + ": cannot resolve " + a.host());
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
