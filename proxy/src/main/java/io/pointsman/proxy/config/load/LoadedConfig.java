package io.pointsman.proxy.config.load;

import io.pointsman.proxy.config.ProxyConfig;

/**
 * A config that passed validation.
 *
 * @param config     merged, secrets resolved, normalized: what the runtime compiles
 * @param rendered   the merged YAML with every resolved secret shown as {@code <redacted>}
 * @param redactor   replaces any resolved secret value in a text (for logs and errors)
 */
public record LoadedConfig(ProxyConfig config, String rendered, Redactor redactor) {
}
