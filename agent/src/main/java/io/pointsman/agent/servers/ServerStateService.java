package io.pointsman.agent.servers;

import io.pointsman.agent.state.HistoryEntry;
import io.pointsman.agent.sync.SyncEvent;
import io.pointsman.agent.sync.SyncEvents;
import io.pointsman.proxy.admin.AdminState;
import io.pointsman.proxy.admin.ServerOverride;
import io.pointsman.proxy.admin.ServerOverrides;
import io.pointsman.proxy.admin.UnknownServerException;
import io.pointsman.proxy.config.NotifyEvent;
import io.pointsman.proxy.runtime.Generation;
import io.pointsman.proxy.runtime.LiveBackend;
import io.pointsman.proxy.runtime.LiveServer;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.StatsAdminActions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runtime server state of one node: every change (status API, CLI, stats page, ttl, a commit
 * that removes the server) goes through here, in this order: the proxy's
 * {@link ServerOverrides} (traffic follows at once), {@code overrides.json}, history, the
 * notifier. Changes are serialized.
 */
public final class ServerStateService implements StatsAdminActions, AutoCloseable {
    /** Dropped overrides kept for {@code /status}. */
    static final int MAX_DROPPED = 20;
    public static final String HISTORY_REVISION = "runtime";
    private static final Logger log = LoggerFactory.getLogger(ServerStateService.class);

    /** An override as {@code /status} and {@code GET /servers} show it (the JSON names). */
    public record OverrideView(String backend, String server, String state, String weight, String reason, String by,
            Instant setAt, Instant expiresAt) {
        static OverrideView of(String backend, String server, ServerOverride o) {
            return new OverrideView(backend, server, o.state() == null ? null : o.state().text(),
                    o.weight() == null ? null : o.weight().toString(), o.reason(), o.by(), o.setAt(), o.expiresAt());
        }
    }

    /** An override a commit ended by removing its server. */
    public record DroppedView(String backend, String server, String override, String reason, String revision,
            Instant at) {
    }

    /** One server as {@code GET /servers} lists it. */
    public record ServerView(String backend, String server, String address, String state, boolean healthy,
            boolean disabledInGit, int weight, int configuredWeight, int currentConnections, OverrideView override) {
    }

    private final String node;
    private final ServerOverrides overrides;
    private final Supplier<ProxyRuntime> runtime;
    private final SyncEvents events;
    private final Consumer<HistoryEntry> history;
    private final Clock clock;
    private final OverrideFile file;
    private final ScheduledExecutorService timer;
    private final Map<String, ScheduledFuture<?>> expiries = new HashMap<>();
    private final Deque<DroppedView> dropped = new ArrayDeque<>();

