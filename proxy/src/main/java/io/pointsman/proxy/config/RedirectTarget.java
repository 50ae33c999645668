package io.pointsman.proxy.config;

/** Where a {@link HttpActions.Redirect} sends the client: the key chosen in its map. */
public sealed interface RedirectTarget permits RedirectTarget.Scheme, RedirectTarget.Prefix, RedirectTarget.Location {

    /** {@code scheme: https}: {@code scheme://host/path?query} (HAProxy {@code redirect scheme}). */
    record Scheme(@YamlValue Template value) implements RedirectTarget {
    }

    /** {@code prefix: https://example.com}: the prefix, then {@code /path?query}; {@code /} alone adds nothing. */
    record Prefix(@YamlValue Template value) implements RedirectTarget {
    }

    /** {@code location: https://status.example.com/}: exactly this. */
    record Location(@YamlValue Template value) implements RedirectTarget {
    }
}
