package io.pointsman.agent.sync;

import io.pointsman.agent.git.GitMirror;
import io.pointsman.agent.git.RemoteAuth;
import io.pointsman.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** One node for tests: a real mirror, state store and engine, with the {@link YamlTestApplier}. */
public final class TestNode implements AutoCloseable {
    public final String name;
    public final Path stateDir;
    public final YamlTestApplier applier;
    public final SyncEngine engine;
    /** Every event the engine published (what the notifier would get). */
    public final java.util.List<SyncEvent> events;

    private TestNode(String name, Path stateDir, YamlTestApplier applier, SyncEngine engine,
            java.util.List<SyncEvent> events) {
        this.name = name;
        this.stateDir = stateDir;
        this.applier = applier;
        this.engine = engine;
        this.events = events;
    }

    public static TestNode start(String name, String url, Path stateDir, Duration poll) throws Exception {
        TestNode n = create(name, url, stateDir, poll);
        n.engine.start();
        return n;
    }

    public static TestNode create(String name, String url, Path stateDir, Duration poll) {
        return create(name, url, stateDir, poll, Duration.ofSeconds(10), a -> a);
    }

    /** With the applier wrapped (e.g. gated) and a chosen apply timeout. */
    public static TestNode create(String name, String url, Path stateDir, Duration poll, Duration applyTimeout,
            java.util.function.Function<YamlTestApplier, ConfigApplier> wrap) {
        return create(name, url, stateDir, poll, applyTimeout, wrap, java.util.function.UnaryOperator.identity());
    }

    /** With the sync options changed (e.g. trusted keys). */
    public static TestNode create(String name, String url, Path stateDir, Duration poll, Duration applyTimeout,
            java.util.function.Function<YamlTestApplier, ConfigApplier> wrap,
            java.util.function.UnaryOperator<SyncOptions> options) {
        GitMirror mirror = new GitMirror(url, "main", stateDir.resolve("repo.git"), RemoteAuth.none(), Duration.ofSeconds(5));
        YamlTestApplier applier = new YamlTestApplier(name);
        SyncOptions opts = options.apply(SyncOptions.defaults(name, "main").withPoll(poll).withApplyTimeout(applyTimeout)
                .withMaxBackoff(Duration.ofSeconds(1)));
        java.util.List<SyncEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        SyncEngine engine = new SyncEngine(opts, mirror, wrap.apply(applier), new StateStore(stateDir, Clock.systemUTC()),
                Clock.systemUTC(), events::add);
        return new TestNode(name, stateDir, applier, engine, events);
    }

    public SyncStatus status() {
        return engine.status();
    }

    /** Is {@code commit} the applied revision? */
    public boolean applied(String commit) {
        return ("main@sha1:" + commit).equals(status().lastAppliedRevision());
    }

    public void awaitApplied(String commit) {
        Await.until("node " + name + " to apply " + commit, Duration.ofSeconds(15), () -> applied(commit), this::describe);
    }

    public void awaitReason(SyncReason reason) {
        Await.until("node " + name + " to report " + reason, Duration.ofSeconds(15), () -> status().reason() == reason, this::describe);
    }

    /** Waits until at least {@code n} more syncs ran (polls that found nothing new included). */
    public void awaitMoreSyncs(int n) {
        long target = engine.metrics().syncCount() + n;
        Await.until(n + " more syncs on " + name, Duration.ofSeconds(15), () -> engine.metrics().syncCount() >= target, this::describe);
    }

    public String describe() {
        SyncStatus s = status();
        return s.reason() + " / " + s.message() + " / applied=" + s.lastAppliedRevision() + " / attempted=" + s.lastAttemptedRevision();
    }

    @Override
    public void close() {
        engine.close();
        applier.close();
    }
}
