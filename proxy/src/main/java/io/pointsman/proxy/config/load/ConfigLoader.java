package io.pointsman.proxy.config.load;

/**
 * Loads a config repo's files for one node: parse proxy.yaml and hosts/NODE.yaml with
 * line numbers, deep-merge, resolve secrets, bind to records, normalize, validate.
 * PLACEHOLDER: the config-loading work implements it.
 */
public final class ConfigLoader {
    private ConfigLoader() {}

    /**
     * @param node the node name; its {@code hosts/<node>.yaml} is merged when present (null = none)
     * @throws ConfigException with every error found, each with file, line and YAML path
     */
    public static LoadedConfig load(ConfigFiles files, String node, SecretSource secrets) throws ConfigException {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
