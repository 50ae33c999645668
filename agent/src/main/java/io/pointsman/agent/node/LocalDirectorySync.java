package io.pointsman.agent.node;

import io.pointsman.agent.git.Revision;
import io.pointsman.agent.state.HistoryEntry;
import io.pointsman.agent.sync.ApplyOutcome;
import io.pointsman.agent.sync.ConfigApplier;
import io.pointsman.agent.sync.SyncControl;
import io.pointsman.agent.sync.SyncEvent;
import io.pointsman.agent.sync.SyncEvents;
import io.pointsman.proxy.config.NotifyEvent;
import io.pointsman.agent.sync.SyncReason;
import io.pointsman.agent.sync.SyncStatus;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pointsman run --config DIR}: the same apply and status as with git, fed from a
 * directory that is re-read on {@code SIGHUP} and {@code POST /sync}. A revision is
 * {@code dir@sha1:<SHA-1 of the files' contents>}, so it changes exactly when the
 * content does and an unchanged directory is not re-applied.
 */
public final class LocalDirectorySync implements SyncControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalDirectorySync.class);
    private static final int HISTORY = 50;

    private final Path dir;
    private final String node;
    private final ConfigApplier applier;
    private final Clock clock;
    private final SyncEvents events;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pointsman-config-dir");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Deque<HistoryEntry> history = new ArrayDeque<>();
    private volatile SyncStatus status;
    private String applied;
    private String lastAttempted;
    private boolean suspended;
    private String suspendReason;

    public LocalDirectorySync(Path dir, String node, ConfigApplier applier, Clock clock) {
        this(dir, node, applier, clock, SyncEvents.NONE);
    }

    /** @param events told about every apply and refusal (the notifier) */
    public LocalDirectorySync(Path dir, String node, ConfigApplier applier, Clock clock, SyncEvents events) {
        this.events = events;
        this.dir = dir;
        this.node = node;
        this.applier = applier;
        this.clock = clock;
        this.status = new SyncStatus(node, dir.toAbsolutePath().toString(), "dir", false, SyncReason.Waiting,
                "starting", null, null, null, null, null, 0, false, List.of(), List.of());
    }

    /** Applies the directory now, then on every {@link #requestSync}. */
    public void start() {
        requestSync("start");
    }

    @Override
    public SyncStatus status() {
        return status.withCertificates(applier.certificates());
    }

    @Override
    public void requestSync(String cause) {
        if (pending.compareAndSet(false, true)) {
            thread.execute(() -> {
                pending.set(false);
                try {
                    sync(cause);
                } catch (RuntimeException e) {
                    log.error("re-reading {} failed", dir, e);
                    publish(false, SyncReason.ApplyFailed, "re-reading " + dir + " failed: " + e.getMessage(), 0);
                }
            });
        }
    }

    private synchronized void sync(String cause) {
        if (suspended) {
            publish(applied != null, SyncReason.Suspended, "suspended: " + suspendReason, status.generation());
            return;
        }
        ConfigFiles files = ConfigFiles.fromDirectory(dir);
        Revision revision = new Revision("dir", contentHash(files));
        if (revision.toString().equals(lastAttempted)) {
            log.debug("{}: {} unchanged ({})", cause, dir, revision);
            return;
        }
        lastAttempted = revision.toString();
        long start = System.nanoTime();
        ApplyOutcome outcome = applier.apply(files, revision);
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (outcome.retryable()) {
            lastAttempted = null; // a bind may succeed on the next SIGHUP / POST /sync
        }
        long generation = status.generation();
        if (outcome instanceof ApplyOutcome.Applied a) {
            applied = revision.toString();
            generation = a.generation();
        }
        history.addLast(new HistoryEntry(revision.toString(), outcome.succeeded() ? HistoryEntry.SUCCESS
                : HistoryEntry.FAILURE, outcome.reason().name(), outcome.message(), clock.instant(), ms));
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        if (!outcome.succeeded()) {
            log.warn("{}: {} refused ({}): {}", cause, revision, outcome.reason(), outcome.message());
        }
        publish(outcome.succeeded(), outcome.reason(), outcome.message(), generation);
        events.publish(SyncEvent.about(outcome.succeeded() ? NotifyEvent.APPLIED : NotifyEvent.REFUSED,
                revision.toString(), outcome.reason().name(), outcome.message(), clock.instant()));
    }

    private void publish(boolean ready, SyncReason reason, String message, long generation) {
        Instant now = clock.instant();
        status = new SyncStatus(node, dir.toAbsolutePath().toString(), "dir", ready, reason, message, applied,
                lastAttempted, now, ready ? now : status.lastApplyTime(), null, generation, suspended,
                List.copyOf(new ArrayList<>(history)), List.of());
    }

    static String contentHash(ConfigFiles files) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(files.files()).entrySet()) {
                sha1.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                sha1.update((byte) 0);
                sha1.update(e.getValue().getBytes(StandardCharsets.UTF_8));
                sha1.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }

    @Override
    public synchronized void recordHistory(HistoryEntry entry) {
        history.addLast(entry);
        while (history.size() > HISTORY) {
            history.removeFirst();
        }
        SyncStatus s = status;
        status = new SyncStatus(s.node(), s.repo(), s.branch(), s.ready(), s.reason(), s.message(),
                s.lastAppliedRevision(), s.lastAttemptedRevision(), s.lastFetchTime(), s.lastApplyTime(),
                s.nextPollTime(), s.generation(), s.suspended(), List.copyOf(new ArrayList<>(history)), s.certificates());
    }

    @Override
    public synchronized void suspend(String reason) {
        suspended = true;
        suspendReason = reason == null || reason.isBlank() ? "no reason given" : reason;
        publish(applied != null, SyncReason.Suspended, "suspended: " + suspendReason, status.generation());
        applier.suspended(true);
    }

    @Override
    public synchronized void resume() {
        suspended = false;
        applier.suspended(false);
        lastAttempted = null;
        requestSync("resume");
    }

    @Override
    public String diff(String revision) {
        throw new IllegalArgumentException("--config mode has no git revisions; edit " + dir + " and POST /sync");
    }

    @Override
    public String metricsText() {
        return events.metricsText() + applier.proxyMetrics();
    }

    @Override
    public ConfigApplier applier() {
        return applier;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
