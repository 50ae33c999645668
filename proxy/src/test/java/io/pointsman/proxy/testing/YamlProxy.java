package io.pointsman.proxy.testing;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.HealthView;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A running proxy for tests, from a proxy.yaml text loaded and validated as the agent loads
 * it: one event-loop thread, every server taken as up.
 */
public final class YamlProxy implements AutoCloseable {
    private final ProxyRuntime runtime;

    private YamlProxy(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    /** The normalized config of {@code yaml}; fails the test with the validation errors when refused. */
    public static ProxyConfig load(String yaml, Map<String, String> env) {
        try {
            return ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, yaml)), null, SecretSource.of(env))
                    .config();
        } catch (ConfigException e) {
            throw new AssertionError("config refused:\n" + e.getMessage() + "\n" + yaml);
        }
    }

    public static YamlProxy start(String yaml) {
        return start(yaml, Map.of());
    }

    public static YamlProxy start(String yaml, Map<String, String> env) {
        ProxyRuntime runtime = ProxyRuntime.builder().threads(1).health(HealthView.ALWAYS_UP).build().start();
        YamlProxy p = new YamlProxy(runtime);
        try {
            p.apply(yaml, env);
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
        return p;
    }

    /** Applies another config; fails the test unless it is applied. */
    public void apply(String yaml, Map<String, String> env) {
        ApplyResult r = runtime.apply(load(yaml, env), "test");
        if (!(r instanceof ApplyResult.Applied)) {
            throw new AssertionError("not applied: " + r);
        }
    }

    public ProxyRuntime runtime() {
        return runtime;
    }

    /** Where a frontend listens (its first bind). */
    public InetSocketAddress address(String frontend) {
        List<InetSocketAddress> a = runtime.boundAddresses(frontend);
        if (a.isEmpty()) {
            throw new AssertionError("frontend '" + frontend + "' listens nowhere");
        }
        InetSocketAddress first = a.get(0);
        return first.getAddress().isAnyLocalAddress() ? new InetSocketAddress("127.0.0.1", first.getPort()) : first;
    }

    @Override
    public void close() {
        runtime.close();
    }
}
