package io.pointsman.agent.sync;

import io.pointsman.agent.git.GitMirror;
import io.pointsman.agent.git.GitSyncException;
import io.pointsman.agent.git.RemoteAuth;
import io.pointsman.agent.git.Revision;
import io.pointsman.agent.state.HistoryEntry;
import io.pointsman.agent.state.StateStore;
import io.pointsman.agent.state.SyncState;
import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.HealthGate;
import io.pointsman.proxy.config.NotifyEvent;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.ObjectId;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node in step with the config branch (SPEC §5).
 *
 * <p>Life: {@link #start()} loads {@code state.json}, re-applies the last good commit from the
 * local clone (so the node serves even when the remote is down), then syncs and schedules polls.
 * A sync is: ls-remote → fetch when the head moved → verify the commit in the clone (re-clone a
 * damaged one) → skip a commit refused before → honour {@code suspend} and {@code apply_delay}
 * → apply with a timeout → record the attempt. Every failure leaves the proxy on its last good
 * generation and is shown in {@link #status()}.
 *
 * <p>Threads: one sync thread does all git work and applies; a Quartz thread only fires polls;
 * {@link #requestSync} may be called from anywhere (status API, webhooks) and coalesces: at most
 * one sync runs and at most one more is pending.
 */
public final class SyncEngine implements SyncControl, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncEngine.class);

    private final SyncOptions options;
    private final GitMirror mirror;
    private final ConfigApplier applier;
    private final StateStore store;
    private final Clock clock;
    private final SyncMetrics metrics = new SyncMetrics();
    private final ExecutorService syncThread;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService applyThread;
    private final HealthGateWatch healthGate;
    private final SyncEvents events;
    private PollScheduler scheduler;
    private volatile boolean started;
    private volatile boolean closed;

    // Written under "this"; the status snapshot reads them under "this" too.
    private SyncState state = SyncState.empty();
    private SyncReason reason;
    private String message = "starting";
    private boolean ready;
    private Revision appliedRevision;
    private long generation;
    private Instant lastFetchTime;
    private Instant nextPollTime;

    // Sync thread only.
    private int failures;
    private Instant holdUntil;

    public SyncEngine(SyncOptions options, GitMirror mirror, ConfigApplier applier, StateStore store, Clock clock) {
        this(options, mirror, applier, store, clock, SyncEvents.NONE);
    }

    /** @param events told about every apply, refusal, health gate verdict and run of failed fetches */
    public SyncEngine(SyncOptions options, GitMirror mirror, ConfigApplier applier, StateStore store, Clock clock,
            SyncEvents events) {
        this.options = options;
        this.events = events;
        this.mirror = mirror;
        this.applier = applier;
        this.store = store;
        this.clock = clock;
        this.syncThread = Executors.newSingleThreadExecutor(daemon("pointsman-sync-" + options.node()));
        this.applyThread = newApplyThread();
        this.healthGate = new HealthGateWatch(options.node(), applier::traffic, applier::healthGate, metrics);
    }

    /**
     * The usual wiring: the clone in {@code stateDir/repo.git}, state in {@code stateDir/state.json},
     * the system clock. Call {@link #start()} next.
     */
    public static SyncEngine open(String repoUrl, RemoteAuth auth, Path stateDir, SyncOptions options, ConfigApplier applier,
            SyncEvents events) {
        GitMirror mirror = new GitMirror(repoUrl, options.branch(), stateDir.resolve("repo.git"), auth, options.fetchTimeout());
        return new SyncEngine(options, mirror, applier, new StateStore(stateDir, Clock.systemUTC()), Clock.systemUTC(),
                events);
    }

    /** Loads state, re-applies the last good commit, then syncs now and every poll. Returns at once. */
    public synchronized void start() throws IOException, SchedulerException {
        if (started) {
            throw new IllegalStateException("sync engine for node " + options.node() + " already started");
        }
        started = true;
        state = store.load();
        if (store.lastProblem() != null) {
            message = store.lastProblem();
        }
        scheduler = new PollScheduler(options.node(), () -> requestSync("poll"));
        healthGate.start();
        applier.suspended(state.suspended()); // before the first apply, so a suspended node never announces
        syncThread.execute(this::applyLastGoodSafely);
        requestSync("start");
    }

    /** Asks for a sync now (poll, {@code POST /sync}, webhook). Never blocks; coalesces. */
    @Override
    public void requestSync(String cause) {
        if (closed || !started) {
            return;
        }
        if (pending.compareAndSet(false, true)) {
            try {
                syncThread.execute(() -> {
                    running.set(true); // before clearing pending: busy() never blinks false in between
                    pending.set(false);
                    try {
                        syncSafely(cause);
                    } finally {
                        running.set(false);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pending.set(false); // closing
            }
        }
    }

    /** Pauses syncing (persisted); the proxy keeps serving what it serves. Blocking file I/O. */
    @Override
    public void suspend(String why) throws IOException {
        String r = why == null || why.isBlank() ? "suspended by operator" : why.strip();
        SyncState s = update(st -> st.withSuspended(true, r));
        store.save(s);
        setStatus(SyncReason.Suspended, "suspended: " + r);
        log.info("sync suspended for node {}: {}", options.node(), r);
        applier.suspended(true);
    }

    /** Resumes syncing (persisted) and syncs at once. Blocking file I/O. */
    @Override
    public void resume() throws IOException {
        SyncState s = update(st -> st.withSuspended(false, null));
        store.save(s);
        log.info("sync resumed for node {}", options.node());
        requestSync("resume");
    }

    /**
     * What applying {@code revision} would change on this node, via the applier. Blocking
     * (reads the clone); call from a worker thread.
     *
     * @throws IllegalArgumentException when the revision is not in the local clone
     */
    @Override
    public String diff(String revision) throws GitSyncException {
        ObjectId id = mirror.resolve(revision);
        if (id == null) {
            id = fetchForDiff(revision);
        }
        if (id == null) {
            throw new IllegalArgumentException("unknown revision '" + revision + "' (not in the local clone of "
                    + mirror.displayUrl() + ", nor fetched from it; try main@sha1:<hex>, a commit id, a branch name "
                    + "or refs/pull/<n>/head)");
        }
        return applier.diff(mirror.read(id, options.node()));
    }

    /**
     * Fetches a revision the clone does not have, on the sync thread (one git writer at a
     * time), waiting at most as long as a fetch may take plus a sync that runs meanwhile.
     */
    private ObjectId fetchForDiff(String revision) throws GitSyncException {
        Future<ObjectId> f;
        try {
            f = syncThread.submit(() -> mirror.fetchRevision(revision));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
        try {
            return f.get(options.fetchTimeout().multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new GitSyncException(GitSyncException.Kind.REMOTE_UNREACHABLE,
                    "fetching " + revision + " from " + mirror.displayUrl() + " took too long");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GitSyncException g) {
                throw g;
            }
            throw new GitSyncException(GitSyncException.Kind.FETCH_FAILED, "fetching " + revision + " failed: "
                    + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public synchronized SyncStatus status() {
        return new SyncStatus(options.node(), mirror.displayUrl(), options.branch(),
                ready && applier.serving(), reason, message,
                appliedRevision == null ? null : appliedRevision.toString(),
                state.lastAttemptedRevision(), lastFetchTime, state.lastApplyTime(), nextPollTime,
                generation, state.suspended(), state.history(), applier.certificates());
    }

    @Override
    public ConfigApplier applier() {
        return applier;
    }

    @Override
    public void recordHistory(HistoryEntry entry) {
        update(s -> s.withHistory(entry));
        save();
    }

    public SyncMetrics metrics() {
        return metrics;
    }

    /** Prometheus text: the agent's sync metrics followed by the proxy's. */
    @Override
    public String metricsText() {
        String proxy = applier.proxyMetrics();
        String own = metrics.render(status()) + events.metricsText();
        return proxy == null || proxy.isEmpty() ? own : own + proxy + (proxy.endsWith("\n") ? "" : "\n");
    }

    // ---------------------------------------------------------------- sync thread

    private void applyLastGoodSafely() {
        try {
            applyLastGood();
        } catch (RuntimeException e) {
            log.error("re-applying the last good revision failed", e);
        }
    }

    /** SPEC §5.5: serve the last good commit from the local clone before asking the remote anything. */
    private void applyLastGood() {
        String lastGood = snapshot().lastGoodRevision();
        Revision rev;
        if (lastGood != null) {
            rev = Revision.parse(lastGood);
        } else {
            // No state (first start, or state.json was lost): the clone's pin still knows.
            ObjectId pinned = mirror.pinnedLastGood();
            if (pinned == null) {
                return;
            }
            rev = Revision.of(options.branch(), pinned);
            log.info("no last good revision in {}; using the clone's pin {}", store.file(), rev);
        }
        ConfigFiles files;
        try {
            mirror.verify(rev.objectId());
            files = mirror.read(rev.objectId(), options.node());
        } catch (GitSyncException e) {
            setStatus(SyncReason.FetchFailed, "last good " + rev + " cannot be read from the local clone ("
                    + e.getMessage() + "); will fetch it again");
            log.warn("last good {} not readable from the local clone: {}", rev, e.getMessage());
            return;
        }
        ApplyOutcome outcome = attempt(rev, files, "restart: ");
        if (outcome.succeeded()) {
            log.info("node {} serves last good {} from the local clone", options.node(), rev);
        }
    }

    private void syncSafely(String cause) {
        if (closed) {
            return;
        }
        try {
            sync(cause);
        } catch (RuntimeException e) {
            log.error("sync of node {} failed unexpectedly", options.node(), e);
            setStatus(SyncReason.ApplyFailed, "sync failed unexpectedly: " + e);
        } finally {
            scheduleNext();
        }
    }

    private void sync(String cause) {
        metrics.syncRun();
        holdUntil = null;
        ObjectId head;
        try {
            head = fetchHead();
            failures = 0;
        } catch (GitSyncException e) {
            failures++;
            metrics.fetchFailed();
            String serving = appliedRevision() == null ? "nothing applied yet" : "still serving " + appliedRevision();
            setStatus(SyncReason.FetchFailed, e.getMessage() + "; " + serving);
            log.warn("node {}: {} (failure {} in a row, {})", options.node(), e.getMessage(), failures, serving);
            fetchFailing(e.getMessage());
            return;
        }
        if (snapshot().fetchFailingSince() != null) {
            update(s -> s.withFetchFailing(null));
            save();
        }
        Revision rev = Revision.of(options.branch(), head);
        SyncState st = snapshot();
        if (st.suspended()) {
            // Still fetched, so GET /diff can show what resuming would apply.
            setStatus(SyncReason.Suspended, "suspended: " + st.suspendReason() + "; branch head " + rev);
            applier.suspended(true);
            return;
        }
        // From here on the node is not suspended, except by the head's own sync.suspend
        // (checked once its files are read): each path that returns says which.
        if (rev.equals(appliedRevision()) && applier.serving()) {
            synchronized (this) {
                ready = true;
            }
            setStatus(SyncReason.Applied, "up to date at " + rev);
            applier.suspended(false);
            return;
        }
        if (rev.toString().equals(st.rejectedRevision())) {
            // SPEC §5.4: a commit refused for its content is not tried again until the branch moves.
            setStatus(reasonNamed(st.rejectedReason()), refusal(rev, st.rejectedMessage()) + " (not retried until the branch moves)");
            applier.suspended(false);
            return;
        }
        if (options.trustedKeys() != null) {
            // SPEC §5.9: every commit since the last applied one, not just the head.
            String lastGood = st.lastGoodRevision();
            String problem;
            try {
                problem = mirror.signatureProblem(head, lastGood == null ? null : Revision.parse(lastGood).objectId(),
                        options.trustedKeys());
            } catch (GitSyncException e) {
                setStatus(SyncReason.FetchFailed, e.getMessage());
                return;
            }
            if (problem != null) {
                record(rev, new ApplyOutcome.Rejected(SyncReason.SignatureRejected, problem), clock.instant(), 0, "");
                applier.suspended(false);
                return;
            }
        }
        ConfigFiles files;
        try {
            files = mirror.read(head, options.node());
        } catch (GitSyncException e) {
            setStatus(SyncReason.FetchFailed, e.getMessage());
            return;
        }
        NodeSyncSettings settings = NodeSyncSettings.of(files, options.node());
        if (settings.suspend()) {
            setStatus(SyncReason.Suspended, rev + " sets sync.suspend for node " + options.node() + "; "
                    + (appliedRevision() == null ? "nothing applied" : "serving " + appliedRevision()));
            applier.suspended(true);
            return;
        }
        applier.suspended(false);
        Instant now = clock.instant();
        SyncState seenState = update(s -> s.withSeen(head.name(), now));
        // apply_delay stages changes across a fleet; a node that serves nothing yet has
        // nothing to protect, so its first config applies at once.
        if (!settings.applyDelay().isZero() && applier.serving()) {
            Instant seen = seenState.seen().getOrDefault(head.name(), now);
            Instant due = seen.plus(settings.applyDelay());
            if (now.isBefore(due)) {
                holdUntil = due;
                save();
                setStatus(SyncReason.Waiting, rev + " first seen " + seen + ", held by apply_delay "
                        + Durations.format(settings.applyDelay()) + " until " + due);
                return;
            }
        }
        log.info("node {}: applying {} ({})", options.node(), rev, cause);
        String previousGood = st.lastGoodRevision();
        TrafficSample beforeSwap = applier.traffic();
        ApplyOutcome outcome = attempt(rev, files, "");
        if (outcome.succeeded()) {
            watchHealth(rev, previousGood, beforeSwap);
        }
    }

    /** Remembers when this run of failed fetches began (across restarts) and tells the notifier. */
    private void fetchFailing(String why) {
        Instant now = clock.instant();
        SyncState before = snapshot();
        SyncState after = update(s -> s.withFetchFailing(now));
        if (after != before) {
            save();
        }
        events.publish(SyncEvent.fetchFailing(after.fetchFailingSince(), why, now));
    }

    /**
     * SPEC §5.11: with {@code sync.health_gate} in the config just applied, and a previous
     * good commit to go back to, the new generation is judged after the gate's window.
     */
    private void watchHealth(Revision rev, String previousGood, TrafficSample beforeSwap) {
        HealthGate gate = applier.healthGate();
        if (gate == null || previousGood == null || previousGood.equals(rev.toString())) {
            healthGate.cancel();
            return;
        }
        Revision back = Revision.parse(previousGood);
        healthGate.watch(rev, gate, beforeSwap, verdict -> {
            try {
                syncThread.execute(() -> swapBackAfterHealthGate(verdict, back));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        });
    }

    /** The gate found {@code verdict.revision()} failing: back to {@code back}, and the revision is refused. */
    private void swapBackAfterHealthGate(HealthGateWatch.Verdict verdict, Revision back) {
        Revision bad = verdict.revision();
        if (closed || !bad.equals(appliedRevision())) {
            return; // superseded meanwhile
        }
        ConfigFiles files;
        try {
            files = mirror.read(back.objectId(), options.node());
        } catch (GitSyncException e) {
            setStatus(SyncReason.HealthGateFailed, verdict.message() + "; cannot swap back to " + back
                    + " (" + e.getMessage() + "), still serving " + bad);
            log.error("node {}: {}; swapping back to {} impossible: {}", options.node(), verdict.message(), back,
                    e.getMessage());
            return;
        }
        HistoryEntry refused = new HistoryEntry(bad.toString(), HistoryEntry.FAILURE, SyncReason.HealthGateFailed.name(),
                verdict.message(), clock.instant(), 0);
        metrics.attempt(HistoryEntry.FAILURE, SyncReason.HealthGateFailed);
        update(s -> s.withAttempt(refused));
        ApplyOutcome outcome = attempt(back, files, "health gate refused " + bad + ", swapped back: ");
        if (!outcome.succeeded()) {
            log.error("node {}: swap back to {} after the health gate failed: {}", options.node(), back, outcome.message());
            return;
        }
        // Not tried again until the branch moves, like a commit that failed validation.
        update(s -> s.withRejected(bad.toString(), SyncReason.HealthGateFailed.name(), verdict.message()));
        save();
        synchronized (this) {
            ready = false;
            setStatus(SyncReason.HealthGateFailed, bad + " swapped back: " + verdict.message() + "; serving " + back);
        }
        healthGate.cancel();
        events.publish(SyncEvent.about(NotifyEvent.HEALTH_GATE_FAILED, bad.toString(), SyncReason.HealthGateFailed.name(),
                verdict.message() + "; serving " + back, refused.time()));
    }

    /** The branch head, fetched and verified in the local clone; repairs a damaged clone once. */
    private ObjectId fetchHead() throws GitSyncException {
        ObjectId remote = mirror.remoteHead();
        ObjectId local = mirror.localHead();
        if (!remote.equals(local) || !mirror.has(remote)) {
            try {
                local = timedFetch();
            } catch (GitSyncException e) {
                // The remote answered ls-remote, so a failing fetch may be our clone's fault:
                // check what we have (fsck on error) before blaming the remote.
                boolean damaged = e.kind() == GitSyncException.Kind.CORRUPT_CLONE
                        || (e.kind() == GitSyncException.Kind.FETCH_FAILED && local != null && !mirror.has(local));
                if (!damaged) {
                    throw e;
                }
                local = repair(e);
            }
        }
        try {
            mirror.verify(local);
        } catch (GitSyncException e) {
            local = repair(e);
            mirror.verify(local);
        }
        return local;
    }

    private ObjectId timedFetch() throws GitSyncException {
        long t0 = System.nanoTime();
        ObjectId head = mirror.fetch();
        metrics.fetched(System.nanoTime() - t0);
        synchronized (this) {
            lastFetchTime = clock.instant();
        }
        return head;
    }

    private ObjectId repair(GitSyncException why) throws GitSyncException {
        log.warn("node {}: local clone damaged ({}); cloning again", options.node(), why.getMessage());
        metrics.repaired();
        long t0 = System.nanoTime();
        ObjectId head = mirror.repair();
        metrics.fetched(System.nanoTime() - t0);
        synchronized (this) {
            lastFetchTime = clock.instant();
        }
        return head;
    }

    /** One apply attempt: bounded in time, recorded in history and state.json. */
    private ApplyOutcome attempt(Revision rev, ConfigFiles files, String prefix) {
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        ApplyOutcome outcome = applyWithTimeout(files, rev);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        return record(rev, outcome, at, ms, prefix);
    }

    /** Records one attempt's outcome: history, state.json, status, metrics, the last-good pin. */
    private ApplyOutcome record(Revision rev, ApplyOutcome outcome, Instant at, long ms, String prefix) {
        String result = outcome.succeeded() ? HistoryEntry.SUCCESS : HistoryEntry.FAILURE;
        HistoryEntry entry = new HistoryEntry(rev.toString(), result, outcome.reason().name(),
                prefix + outcome.message(), at, ms);
        metrics.attempt(result, outcome.reason());
        synchronized (this) {
            // Re-applying the last good commit (a restart, a swap back) is not the branch
            // moving: a refusal stands until another commit is applied.
            boolean newCommit = !rev.toString().equals(state.lastGoodRevision());
            state = state.withAttempt(entry);
            if (outcome.succeeded()) {
                state = state.withLastGood(rev.toString(), clock.instant());
                if (newCommit) {
                    state = state.withRejected(null, null, null);
                }
            } else if (!outcome.retryable()) {
                state = state.withRejected(rev.toString(), outcome.reason().name(), outcome.message());
            }
        }
        // Durable first, visible second: whoever sees the new status can rely on state.json.
        save();
        synchronized (this) {
            if (outcome instanceof ApplyOutcome.Applied applied) {
                appliedRevision = rev;
                generation = applied.generation();
                ready = true;
                setStatus(SyncReason.Applied, prefix + "applied " + rev + " as generation " + generation);
            } else {
                ready = false;
                setStatus(outcome.reason(), prefix + refusal(rev, outcome.message()));
            }
        }
        if (outcome.succeeded()) {
            metrics.success(clock.instant());
            try {
                mirror.markLastGood(rev.objectId());
            } catch (GitSyncException e) {
                log.warn("cannot pin last good {}: {}", rev, e.getMessage());
            }
            log.info("node {}: applied {} as generation {} in {} ms", options.node(), rev, generation(), ms);
        } else {
            log.warn("node {}: {} {}: {}", options.node(), rev, outcome.reason(), outcome.message());
        }
        events.publish(SyncEvent.about(eventOf(outcome), rev.toString(), outcome.reason().name(),
                prefix + outcome.message(), at));
        return outcome;
    }

    private ApplyOutcome applyWithTimeout(ConfigFiles files, Revision rev) {
        Future<ApplyOutcome> f = applyThread.submit(() -> applier.apply(files, rev));
        try {
            ApplyOutcome o = f.get(options.applyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return o != null ? o : new ApplyOutcome.Failed("applier returned no outcome for " + rev);
        } catch (TimeoutException e) {
            f.cancel(true);
            // The stuck apply keeps its thread; later applies get a fresh one.
            applyThread.shutdownNow();
            applyThread = newApplyThread();
            return new ApplyOutcome.Failed("apply of " + rev + " timed out after " + Durations.format(options.applyTimeout()));
        } catch (ExecutionException e) {
            return new ApplyOutcome.Failed("apply of " + rev + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApplyOutcome.Failed("apply of " + rev + " interrupted");
        }
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        Duration delay = PollScheduler.jittered(backoff(options.poll(), failures, options.maxBackoff()), options.jitter());
        Instant at = clock.instant().plus(delay);
        if (holdUntil != null && holdUntil.isBefore(at)) {
            at = holdUntil.plusMillis(10);
        }
        synchronized (this) {
            nextPollTime = at;
        }
        try {
            scheduler.pollAt(at);
        } catch (SchedulerException e) {
            log.error("cannot schedule the next poll of node {}", options.node(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Poll × 2^failures, capped at {@code max} (never below the poll), so a dead remote is not hammered. */
    static Duration backoff(Duration poll, int failures, Duration max) {
        if (failures <= 0) {
            return poll;
        }
        long factor = 1L << Math.min(failures, 20);
        long cap = Math.max(max.toMillis(), poll.toMillis());
        return Duration.ofMillis(Math.min(cap, poll.toMillis() * factor));
    }

    /** True while a sync runs or waits to run (for tests of coalescing). */
    boolean busy() {
        return pending.get() || running.get();
    }

    private String refusal(Revision rev, String why) {
        Revision serving = appliedRevision();
        return rev + " refused: " + why + "; " + (serving == null ? "nothing applied yet" : "still serving " + serving);
    }

    private static NotifyEvent eventOf(ApplyOutcome outcome) {
        return switch (outcome.reason()) {
            case Applied -> NotifyEvent.APPLIED;
            case SignatureRejected -> NotifyEvent.SIGNATURE_REJECTED;
            case HealthGateFailed -> NotifyEvent.HEALTH_GATE_FAILED;
            default -> NotifyEvent.REFUSED;
        };
    }

    private static SyncReason reasonNamed(String name) {
        try {
            return name == null ? SyncReason.ValidationFailed : SyncReason.valueOf(name);
        } catch (IllegalArgumentException e) {
            return SyncReason.ValidationFailed;
        }
    }

    private synchronized SyncState snapshot() {
        return state;
    }

    private synchronized SyncState update(UnaryOperator<SyncState> change) {
        state = change.apply(state);
        return state;
    }

    private synchronized Revision appliedRevision() {
        return appliedRevision;
    }

    private synchronized long generation() {
        return generation;
    }

    private synchronized void setStatus(SyncReason r, String m) {
        reason = r;
        message = m;
    }

    private void save() {
        try {
            store.save(snapshot());
        } catch (IOException e) {
            log.error("cannot write {}: {}", store.file(), e.toString());
            synchronized (this) {
                message = message + " (state not saved: " + e.getMessage() + ")";
            }
        }
    }

    private ExecutorService newApplyThread() {
        return Executors.newSingleThreadExecutor(daemon("pointsman-apply-" + options.node()));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops polling and waits (bounded) for a running sync; does not close the applier. */
    @Override
    public void close() {
        closed = true;
        healthGate.close();
        if (scheduler != null) {
            scheduler.close();
        }
        // Let a running sync finish (its git steps are bounded by the fetch timeout) so
        // state.json is never left behind the proxy; interrupt only if it hangs.
        syncThread.shutdown();
        try {
            if (!syncThread.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("sync thread of node {} did not stop within 10s; interrupting it", options.node());
                syncThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applyThread.shutdownNow();
        mirror.close();
    }
}
