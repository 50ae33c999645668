package io.pointsman.proxy.config;

import java.time.Duration;

/** Timing of the agent health vrrp_script. */
public record TrackCheck(Duration interval, Integer fall, Integer rise) {
}
