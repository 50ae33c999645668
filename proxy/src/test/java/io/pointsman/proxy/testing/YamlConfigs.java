package io.pointsman.proxy.testing;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.util.Map;

/** proxy.yaml text to a validated, normalized config, as the agent loads it. */
public final class YamlConfigs {
    private YamlConfigs() {
    }

    public static ProxyConfig load(String proxyYaml) throws ConfigException {
        return ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, proxyYaml)), null,
                SecretSource.of(Map.of())).config();
    }
}
