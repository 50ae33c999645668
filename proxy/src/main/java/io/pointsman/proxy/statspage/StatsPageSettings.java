package io.pointsman.proxy.statspage;

import io.pointsman.proxy.config.Stats;

import java.time.Duration;

/**
 * What the stats listener serves, taken from the {@code stats:} section: the page's path,
 * its refresh interval and its credentials. Swapped as a whole when a new config applies.
 *
 * @param uri            path of the HTML page; {@code uri;csv} and {@code uri;json} are the other forms
 * @param refreshSeconds HTML auto-refresh; 0 = none
 * @param auth           null = open
 * @param admin          {@code stats.admin}: POSTed ready/drain/maint actions are taken (auth is then set)
 */
public record StatsPageSettings(String uri, long refreshSeconds, BasicAuth auth, boolean admin) {
    public StatsPageSettings(String uri, long refreshSeconds, BasicAuth auth) {
        this(uri, refreshSeconds, auth, false);
    }

    public static final String DEFAULT_URI = "/stats";
    public static final String METRICS_PATH = "/metrics";

    public StatsPageSettings {
        if (uri == null || uri.isEmpty()) {
            uri = DEFAULT_URI;
        }
        if (!uri.startsWith("/")) {
            throw new IllegalArgumentException("stats uri must start with '/': '" + uri + "'");
        }
    }

    public static StatsPageSettings of(Stats stats) {
        Duration refresh = stats.refresh();
        return new StatsPageSettings(stats.uri(), refresh == null ? 0 : Math.max(0, refresh.toSeconds()),
                BasicAuth.of(stats.auth()), stats.adminEnabled() && stats.auth() != null);
    }
}
