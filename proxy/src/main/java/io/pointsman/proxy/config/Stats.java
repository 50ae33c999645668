package io.pointsman.proxy.config;

import java.time.Duration;

/**
 * The HAProxy-style stats page (SPEC §4).
 *
 * @param bind    listener address of the stats page and {@code /metrics}
 * @param uri     path of the HTML page; {@code uri;csv} and {@code uri;json} give the other forms
 * @param refresh auto-refresh interval of the HTML page
 * @param auth    basic auth; absent = open
 * @param admin   HAProxy's {@code stats admin}: per-server ready/drain/maint actions on the page,
 *                for users who passed {@code auth} (required with it)
 */
public record Stats(HostPort bind, String uri, Duration refresh, StatsAuth auth, Boolean admin) {
    public Stats(HostPort bind, String uri, Duration refresh, StatsAuth auth) {
        this(bind, uri, refresh, auth, null);
    }

    public boolean adminEnabled() {
        return Boolean.TRUE.equals(admin);
    }
}
