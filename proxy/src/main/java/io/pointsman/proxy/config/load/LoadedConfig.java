package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.ProxyConfig;

/**
 * A config that passed validation: {@link #config()} merged, secrets resolved, normalized
 * (what the runtime compiles); {@link #rendered()} the merged YAML with every resolved
 * secret shown as {@code <redacted>}; {@link #redactor()} replaces any resolved secret
 * value in a text (for logs and errors).
 *
 * <p>The YAML is rendered on first use ({@code pointsman render}, {@code GET /config}),
 * not on every load: rendering a 10,000-server config cost as much as parsing it, and an
 * agent loads every revision but is rarely asked to show one. Thread-safe.
 */
public final class LoadedConfig {
    private final ProxyConfig config;
    private final Redactor redactor;
    /** The merged tree until it is rendered, then null. */
    private YamlNode.MapNode tree;
    private String rendered;

    LoadedConfig(ProxyConfig config, YamlNode.MapNode tree, Redactor redactor) {
        this.config = config;
        this.tree = tree;
        this.redactor = redactor;
    }

    /** Merged, secrets resolved, normalized: what the runtime compiles. */
    public ProxyConfig config() {
        return config;
    }

    /** The merged YAML with every resolved secret shown as {@code <redacted>}. */
    public synchronized String rendered() {
        if (rendered == null) {
            rendered = YamlWriter.write(tree);
            tree = null;
        }
        return rendered;
    }

    /** Replaces any resolved secret value in a text (for logs and errors). */
    public Redactor redactor() {
        return redactor;
    }

    @Override
    public String toString() {
        return "LoadedConfig[" + config.frontends().size() + " frontends, " + config.backends().size() + " backends, "
                + config.listens().size() + " listens]";
    }
}