    /**
     * @param stateDir where {@code overrides.json} is kept; null: nowhere
     * @param runtime  the proxy, or null before the first apply
     * @param history  the node's history (apply attempts and runtime changes, one list)
     */
    public ServerStateService(String node, Path stateDir, ServerOverrides overrides, Supplier<ProxyRuntime> runtime,
            SyncEvents events, Consumer<HistoryEntry> history, Clock clock) {
        this.node = node;
        this.overrides = overrides;
        this.runtime = runtime;
        this.events = events;
        this.history = history;
        this.clock = clock;
        this.file = new OverrideFile(stateDir);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "pointsman-override-ttl-" + node);
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
    }

    /**
     * Puts back the overrides saved before a restart (those whose ttl has not passed) and
     * starts listening for swaps that drop some. Call before the first apply.
     */
    public synchronized ServerStateService start() {
        Instant now = clock.instant();
        int restored = 0;
        for (OverrideFile.Saved s : file.load()) {
            ServerOverride o;
            try {
                o = s.override();
            } catch (RuntimeException e) {
                log.warn("{}/{}: saved runtime override not understood ({}); left out", s.backend(), s.server(),
                        e.getMessage());
                continue;
            }
            if (o.expiresAt() != null && !o.expiresAt().isAfter(now)) {
                continue;
            }
            overrides.restore(s.backend(), s.server(), o);
            scheduleExpiry(s.backend(), s.server(), o);
            restored++;
        }
        if (restored > 0) {
            log.info("node {}: {} runtime override(s) restored from {}", node, restored, OverrideFile.FILE_NAME);
        }
        overrides.onDropped(this::droppedBySwap);
        return this;
    }

    /** Applies a change; the override now in force (null when the server is back to git's). */
    public synchronized ServerOverride change(String backend, String server, ServerChange change, String by)
            throws UnknownServerException {
        Instant now = clock.instant();
        ServerOverride asked = new ServerOverride(change.state(), change.weight(), change.reason(), by, now,
                change.ttl() == null ? null : now.plus(change.ttl()));
        ServerOverride result = overrides.set(backend, server, asked);
        scheduleExpiry(backend, server, result);
        String what = asked.describe() + (change.ttl() == null ? "" : " for " + io.pointsman.proxy.config.Durations.format(change.ttl()));
        recorded(backend, server, what, change.reason(), by, now);
        return result;
    }

    /** Back to what git says ({@code DELETE}); what was overridden, or null. */
    public synchronized ServerOverride reset(String backend, String server, String by) throws UnknownServerException {
        ServerOverride was = overrides.clear(backend, server);
        cancelExpiry(backend, server);
        if (was != null) {
            recorded(backend, server, "back to git's state and weight (was " + was.describe() + ")", "", by, clock.instant());
        }
        return was;
    }

    /** {@code stats.admin}: the stats page's form. */
    @Override
    public String apply(String backend, List<String> servers, AdminState state, String reason) {
        List<String> problems = new ArrayList<>();
        ServerChange change;
        try {
            change = new ServerChange(state, null, ServerChange.checkReason(reason), null);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        for (String s : servers) {
            try {
                change(backend, s, change, "stats page");
            } catch (UnknownServerException e) {
                problems.add(e.getMessage());
            }
        }
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    /** Every override in force: the drift from git ({@code /status runtimeOverrides}). */
    public List<OverrideView> overrides() {
        return overrides.overrides().stream().map(e -> OverrideView.of(e.backend(), e.server(), e.override())).toList();
    }

    /** Overrides recent commits dropped, newest last. */
    public synchronized List<DroppedView> dropped() {
        return List.copyOf(dropped);
    }

    /** Every server of the serving config with its state, weight and override ({@code GET /servers}). */
    public List<ServerView> servers() {
        ProxyRuntime r = runtime.get();
        Generation g = r == null ? null : r.current();
        if (g == null) {
            return List.of();
        }
        List<ServerView> out = new ArrayList<>();
        for (LiveBackend b : g.backends().values().stream()
                .sorted(java.util.Comparator.comparing(LiveBackend::name)).toList()) {
            for (LiveServer s : b.servers()) {
                ServerOverride o = s.runtimeOverride();
                out.add(new ServerView(b.name(), s.name(), s.configuredAddress().toString(),
                        s.disabled() ? "maint" : s.adminState().text(), s.isHealthy(), s.disabled(), s.weight(),
                        s.configuredWeight(), s.currentConnections(),
                        o == null ? null : OverrideView.of(b.name(), s.name(), o)));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    private void droppedBySwap(List<ServerOverrides.Dropped> list) {
        synchronized (this) {
            for (ServerOverrides.Dropped d : list) {
                cancelExpiry(d.backend(), d.server());
                String what = d.override().describe();
                dropped.addLast(new DroppedView(d.backend(), d.server(), what, d.override().reason(), d.revision(), d.at()));
                while (dropped.size() > MAX_DROPPED) {
                    dropped.removeFirst();
                }
                String message = d.backend() + "/" + d.server() + ": runtime override (" + what
                        + ") dropped: " + d.revision() + " has no such server";
                history.accept(new HistoryEntry(HISTORY_REVISION, HistoryEntry.SUCCESS, "RuntimeOverrideDropped",
                        message, d.at(), 0));
                events.publish(new SyncEvent(NotifyEvent.RUNTIME_CHANGE, d.revision(), "RuntimeOverrideDropped", message,
                        d.at(), "runtime_change|" + d.backend() + "/" + d.server() + "|dropped|" + d.override().setAt()));
            }
            save();
        }
    }

    /** After a change: persisted, in history, to the notifier. */
    private void recorded(String backend, String server, String what, String reason, String by, Instant at) {
        save();
        String message = backend + "/" + server + ": " + what + (reason.isBlank() ? "" : " (" + reason + ")")
                + " by " + by;
        log.info("node {}: runtime change {}", node, message);
        history.accept(new HistoryEntry(HISTORY_REVISION, HistoryEntry.SUCCESS, "RuntimeChange", message, at, 0));
        events.publish(new SyncEvent(NotifyEvent.RUNTIME_CHANGE, null, "RuntimeChange", message, at,
                "runtime_change|" + backend + "/" + server + "|" + at + "|" + what));
    }

    private void save() {
        try {
            file.save(overrides.overrides());
        } catch (IOException e) {
            log.error("cannot write {}: {} (runtime overrides will not survive a restart)", OverrideFile.FILE_NAME,
                    e.toString());
        }
    }

    private void scheduleExpiry(String backend, String server, ServerOverride o) {
        cancelExpiry(backend, server);
        if (o == null || o.expiresAt() == null) {
            return;
        }
        long delay = Math.max(0, Duration.between(clock.instant(), o.expiresAt()).toMillis());
        String key = backend + "/" + server;
        try {
            expiries.put(key, timer.schedule(() -> expire(backend, server, o), delay, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void cancelExpiry(String backend, String server) {
        ScheduledFuture<?> f = expiries.remove(backend + "/" + server);
        if (f != null) {
            f.cancel(false);
        }
    }

    /** The ttl of {@code o} passed: back to git's, unless the override was changed since. */
    private synchronized void expire(String backend, String server, ServerOverride o) {
        if (overrides.get(backend, server) != o) {
            return;
        }
        expiries.remove(backend + "/" + server);
        try {
            overrides.clear(backend, server);
        } catch (UnknownServerException e) {
            return; // its server is gone: a swap dropped it already
        }
        recorded(backend, server, o.describe() + " ended: its ttl passed", "", "ttl", clock.instant());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
