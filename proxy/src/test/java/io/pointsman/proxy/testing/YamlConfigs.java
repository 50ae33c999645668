package io.pointsman.proxy.testing;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.util.Map;

/** proxy.yaml text in a test → loaded, validated, normalized: the path a node's config takes. */
public final class YamlConfigs {
    private YamlConfigs() {
    }

    public static ProxyConfig load(String proxyYaml) {
        try {
            return ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, proxyYaml)), "lb1",
                    SecretSource.of(Map.of())).config();
        } catch (ConfigException e) {
            throw new AssertionError("config refused:\n" + e.getMessage(), e);
        }
    }
}
