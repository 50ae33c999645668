package io.pointsman.proxy.health;

import io.pointsman.proxy.health.HealthSnapshot.Monitoring;
import io.pointsman.proxy.stats.LatencyHistogram;
import java.time.Instant;

/**
 * The live health of one server, HAProxy's rise/fall state machine:
 * <ul>
 *   <li>up: health in {@code rise..rise+fall-1}. A failure takes one off; below
 *       {@code rise} the server is DOWN (health 0). A success restores it to the top.</li>
 *   <li>down: health in {@code 0..rise-1}. A success adds one; at {@code rise} the server
 *       is UP (health to the top). A failure drops it back to 0.</li>
 * </ul>
 *
 * <p><b>Start:</b> as HAProxy, a newly checked server starts UP with health {@code rise}
 * (status {@code UP 1/fall}): a fresh config serves at once, and a server that is really
 * dead is marked DOWN by its first failed check rather than after {@code fall} of them.
 *
 * <p>Written by one checker (its event loop) and by reconcile (settings); reads from
 * any thread see an immutable {@link HealthSnapshot} through one volatile field, and the
 * hot-path question {@link #isUsable()} is one volatile read.
 */
public final class HealthState {
    private final ServerKey key;
    private volatile String server;
    private volatile HealthSnapshot snapshot;
    private final LatencyHistogram checkLatency = new LatencyHistogram();

    HealthState(ServerKey key, String server, Monitoring monitoring, int rise, int fall) {
        this.key = key;
        this.server = server;
        this.snapshot = new HealthSnapshot(monitoring, monitoring != Monitoring.MAINTENANCE, rise, rise, fall,
                Instant.now(), null, -1, 0, 0, 0, false);
    }

    public ServerKey key() {
        return key;
    }

    /** Server name as last configured. */
    public String server() {
        return server;
    }

    public HealthSnapshot snapshot() {
        return snapshot;
    }

    /** Durations of this server's checks, for {@code /metrics}. */
    public LatencyHistogram checkLatency() {
        return checkLatency;
    }

    /** May take new connections as far as health goes: up (not NOLB), or not checked; never in MAINT. */
    public boolean isUsable() {
        return snapshot.usable();
    }

    /** HAProxy's status string, see {@link HealthSnapshot#status()}. */
    public String status() {
        return snapshot.status();
    }

    /**
     * Records a check's outcome.
     *
     * @return the snapshot before, when this check changed up/down or NOLB; else null
     */
    synchronized HealthSnapshot record(CheckResult result, long durationMillis) {
        HealthSnapshot s = snapshot;
        if (s.monitoring() != Monitoring.CHECKED) {
            return null; // a late result from a checker stopped by reconcile
        }
        int top = s.rise() + s.fall() - 1;
        int health = s.health();
        boolean up = s.up();
        if (result.success()) {
            if (health < top) {
                health++;
                if (health >= s.rise()) {
                    health = top;
                    up = true;
                }
            }
        } else if (health > 0) {
            health--;
            if (health < s.rise()) {
                health = 0;
                up = false;
            }
        }
        boolean nolb = up && result.code() == CheckCode.L7OKC;
        boolean changed = up != s.up() || nolb != s.nolb();
        snapshot = new HealthSnapshot(s.monitoring(), up, health, s.rise(), s.fall(),
                up != s.up() ? Instant.now() : s.lastChange(), result, durationMillis,
                s.checks() + 1, s.failedChecks() + (result.success() ? 0 : 1),
                s.downTransitions() + (up != s.up() && !up ? 1 : 0), nolb);
        return changed ? s : null;
    }

    /**
     * Applies new settings from a reconcile without losing state or history: up stays up,
     * down stays down; the consecutive failures (while up) or successes (while down) seen
     * so far still count, against the new fall or rise.
     *
     * @return the snapshot before, when this changed up/down (entering or leaving MAINT,
     *         or checks turned off for a down server); else null
     */
    synchronized HealthSnapshot configure(String serverName, Monitoring monitoring, int rise, int fall) {
        server = serverName;
        HealthSnapshot s = snapshot;
        int top = rise + fall - 1;
        boolean up;
        int health;
        if (monitoring == Monitoring.MAINTENANCE) {
            up = false;
            health = 0;
        } else if (monitoring == Monitoring.NOT_CHECKED) {
            up = true;
            health = top;
        } else if (s.monitoring() != Monitoring.CHECKED) {
            // Checks (re)start: as for a new server, up and one failure from down.
            up = true;
            health = rise;
        } else if (s.up()) {
            up = true;
            // Keep the consecutive failures seen so far; the new fall decides how many remain.
            int failures = s.rise() + s.fall() - 1 - s.health();
            health = Math.max(rise, top - failures);
        } else {
            up = false;
            health = Math.min(s.health(), rise - 1);
        }
        boolean changed = up != s.up();
        snapshot = new HealthSnapshot(monitoring, up, health, rise, fall,
                changed ? Instant.now() : s.lastChange(), s.lastCheck(), s.lastCheckMillis(),
                s.checks(), s.failedChecks(), s.downTransitions() + (changed && !up ? 1 : 0),
                up && monitoring == Monitoring.CHECKED && s.nolb());
        return changed ? s : null;
    }

    @Override
    public String toString() {
        return key + " " + snapshot;
    }
}
