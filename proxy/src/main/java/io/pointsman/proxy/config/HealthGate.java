package io.pointsman.proxy.config;

import java.time.Duration;

/** Swap back when the new generation fails more than {@code maxErrorRatio} over {@code window}. */
public record HealthGate(Duration window, Double maxErrorRatio) {
}
