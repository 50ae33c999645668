package io.pointsman.agent.bgp;

import java.time.Instant;
import java.util.List;

/**
 * The {@code bgp} object of {@code GET /status}: what this node announces now and why.
 *
 * @param prefixes         the host routes of the bgp section
 * @param announced        what the include announces now (empty when withdrawn)
 * @param withdrawnBecause why nothing is announced ({@code stopping}, {@code suspended},
 *                         {@code not serving}); null while announced
 * @param include          the rendered include ({@code bgp.config_path})
 * @param birdReconfigured true when BIRD read the include as it is now (false: BIRD was not
 *                         running, or telling it failed; see {@code message})
 * @param lastChangeMs     how long the last change took: include written and BIRD's answer to
 *                         {@code configure}
 * @param crashGuardPid    the process that withdraws the routes if this one dies; null when
 *                         none runs
 */
public record BgpStatus(
        List<String> prefixes,
        List<String> announced,
        String withdrawnBecause,
        String include,
        boolean birdReconfigured,
        String message,
        Instant lastChangeTime,
        Double lastChangeMs,
        long announcements,
        long withdrawals,
        Long crashGuardPid) {
}
