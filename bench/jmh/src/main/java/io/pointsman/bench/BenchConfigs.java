package io.pointsman.bench;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.util.HashMap;
import java.util.Map;

/**
 * Generated proxy.yaml texts of a given size, so every benchmark measures the same shapes
 * and anyone can reproduce them. Addresses are IP literals on loopback (no DNS) and binds
 * are port 0, so a runtime can apply them without taking real ports.
 */
public final class BenchConfigs {
    public static final String NODE = "bench";
    private static final int SERVERS_PER_BACKEND = 10;

    private BenchConfigs() {}

    /**
     * {@code servers} servers in backends of ten, one http frontend on 127.0.0.1:0 routing
     * to every backend by path. {@code variant} changes one server's weight, so applying
     * variant 0 then 1 is a real change that keeps every bind.
     */
    public static String servers(int servers, int variant) {
        return servers(servers, variant, false);
    }

    /**
     * As {@link #servers(int, int)}; with {@code everyWeight}, variant 1 changes every
     * server's weight instead of one, so a swap between the variants touches every server.
     */
    public static String servers(int servers, int variant, boolean everyWeight) {
        int backends = Math.max(1, (servers + SERVERS_PER_BACKEND - 1) / SERVERS_PER_BACKEND);
        StringBuilder y = new StringBuilder(servers * 80 + backends * 200);
        y.append("version: 1\n")
                .append("global: { maxconn: 10000, hard_stop_after: 1m }\n")
                .append("defaults:\n  mode: http\n  timeout: { connect: 5s, client: 20s, server: 20s }\n")
                .append("frontends:\n  - name: www\n    mode: http\n    bind: [\"127.0.0.1:0\"]\n    acl:\n");
        for (int b = 0; b < backends; b++) {
            y.append("      - { name: is-b").append(b).append(", path_beg: [\"/b").append(b).append("/\"] }\n");
        }
        y.append("    use_backend:\n");
        for (int b = 0; b < backends; b++) {
            y.append("      - { backend: b").append(b).append(", if: is-b").append(b).append(" }\n");
        }
        y.append("    default_backend: b0\nbackends:\n");
        int s = 0;
        for (int b = 0; b < backends; b++) {
            y.append("  - name: b").append(b).append("\n    balance: roundrobin\n    servers:\n");
            for (int i = 0; i < SERVERS_PER_BACKEND && s < servers; i++, s++) {
                int weight = ((s == 0 || everyWeight) && variant % 2 == 1) ? 2 : 1;
                y.append("      - { name: s").append(i).append(", address: \"").append(address(s))
                        .append("\", weight: ").append(weight).append(" }\n");
            }
        }
        return y.toString();
    }

    /** A host override for {@link #servers}: changes a weight and adds a backend (exercises the merge). */
    public static String hostOverride() {
        return "backends:\n"
                + "  - name: b0\n    servers:\n      - { name: s0, weight: 3 }\n"
                + "  - name: node-local\n    servers:\n      - { name: n0, address: \"127.0.0.1:9999\" }\n";
    }

    /** 127.0.0.1..127.0.255.255 ports 10000+: distinct server addresses, no DNS. */
    static String address(int s) {
        return "127.0." + (s / 50000 % 256) + "." + (1 + s / 500 % 100) + ":" + (10000 + s % 500);
    }

    /**
     * A frontend with {@code n} values of one matcher ({@code src} CIDRs or {@code path_beg}
     * prefixes), shaped as one acl holding all values ({@code oneAcl}) or as {@code n} acls
     * with a {@code use_backend} rule each (the "port map per customer" shape).
     */
    public static String routing(String matcher, boolean oneAcl, int n) {
        StringBuilder y = new StringBuilder(n * 90 + 400);
        y.append("version: 1\nfrontends:\n  - name: edge\n    mode: http\n    bind: [\"127.0.0.1:0\"]\n    acl:\n");
        if (oneAcl) {
            y.append("      - { name: listed, ").append(matcher).append(": [");
            for (int i = 0; i < n; i++) {
                y.append(i == 0 ? "\"" : ", \"").append(value(matcher, i)).append('"');
            }
            y.append("] }\n    use_backend:\n      - { backend: b1, if: listed }\n");
        } else {
            for (int i = 0; i < n; i++) {
                y.append("      - { name: a").append(i).append(", ").append(matcher).append(": [\"")
                        .append(value(matcher, i)).append("\"] }\n");
            }
            y.append("    use_backend:\n");
            for (int i = 0; i < n; i++) {
                y.append("      - { backend: b").append(1 + i % 3).append(", if: a").append(i).append(" }\n");
            }
        }
        y.append("    default_backend: b0\nbackends:\n");
        for (int b = 0; b < 4; b++) {
            y.append("  - name: b").append(b).append("\n    servers: [ { name: s, address: \"127.0.0.1:")
                    .append(9000 + b).append("\" } ]\n");
        }
        return y.toString();
    }

    /** The i-th CIDR (10.x.y.0/24) or path prefix (/svc{i}/). */
    public static String value(String matcher, int i) {
        return switch (matcher) {
            case "src" -> "10." + (i / 256 % 256) + "." + (i % 256) + ".0/24";
            case "path_beg" -> "/svc" + i + "/";
            default -> throw new IllegalArgumentException("matcher " + matcher);
        };
    }

    public static ConfigFiles files(String proxyYaml, String hostYaml) {
        Map<String, String> f = new HashMap<>();
        f.put(ConfigFiles.PROXY_YAML, proxyYaml);
        if (hostYaml != null) {
            f.put(ConfigFiles.hostFile(NODE), hostYaml);
        }
        return new ConfigFiles(f);
    }

    /** Loads, merges, validates; fails loudly (a benchmark of an invalid config measures nothing). */
    public static ProxyConfig load(ConfigFiles files) {
        try {
            return ConfigLoader.load(files, NODE, SecretSource.of(Map.of())).config();
        } catch (ConfigException e) {
            throw new IllegalStateException("generated config is invalid: " + e.getMessage(), e);
        }
    }
}
