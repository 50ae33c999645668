package io.pointsman.agent.bgp;

import io.pointsman.agent.system.AtomicFiles;
import io.pointsman.proxy.config.Bgp;
import io.pointsman.proxy.config.Bgp.WithdrawWhen;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one node announces over BGP (SPEC §13), kept in BIRD's include: the bgp section's
 * host routes while the proxy serves, nothing while it is stopping, suspended or not
 * serving (as {@code withdraw_when} says). Every change is the include written atomically
 * and one {@code birdc configure}, timed.
 *
 * <p>{@link #apply} is a step of the agent's atomic apply: it checks ({@code bird -p}),
 * writes and reconfigures, and on failure puts the previous include back before it
 * throws, so a refused commit never changes what is announced. {@link #suspended} and
 * {@link #stop} change the announcement outside an apply; their failures are reported,
 * not undone (a withdrawal that BIRD did not hear still leaves the include withdrawn, so a
 * restarted BIRD does not announce).
 *
 * <p>Blocking (files, processes); thread-safe (one lock: BIRD is told one change at a time).
 */
public final class BgpAnnouncer {
    private static final Logger log = LoggerFactory.getLogger(BgpAnnouncer.class);

    private final String node;
    private final Bird bird;
    private final Clock clock;

    private Bgp section;
    private boolean serving;
    private boolean suspended;
    private boolean stopping;
    private List<String> announced = List.of();
    private String withdrawnBecause = "not serving";
    private boolean birdReconfigured;
    private String message = "";
    private Instant lastChangeTime;
    private Double lastChangeMs;
    private volatile BgpStatus snapshot;

    private final LongAdder announcements = new LongAdder();
    private final Map<String, LongAdder> withdrawals = new TreeMap<>();
    private final LongAdder failures = new LongAdder();
    private final LongAdder reconfigures = new LongAdder();
    private long reconfigureNanos;

    public BgpAnnouncer(String node, Bird bird, Clock clock) {
        this.node = node;
        this.bird = bird;
        this.clock = clock;
    }

    /**
     * The BGP step of an apply: {@code next} becomes the section, announced (the proxy
     * serves the generation this apply swapped in) unless suspension says otherwise.
     *
     * @return what was done, for the apply's message; empty when the include did not change
     * @throws BgpException after putting the previous include back (BIRD keeps what it had)
     */
    public synchronized String apply(Bgp next) throws BgpException {
        Bgp before = section;
        boolean servingBefore = serving;
        section = next;
        serving = true;
        List<FileChange> changes = new ArrayList<>();
        Decision d = null;
        Path socket = null;
        try {
            if (hasInclude(before) && (!hasInclude(next) || !before.configPath().equals(next.configPath()))) {
                // The old include stops announcing: the section (or this node's config_path) is gone or moved.
                changes.add(FileChange.of(Path.of(before.configPath()),
                        BirdInclude.withdrawn(node, hasInclude(next) ? "moved to " + next.configPath() : "no bgp section")));
                socket = socket(before);
            }
            if (hasInclude(next)) {
                d = decide();
                changes.add(FileChange.of(Path.of(next.configPath()), render(d)));
                socket = socket(next);
            }
        } catch (IOException e) {
            section = before;
            serving = servingBefore;
            throw new BgpException("cannot read " + e.getMessage(), false);
        }
        changes.removeIf(FileChange::unchanged);
        if (changes.isEmpty()) {
            settle(d);
            publish();
            return "";
        }
        try {
            boolean checked = true;
            for (FileChange c : changes) {
                checked &= bird.check(c.text(), c.path());
            }
            Bird.Reply reply = put(changes, socket, true);
            String done = changes.stream().map(c -> c.path().toString()).collect(Collectors.joining(", ")) + " written"
                    + (checked ? " (bird -p ok)" : " (bird not installed: not checked)") + ", " + reply.message()
                    + "; " + (d == null ? "withdrawn (no bgp section)" : describe(d));
            changed(d, reply, done);
            publish();
            return done;
        } catch (BgpException e) {
            section = before;
            serving = servingBefore;
            failures.increment();
            message = "apply refused: " + e.getMessage();
            publish();
            throw e;
        }
    }

    private static boolean hasInclude(Bgp b) {
        return b != null && b.configPath() != null;
    }

    /** One file to replace: its new text and what it held (null: absent). */
    private record FileChange(Path path, String text, String previous) {
        static FileChange of(Path path, String text) throws IOException {
            try {
                return new FileChange(path, text, AtomicFiles.read(path));
            } catch (IOException e) {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
        }

        boolean unchanged() {
            return text.equals(previous);
        }
    }

    /** Sync was suspended or resumed: withdraw or announce again when {@code withdraw_when} lists {@code suspended}. */
    public synchronized void suspended(boolean now) {
        if (suspended != now) {
            suspended = now;
            refresh();
            publish();
        }
    }

    /**
     * A planned stop: withdraw now (when {@code withdraw_when} lists {@code stopping}).
     *
     * @return how long to wait before closing the listeners ({@code drain}); zero when
     *         nothing was announced or nothing was withdrawn
     */
    public synchronized Duration stop() {
        boolean wasAnnounced = !announced.isEmpty();
        stopping = true;
        refresh();
        publish();
        return wasAnnounced && announced.isEmpty() && "stopping".equals(withdrawnBecause)
                ? section.drainOrDefault() : Duration.ZERO;
    }

    /** Re-renders after a flag changed; a failure is reported in the status and logged. */
    private void refresh() {
        if (section == null || section.configPath() == null) {
            return;
        }
        Decision d = decide();
        Path path = Path.of(section.configPath());
        try {
            FileChange c = FileChange.of(path, render(d));
            if (c.unchanged()) {
                settle(d);
                return;
            }
            // Only the flags changed, not the routes bird -p checked at the apply: no check here,
            // so a withdrawal on the way out is one write and one birdc call.
            Bird.Reply reply = put(List.of(c), socket(section), false);
            changed(d, reply, path + " written, " + reply.message() + "; " + describe(d));
        } catch (IOException | BgpException e) {
            failures.increment();
            settle(d);
            birdReconfigured = false;
            message = describe(d) + ", but BIRD was not told: " + e.getMessage();
            log.error("node {}: {}", node, message);
        }
    }

    /**
     * Writes the include and reconfigures BIRD. With {@code undoOnFailure}, a configure that
     * fails puts {@code previous} back; without it the new text stays (a withdrawal stays
     * withdrawn on disk even when BIRD did not hear it).
     */
    private Bird.Reply put(List<FileChange> changes, Path socket, boolean undoOnFailure) throws BgpException {
        long t0 = System.nanoTime();
        List<FileChange> written = new ArrayList<>();
        Bird.Reply reply;
        try {
            for (FileChange c : changes) {
                try {
                    AtomicFiles.write(c.path(), c.text());
                } catch (IOException e) {
                    throw new BgpException("cannot write " + c.path() + ": " + e.getMessage(), false);
                }
                written.add(c);
            }
            reply = bird.configure(socket);
        } catch (BgpException e) {
            if (undoOnFailure) {
                for (FileChange c : written) {
                    try {
                        AtomicFiles.restore(c.path(), c.previous());
                    } catch (IOException io) {
                        throw new BgpException(e.getMessage() + "; and " + c.path() + " could not be restored: "
                                + io.getMessage(), e.refused());
                    }
                }
            }
            throw e;
        }
        long nanos = System.nanoTime() - t0;
        lastChangeMs = nanos / 1e6;
        if (reply.reconfigured()) {
            reconfigures.increment();
            reconfigureNanos += nanos;
        }
        return reply;
    }

    /** @param d the new decision; null when the section is gone (nothing announced) */
    private void changed(Decision d, Bird.Reply reply, String what) {
        boolean wasAnnounced = !announced.isEmpty();
        settle(d);
        if (d != null && d.announce() && !wasAnnounced) {
            announcements.increment();
        } else if ((d == null || !d.announce()) && wasAnnounced) {
            withdrawals.computeIfAbsent(d == null ? "no bgp section" : d.why(), k -> new LongAdder()).increment();
        }
        birdReconfigured = reply.reconfigured();
        lastChangeTime = clock.instant();
        message = what;
        log.info("node {}: {} ({} ms)", node, what, String.format(java.util.Locale.ROOT, "%.1f", lastChangeMs));
    }

    private void settle(Decision d) {
        if (d == null) {
            announced = List.of();
            withdrawnBecause = section == null ? "no bgp section" : "no bgp.config_path for this node";
            return;
        }
        announced = d.announce() ? BirdInclude.hostRoutes(section.announce()) : List.of();
        withdrawnBecause = d.announce() ? null : d.why();
    }

    /** Announce, or withdraw and why: stopping before suspended before not serving. */
    private record Decision(boolean announce, String why) {}

    private Decision decide() {
        if (stopping && section.withdrawsWhen(WithdrawWhen.STOPPING)) {
            return new Decision(false, "stopping");
        }
        if (suspended && section.withdrawsWhen(WithdrawWhen.SUSPENDED)) {
            return new Decision(false, "suspended");
        }
        if (!serving && section.withdrawsWhen(WithdrawWhen.NOT_SERVING)) {
            return new Decision(false, "not serving");
        }
        return new Decision(true, null);
    }

    private String render(Decision d) {
        return BirdInclude.render(node, BirdInclude.hostRoutes(section.announce()), d.announce(), describe(d));
    }

    private static String describe(Decision d) {
        return d.announce() ? "announced" : "withdrawn (" + d.why() + ")";
    }

    private static Path socket(Bgp b) {
        return b.controlSocket() == null ? null : Path.of(b.controlSocket());
    }

    /** True when the last change reached BIRD, or nothing needed telling. */
    public synchronized boolean withdrawnCleanly() {
        return announced.isEmpty() && (birdReconfigured || section == null || section.controlSocket() == null);
    }

    /**
     * For {@code GET /status}, which answers on an event loop: a snapshot published after
     * every change, read without the lock a BIRD call may hold. Null when no bgp section serves.
     *
     * @param crashGuardPid the process that withdraws if this one dies, or null
     */
    public BgpStatus status(Long crashGuardPid) {
        BgpStatus s = snapshot;
        return s == null ? null : new BgpStatus(s.prefixes(), s.announced(), s.withdrawnBecause(), s.include(),
                s.birdReconfigured(), s.message(), s.lastChangeTime(), s.lastChangeMs(), s.announcements(),
                s.withdrawals(), crashGuardPid);
    }

    private void publish() {
        snapshot = section == null ? null : new BgpStatus(BirdInclude.hostRoutes(section.announce()), announced,
                withdrawnBecause, section.configPath(), birdReconfigured, message, lastChangeTime, lastChangeMs,
                announcements.sum(), withdrawals.values().stream().mapToLong(LongAdder::sum).sum(), null);
    }

    /** Prometheus text: announced prefixes, announcements, withdrawals by reason, BIRD reconfigure time. */
    public synchronized String metrics() {
        if (section == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP pointsman_bgp_announced 1 while this node announces the prefix (bgp.announce).\n");
        sb.append("# TYPE pointsman_bgp_announced gauge\n");
        for (String p : BirdInclude.hostRoutes(section.announce())) {
            sb.append("pointsman_bgp_announced{prefix=\"").append(p).append("\"} ")
                    .append(announced.contains(p) ? 1 : 0).append('\n');
        }
        sb.append("# HELP pointsman_bgp_announcements_total Times the routes were announced after being withdrawn.\n");
        sb.append("# TYPE pointsman_bgp_announcements_total counter\n");
        sb.append("pointsman_bgp_announcements_total ").append(announcements.sum()).append('\n');
        sb.append("# HELP pointsman_bgp_withdrawals_total Times the routes were withdrawn, by reason.\n");
        sb.append("# TYPE pointsman_bgp_withdrawals_total counter\n");
        for (String reason : List.of("stopping", "suspended", "not serving", "no bgp section")) {
            LongAdder n = withdrawals.get(reason);
            sb.append("pointsman_bgp_withdrawals_total{reason=\"").append(reason.replace(' ', '_')).append("\"} ")
                    .append(n == null ? 0 : n.sum()).append('\n');
        }
        sb.append("# HELP pointsman_bgp_failures_total Changes BIRD refused or did not answer.\n");
        sb.append("# TYPE pointsman_bgp_failures_total counter\n");
        sb.append("pointsman_bgp_failures_total ").append(failures.sum()).append('\n');
        sb.append("# HELP pointsman_bgp_reconfigure_seconds Include written and birdc configure answered.\n");
        sb.append("# TYPE pointsman_bgp_reconfigure_seconds summary\n");
        sb.append("pointsman_bgp_reconfigure_seconds_sum ").append(reconfigureNanos / 1e9).append('\n');
        sb.append("pointsman_bgp_reconfigure_seconds_count ").append(reconfigures.sum()).append('\n');
        return sb.toString();
    }
}
