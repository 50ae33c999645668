package io.pointsman.proxy.resolve;

import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.Resolvers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolved addresses of every server given by host name, across generations. A swap
 * {@link #prepare}s them before it compiles (every name is resolved, on the apply thread;
 * one that does not resolve refuses the apply, naming it), and {@link #commit}s after it:
 * from then on a thread of its own resolves the names again every
 * {@code resolvers.interval}; a changed answer moves the server's {@link ServerAddress},
 * which new connections read; a failing one keeps the last good address for
 * {@code resolvers.hold_valid}, then the server counts as DOWN until a resolution works.
 * A server keeps its {@link ServerAddress} across swaps while its backend and address (as
 * written) stay the same.
 *
 * <p>A {@code server_template}'s slots ({@link TemplateSlots}) are resolved the same way:
 * a new template at prepare (its name must resolve, or the apply is refused), then every
 * interval with the names; a template whose backend, name and count stay the same keeps
 * its slots, and their occupants, across swaps.
 */
public final class AddressBook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AddressBook.class);

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pointsman-resolve");
        t.setDaemon(true);
        return t;
    });
    /** The committed state; replaced whole by {@link #commit}, read by the resolution thread. */
    private volatile Book live = new Book(Map.of(), HostResolver.SYSTEM, Resolvers.SYSTEM, List.of());
    private ScheduledFuture<?> rounds;
    /** Told when an SRV record's weight moved a slot's weight (on the resolution thread). */
    private volatile Runnable weightsChanged = () -> { };
    private final HostResolver override;

    public AddressBook() {
        this(null);
    }

    /** @param override a resolver to use whatever the config says (tests); null: as the config says */
    public AddressBook(HostResolver override) {
        this.override = override;
    }

    /** What {@link #prepare} made: the addresses of one config's named servers, and its resolver. */
    public static final class Book {
        private final Map<String, ServerAddress> byKey;
        private final HostResolver resolver;
        private final Resolvers settings;
        private final List<HostPort> nameservers;
        private final Map<ServerAddress, InetSocketAddress> fresh = new HashMap<>();
        /** Templates by {@link Template#key()}, and their slots' addresses by server key. */
        private final Map<String, TemplateSlots> templates = new LinkedHashMap<>();
        private final Map<String, ServerAddress> slotsByKey = new HashMap<>();

        private Book(Map<String, ServerAddress> byKey, HostResolver resolver, Resolvers settings,
                     List<HostPort> nameservers) {
            this.byKey = byKey;
            this.resolver = resolver;
            this.settings = settings;
            this.nameservers = nameservers;
        }

        /**
         * The address of a server given by name, resolved by {@link #prepare}; null when the
         * key was not prepared (an IP literal).
         */
        public ServerAddress address(String key) {
            ServerAddress a = byKey.get(key);
            return a != null ? a : slotsByKey.get(key);
        }

        public HostResolver resolver() {
            return resolver;
        }
    }

    /** One server to resolve: its key (backend/address) and address as written. */
    public record Named(String key, HostPort address) {
    }

    /**
     * One {@code server_template} to fill.
     *
     * @param key      what identifies it across swaps (backend, name, count)
     * @param name     the A/AAAA host name or the SRV name
     * @param port     the template's port, or {@code HostPort.NO_PORT}
     * @param srv      an SRV name
     * @param slotKeys the key of each slot's server, in order
     */
    public record Template(String key, String name, int port, boolean srv, List<String> slotKeys) {
    }

    /** {@link #prepare(List, List, Resolvers)} without templates. */
    public Book prepare(List<Named> servers, Resolvers settings) {
        return prepare(servers, List.of(), settings);
    }

    /** Runs (on the resolution thread) when a re-resolution moved an SRV slot's weight. */
    public void onWeightChange(Runnable listener) {
        this.weightsChanged = listener;
    }

    /** A live template by {@link Template#key()}, or null (tests and diagnostics). */
    public TemplateSlots template(String key) {
        return live.templates.get(key);
    }

    /**
     * Resolves every named server of a config. Changes nothing that serves.
     *
     * @throws IllegalArgumentException naming every server whose name does not resolve
     */
    public synchronized Book prepare(List<Named> servers, List<Template> templates, Resolvers settings) {
        Book current = live;
        List<HostPort> nameservers = settings.nameservers();
        HostResolver resolver = override != null ? override
                : nameservers.equals(current.nameservers) ? current.resolver
                : nameservers.isEmpty() ? HostResolver.SYSTEM : new DnsServerResolver(addresses(nameservers));
        Map<String, ServerAddress> byKey = new LinkedHashMap<>();
        Book book = new Book(byKey, resolver, settings, nameservers);
        Map<String, InetAddress> answers = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Named n : servers) {
            ServerAddress existing = current.byKey.get(n.key());
            InetAddress ip = answers.get(n.address().host());
            if (ip == null) {
                try {
                    ip = pick(resolver.resolve(n.address().host()), existing);
                    answers.put(n.address().host(), ip);
                } catch (UnknownHostException e) {
                    problems.add("server " + n.key().substring(0, n.key().indexOf('/') + 1) + n.address()
                            + ": cannot resolve " + n.address().host() + " (" + e.getMessage() + ")");
                    continue;
                }
            }
            InetSocketAddress resolved = new InetSocketAddress(ip, Math.max(0, n.address().port()));
            ServerAddress a = existing != null ? existing
                    : new ServerAddress(n.address().host(), Math.max(0, n.address().port()), false, resolved);
            book.fresh.put(a, resolved);
            byKey.put(n.key(), a);
        }
        for (Template t : templates) {
            TemplateSlots slots = current.templates.get(t.key());
            if (slots == null) {
                // New: filled now (it serves nothing until the swap). A kept one is as the rounds left it.
                slots = new TemplateSlots(t.key(), t.name(), t.port(), t.srv(), t.slotKeys().size());
                try {
                    slots.refresh(resolver);
                } catch (UnknownHostException | RuntimeException e) {
                    problems.add("server_template " + t.key().substring(0, t.key().indexOf('/') + 1) + t.name()
                            + ": cannot resolve " + t.name() + " (" + e.getMessage() + ")");
                    continue;
                }
            }
            book.templates.put(t.key(), slots);
            for (int i = 0; i < t.slotKeys().size(); i++) {
                book.slotsByKey.put(t.slotKeys().get(i), slots.slot(i));
            }
        }
        if (!problems.isEmpty()) {
            if (resolver != current.resolver && resolver != override) {
                resolver.close();
            }
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return book;
    }

    /** The swap happened: {@code book}'s addresses are the live ones; re-resolution follows its settings. */
    public synchronized void commit(Book book) {
        Book before = live;
        book.fresh.forEach((a, address) -> {
            a.holdValid(book.settings.holdValid().toNanos());
            InetSocketAddress old = a.resolved(address);
            if (old != null) {
                log.info("server address {} now resolves to {} (was {})", a.host(), address.getAddress().getHostAddress(),
                        old.getAddress() == null ? old : old.getAddress().getHostAddress());
            }
        });
        book.fresh.clear();
        for (TemplateSlots t : book.templates.values()) {
            t.holdValid(book.settings.holdValid().toNanos());
        }
        live = book;
        if (before.resolver != book.resolver && before.resolver != override) {
            before.resolver.close();
        }
        if (rounds != null) {
            rounds.cancel(false);
            rounds = null;
        }
        if (!book.byKey.isEmpty() || !book.templates.isEmpty()) {
            long every = book.settings.interval().toMillis();
            rounds = thread.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** A refused swap: whatever {@code book} opened is closed; nothing else changes. */
    public synchronized void abandon(Book book) {
        if (book.resolver != live.resolver && book.resolver != override) {
            book.resolver.close();
        }
    }

    /** One re-resolution of every live name (the resolution thread). */
    void round() {
        Book book = live;
        Map<String, InetAddress> answers = new HashMap<>();
        Map<String, String> failures = new HashMap<>();
        for (ServerAddress a : book.byKey.values()) {
            String host = a.host();
            InetAddress ip = answers.get(host);
            if (ip == null && !failures.containsKey(host)) {
                try {
                    ip = pick(book.resolver.resolve(host), a);
                    answers.put(host, ip);
                } catch (UnknownHostException | RuntimeException e) {
                    failures.put(host, e.getMessage());
                }
            }
            if (ip != null) {
                InetSocketAddress old = a.resolved(new InetSocketAddress(ip, a.port()));
                if (old != null) {
                    log.info("server address {} now resolves to {} (was {}); new connections go there", host,
                            ip.getHostAddress(), old.getAddress() == null ? old : old.getAddress().getHostAddress());
                }
            } else {
                boolean wasValid = a.valid() && a.problem() == null;
                a.failed(failures.get(host));
                if (wasValid) {
                    log.warn("server address {}: resolution failed ({}); keeping {} for up to {}", host,
                            failures.get(host), a.current().getAddress().getHostAddress(), book.settings.holdValid());
                }
            }
        }
        boolean weights = false;
        for (TemplateSlots t : book.templates.values()) {
            try {
                weights |= t.refresh(book.resolver);
                if (t.failing(null)) {
                    log.info("server_template {}: resolves again", t.label());
                }
            } catch (UnknownHostException | RuntimeException e) {
                if (t.failing(e.getMessage())) {
                    log.warn("server_template {}: resolution failed ({}); its servers keep their addresses for up "
                            + "to {}", t.label(), e.getMessage(), book.settings.holdValid());
                }
            }
        }
        if (weights) {
            weightsChanged.run();
        }
    }

    /** Where the live server with this key (backend/address) is now, or null when it is not a name. */
    public InetSocketAddress current(String key) {
        ServerAddress a = live.address(key);
        return a == null ? null : a.current();
    }

    /** Runs one re-resolution now (tests; the thread does it every interval). */
    public void resolveNow() throws InterruptedException {
        try {
            thread.submit(this::round).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The address kept if it is still in the answer (round-robin DNS reorders answers), else the first. */
    private static InetAddress pick(List<InetAddress> answer, ServerAddress existing) {
        if (existing != null && existing.current().getAddress() != null && answer.contains(existing.current().getAddress())) {
            return existing.current().getAddress();
        }
        return answer.get(0);
    }

    private static List<InetSocketAddress> addresses(List<HostPort> nameservers) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (HostPort h : nameservers) {
            out.add(new InetSocketAddress(h.host(), h.port()));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        thread.shutdownNow();
        if (live.resolver != override) {
            live.resolver.close();
        }
    }
}
