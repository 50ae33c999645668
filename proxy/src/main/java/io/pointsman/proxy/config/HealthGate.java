package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * {@code sync.health_gate} (SPEC §5.11): after a swap, the agent watches the new generation
 * for {@code window}; when more than {@code maxErrorRatio} of its requests/connections
 * failed while the previous generation's did not, it swaps back to the last good commit.
 *
 * @param window        how long the new generation is watched (default 30s)
 * @param maxErrorRatio the failed share above which it is swapped back, 0–1 (default 0.5)
 * @param minRequests   fewer requests/connections than this in the window prove nothing
 *                      and never trigger a swap back (default 10)
 */
public record HealthGate(Duration window, Double maxErrorRatio, Integer minRequests) {
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(30);
    public static final double DEFAULT_MAX_ERROR_RATIO = 0.5;
    public static final int DEFAULT_MIN_REQUESTS = 10;

    public HealthGate(Duration window, Double maxErrorRatio) {
        this(window, maxErrorRatio, null);
    }

    public Duration windowOrDefault() {
        return window != null ? window : DEFAULT_WINDOW;
    }

    public double maxErrorRatioOrDefault() {
        return maxErrorRatio != null ? maxErrorRatio : DEFAULT_MAX_ERROR_RATIO;
    }

    public int minRequestsOrDefault() {
        return minRequests != null ? minRequests : DEFAULT_MIN_REQUESTS;
    }
}
