package io.pointsman.proxy.health;

import java.time.Instant;

/**
 * One server's health at one moment, immutable: what stats pages, metrics and logs read.
 *
 * @param monitoring        checked, not checked, or in maintenance
 * @param up                counts as up (a {@code no check} server always is; {@code MAINT} never)
 * @param health            HAProxy's health counter: 0..rise-1 while down, rise..rise+fall-1 while up
 * @param rise              successes to go up
 * @param fall              failures to go down
 * @param lastChange        when {@link #up} last changed (or the state was created)
 * @param lastCheck         the last check's result, null before the first
 * @param lastCheckMillis   duration of the last check, -1 before the first
 * @param checks            checks run
 * @param failedChecks      checks failed
 * @param downTransitions   UP → DOWN transitions (HAProxy's {@code chkdown})
 * @param nolb              up, but the last check asked for no new requests ({@code disable_on_404} and a 404)
 */
public record HealthSnapshot(
        Monitoring monitoring,
        boolean up,
        int health,
        int rise,
        int fall,
        Instant lastChange,
        CheckResult lastCheck,
        long lastCheckMillis,
        long checks,
        long failedChecks,
        long downTransitions,
        boolean nolb) {

    /** How a server is watched. */
    public enum Monitoring { CHECKED, NOT_CHECKED, MAINTENANCE }

    /**
     * The status as HAProxy's stats page shows it: {@code UP}, {@code DOWN},
     * {@code UP 2/3}, {@code DOWN 1/2}, {@code NOLB}, {@code MAINT}, {@code no check}.
     *
     * <p>The numbers are HAProxy's: while up and failing, {@code UP h/fall} where h is
     * the health <em>left</em> ({@code health - rise + 1}): with fall 3, the first failure
     * shows {@code UP 2/3} and the second {@code UP 1/3}, one failure from DOWN. While down
     * and succeeding, {@code DOWN s/rise} counts the successes so far: {@code DOWN 1/2}.
     */
    /** May take new requests: up and not in NOLB. */
    public boolean usable() {
        return up && !nolb;
    }

    public String status() {
        return switch (monitoring) {
            case MAINTENANCE -> "MAINT";
            case NOT_CHECKED -> "no check";
            case CHECKED -> {
                if (up) {
                    String word = nolb ? "NOLB" : "UP";
                    yield health >= rise + fall - 1 ? word : word + " " + (health - rise + 1) + "/" + fall;
                }
                yield health == 0 ? "DOWN" : "DOWN " + health + "/" + rise;
            }
        };
    }

    @Override
    public String toString() {
        return status() + (lastCheck == null ? "" : " (" + lastCheck + ", " + lastCheckMillis + "ms)");
    }
}
