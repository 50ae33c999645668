package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * Active health check of a backend's servers.
 *
 * @param path         request path of an http check
 * @param expectStatus status codes that count as healthy for an http check
 * @param interval     time between two checks of one server
 * @param rise         consecutive successes to go UP
 * @param fall         consecutive failures to go DOWN
 * @param tls          {@code false}: check in plaintext though the backend speaks TLS to its servers
 */
public record Check(
        CheckType type,
        String path,
        StatusRange expectStatus,
        Duration interval,
        Integer rise,
        Integer fall,
        Boolean tls) {

    public static final Check BUILT_IN = new Check(CheckType.TCP, "/", StatusRange.parse("200-399"),
            Duration.ofSeconds(2), 2, 3);

    public Check(CheckType type, String path, StatusRange expectStatus, Duration interval, Integer rise, Integer fall) {
        this(type, path, expectStatus, interval, rise, fall, null);
    }

    public Check orElse(Check fallback) {
        if (fallback == null) {
            return this;
        }
        return new Check(
                type != null ? type : fallback.type,
                path != null ? path : fallback.path,
                expectStatus != null ? expectStatus : fallback.expectStatus,
                interval != null ? interval : fallback.interval,
                rise != null ? rise : fallback.rise,
                fall != null ? fall : fallback.fall,
                tls != null ? tls : fallback.tls);
    }
}
