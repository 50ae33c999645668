package io.pointsman.proxy.rules;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.routing.ConnectionFacts;

import java.util.Map;

/** YAML configs for rule tests, loaded and validated as the proxy loads them. */
final class RuleConfigs {
    static final PasswordVerifier VERIFIER = PasswordVerifier.withOwnThread();
    static final ConnectionFacts CLIENT = ConnectionFacts.of("192.0.2.7", 40001, 8080);

    private RuleConfigs() {}

    /** {@code frontendBody} is the frontend's YAML below its name, mode and bind, indented by 4. */
    static String frontend(String frontendBody) {
        return "version: 1\n"
                + "frontends:\n"
                + "  - name: web\n"
                + "    bind: \"127.0.0.1:8080\"\n"
                + frontendBody
                + "backends:\n"
                + "  - name: app\n"
                + "    servers: [ { name: a1, address: \"127.0.0.1:9001\" } ]\n"
                + "  - name: other\n"
                + "    servers: [ { name: o1, address: \"127.0.0.1:9002\" } ]\n";
    }

    static ProxyConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    static ProxyConfig load(String yaml, Map<String, String> env) {
        try {
            return ConfigLoader.load(new ConfigFiles(Map.of(ConfigFiles.PROXY_YAML, yaml)), null, SecretSource.of(env))
                    .config();
        } catch (ConfigException e) {
            throw new AssertionError("config refused:\n" + e.getMessage());
        }
    }

    static Simulator simulator(String yaml) {
        return new Simulator(load(yaml), VERIFIER);
    }

    static String get(String target, String... headers) {
        return request("GET", target, "a.example", headers);
    }

    static String request(String method, String target, String host, String... headers) {
        StringBuilder sb = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        if (host != null) {
            sb.append("Host: ").append(host).append("\r\n");
        }
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }
}
