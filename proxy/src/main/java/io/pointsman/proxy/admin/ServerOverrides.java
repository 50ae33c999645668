package io.pointsman.proxy.admin;

import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every server's runtime override, by backend and server name, across generations (as
 * health is). The runtime asks for a server's {@link OverrideCell} when it compiles a
 * generation and calls {@link #retain} once the generation serves; an override lives as
 * long as its server is in the serving config, through any number of swaps, and is dropped
 * (and returned, to be reported) when a commit removes the server.
 *
 * <p>Thread-safe. Writes ({@link #set}, {@link #clear}, {@link #retain}, {@link #restore})
 * are serialized and tell the listeners (the runtime rebuilds the backend's balancer, for
 * a weight); reads of a cell are a volatile field read.
 */
public final class ServerOverrides {
    /** An override that ended because a commit removed its server. */
    public record Dropped(String backend, String server, ServerOverride override, String revision, Instant at) {
    }

    /** One server's override, for listings. */
    public record Entry(String backend, String server, ServerOverride override) {
    }

    /** A server's administrative state changed at runtime ({@code from} and {@code to} differ). */
    public record StateChange(String backend, String server, AdminState from, AdminState to, String reason) {
        /** Going into maintenance takes a server out of service: HAProxy logs it as an alert, the rest as notices. */
        public boolean alert() {
            return to == AdminState.MAINT;
        }

        /**
         * The log line in HAProxy's words ({@code srv_update_status}), e.g. {@code Server
         * web/web1 enters drain state (kernel upgrade)}.
         *
         * @param backup  the server is a backup server
         * @param healthy its health checks (if any) say UP
         */
        public String logLine(boolean backup, boolean healthy) {
            String who = (backup ? "Backup Server " : "Server ") + backend + "/" + server;
            String why = reason == null || reason.isBlank() ? "" : " (" + reason + ")";
            String health = healthy ? "UP" : "DOWN";
            if (to == AdminState.MAINT) {
                return who + " is going DOWN for maintenance" + why;
            }
            if (from == AdminState.MAINT) {
                return who + " is " + health + "/" + (to == AdminState.DRAIN ? "DRAIN" : "READY")
                        + " (leaving forced maintenance)";
            }
            if (to == AdminState.DRAIN) {
                return who + " enters drain state" + why;
            }
            return who + " is " + health + " (leaving forced drain)";
        }
    }

    private final Map<String, OverrideCell> cells = new ConcurrentHashMap<>();
    /** Server names by backend in the serving config; empty before the first swap. */
    private volatile Map<String, Set<String>> known = Map.of();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<List<Dropped>>> droppedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<StateChange>> stateListeners = new CopyOnWriteArrayList<>();

    /** The cell of a server, made on first use (compile time, off the event loops). */
    public OverrideCell cell(String backend, String server) {
        return cells.computeIfAbsent(key(backend, server), k -> new OverrideCell(backend, server));
    }

    /** Told the backend's name after each change of one of its servers' overrides. */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Told of each runtime change of a server's administrative state (set or cleared, not restored). */
    public void onStateChange(Consumer<StateChange> listener) {
        stateListeners.add(listener);
    }

    /** Told, on the applying thread, of the overrides a swap dropped (never with an empty list). */
    public void onDropped(Consumer<List<Dropped>> listener) {
        droppedListeners.add(listener);
    }

    /** The backends and servers of the serving config, in config order. */
    public Map<String, Set<String>> servers() {
        return known;
    }

    /** Why a runtime change of {@code backend/server} cannot be made, or null. */
    public String unknown(String backend, String server) {
        Map<String, Set<String>> k = known;
        if (k.isEmpty()) {
            return "nothing serves yet: no config has been applied";
        }
        Set<String> names = k.get(backend);
        if (names == null) {
            return "no backend '" + backend + "' in the serving config (backends: " + String.join(", ", k.keySet()) + ")";
        }
        if (!names.contains(server)) {
            return "no server '" + server + "' in backend '" + backend + "' (servers: " + String.join(", ", names) + ")";
        }
        return null;
    }

    /**
     * Applies a change on top of the server's current override (a state change keeps a
     * weight override, and the other way round).
     *
     * @return the override now in force
     */
    public synchronized ServerOverride set(String backend, String server, ServerOverride change)
            throws UnknownServerException {
        String problem = unknown(backend, server);
        if (problem != null) {
            throw new UnknownServerException(problem);
        }
        OverrideCell c = cell(backend, server);
        AdminState before = c.state();
        ServerOverride now = c.get() == null ? change : c.get().merge(change);
        if (now.state() == AdminState.READY && now.weight() == null) {
            now = null; // ready with git's weight: nothing overridden any more
        }
        c.set(now);
        changed(backend);
        stateChanged(backend, server, before, c.state(), change.reason());
        return now;
    }

    /** Back to what git says; returns what was overridden, or null. */
    public synchronized ServerOverride clear(String backend, String server) throws UnknownServerException {
        String problem = unknown(backend, server);
        if (problem != null && !cells.containsKey(key(backend, server))) {
            throw new UnknownServerException(problem);
        }
        OverrideCell c = cells.get(key(backend, server));
        ServerOverride was = c == null ? null : c.get();
        if (c != null) {
            AdminState before = c.state();
            c.set(null);
            changed(backend);
            stateChanged(backend, server, before, c.state(), "");
        }
        return was;
    }

    /**
     * Puts back an override saved before a restart, before (or whatever) the config that
     * serves; {@link #retain} drops it if its server is not there.
     */
    public synchronized void restore(String backend, String server, ServerOverride o) {
        cell(backend, server).set(o);
        changed(backend);
    }

    /**
     * The config {@code config} serves now (revision {@code revision}): servers it does not
     * have lose their cell; the overrides among them are returned.
     */
    public List<Dropped> retain(ProxyConfig config, String revision, Instant now) {
        List<Dropped> dropped = new ArrayList<>();
        synchronized (this) {
            Map<String, Set<String>> k = new LinkedHashMap<>();
            for (Backend b : config.allBackends()) {
                Set<String> names = new LinkedHashSet<>();
                for (Server s : b.allServers()) {
                    names.add(s.name());
                }
                k.put(b.name(), java.util.Collections.unmodifiableSet(names));
            }
            known = java.util.Collections.unmodifiableMap(k);
            for (var it = cells.entrySet().iterator(); it.hasNext(); ) {
                OverrideCell c = it.next().getValue();
                Set<String> names = k.get(c.backend());
                if (names == null || !names.contains(c.server())) {
                    it.remove();
                    if (c.get() != null) {
                        dropped.add(new Dropped(c.backend(), c.server(), c.get(), revision, now));
                    }
                }
            }
        }
        dropped.sort(Comparator.comparing(Dropped::backend).thenComparing(Dropped::server));
        if (!dropped.isEmpty()) {
            // Outside the lock: a listener may take its own lock and then change overrides.
            List<Dropped> view = List.copyOf(dropped);
            droppedListeners.forEach(l -> l.accept(view));
        }
        return dropped;
    }

    /** Every override in force, by backend and server. */
    public List<Entry> overrides() {
        List<Entry> out = new ArrayList<>();
        for (OverrideCell c : cells.values()) {
            ServerOverride o = c.get();
            if (o != null) {
                out.add(new Entry(c.backend(), c.server(), o));
            }
        }
        out.sort(Comparator.comparing(Entry::backend).thenComparing(Entry::server));
        return out;
    }

    /** The override of one server, or null. */
    public ServerOverride get(String backend, String server) {
        OverrideCell c = cells.get(key(backend, server));
        return c == null ? null : c.get();
    }

    private void stateChanged(String backend, String server, AdminState from, AdminState to, String reason) {
        if (from != to) {
            StateChange change = new StateChange(backend, server, from, to, reason);
            stateListeners.forEach(l -> l.accept(change));
        }
    }

    private void changed(String backend) {
        for (Consumer<String> l : listeners) {
            l.accept(backend);
        }
    }

    private static String key(String backend, String server) {
        return backend + '\u0000' + server;
    }
}
