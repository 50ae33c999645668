package io.pointsman.proxy.config;

import java.time.Duration;
import java.util.List;

/**
 * One entry of {@code sync.notify} (SPEC §11): where the node POSTs a message when something
 * happens to its config. The URL is treated as a secret (a Slack webhook URL is one): it is
 * shown redacted everywhere but in the request itself.
 *
 * @param name              names the target in logs and status
 * @param url               http(s) URL that receives a POST per event
 * @param format            the body, {@code json} (default) or {@code slack}
 * @param on                the events it wants; empty = all of them
 * @param fetchFailingAfter how long fetches must fail before {@code fetch_failing} is sent (default 10m)
 * @param timeout           bound of one delivery attempt (default 10s)
 */
public record NotifyTarget(String name, String url, NotifyFormat format, List<NotifyEvent> on,
        Duration fetchFailingAfter, Duration timeout) {
    public static final Duration DEFAULT_FETCH_FAILING_AFTER = Duration.ofMinutes(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public NotifyTarget {
        on = Lists.of(on);
    }

    public NotifyFormat formatOrDefault() {
        return format != null ? format : NotifyFormat.JSON;
    }

    public boolean wants(NotifyEvent event) {
        return on.isEmpty() || on.contains(event);
    }

    public Duration fetchFailingAfterOrDefault() {
        return fetchFailingAfter != null ? fetchFailingAfter : DEFAULT_FETCH_FAILING_AFTER;
    }

    public Duration timeoutOrDefault() {
        return timeout != null ? timeout : DEFAULT_TIMEOUT;
    }

    /** The URL as it may be shown: scheme, host and port; user info, path and query hidden. */
    public String displayUrl() {
        return displayUrl(url);
    }

    /** {@code https://hooks.slack.com/services/T0/B0/x} → {@code https://hooks.slack.com/<redacted>}. */
    public static String displayUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getScheme() == null || u.getHost() == null) {
                return "<redacted>";
            }
            boolean more = (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
                    || u.getRawQuery() != null || u.getRawUserInfo() != null || u.getRawFragment() != null;
            return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "")
                    + (more ? "/<redacted>" : "");
        } catch (java.net.URISyntaxException e) {
            return "<redacted>";
        }
    }
}
