package io.pointsman.agent.fleet;

import io.pointsman.proxy.config.load.BoundFile;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigLoader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code fleet.yaml} at the top of the config repo: the nodes {@code pointsman fleet} asks.
 *
 * <pre>
 * branch: main                    # the branch the nodes follow (default main)
 * nodes:
 *   - name: lb1                   # the node's --node name (its hosts/lb1.yaml)
 *     status_url: http://10.0.0.11:9900
 *     token_env: LB_STATUS_TOKEN  # optional: the environment variable holding its bearer token
 * </pre>
 *
 * A token is never written in the file (it is in git): only the name of the variable.
 */
public record FleetFile(String branch, List<Node> nodes) {
    public static final String FILE_NAME = "fleet.yaml";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public FleetFile {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** One node: its name, where its status listener answers, and where its token is. */
    public record Node(String name, String statusUrl, String tokenEnv) {
    }

    public String branchOrDefault() {
        return branch != null ? branch : "main";
    }

    /**
     * Parses and checks a {@code fleet.yaml}.
     *
     * @throws ConfigException with every error, as {@code fleet.yaml:LINE: PATH: message}
     */
    public static FleetFile parse(String text) throws ConfigException {
        BoundFile<FleetFile> bound = ConfigLoader.bindFile(FILE_NAME, text, FleetFile.class);
        FleetFile f = bound.value();
        List<ConfigError> errors = new ArrayList<>(bound.errors());
        if (f.nodes().isEmpty() && bound.errors().isEmpty()) {
            errors.add(bound.error("nodes", "list at least one node: { name: lb1, status_url: http://lb1:9900 }"));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < f.nodes().size(); i++) {
            Node n = f.nodes().get(i);
            String p = "nodes[" + i + "]";
            if (n.name() == null || n.name().isBlank()) {
                errors.add(bound.error(p + ".name", "required: the node's name (its --node, its hosts/<name>.yaml)"));
            } else if (seen.putIfAbsent(n.name(), i) != null) {
                errors.add(bound.error(p + ".name", "duplicate node name '" + n.name() + "' (first at nodes["
                        + seen.get(n.name()) + "])"));
            }
            if (n.statusUrl() == null || n.statusUrl().isBlank()) {
                errors.add(bound.error(p + ".status_url", "required: the node's status listener, e.g. http://lb1:9900"));
            } else {
                String problem = urlProblem(n.statusUrl());
                if (problem != null) {
                    errors.add(bound.error(p + ".status_url", problem));
                }
            }
            if (n.tokenEnv() != null && !ENV_NAME.matcher(n.tokenEnv()).matches()) {
                errors.add(bound.error(p + ".token_env", "not an environment variable name: '" + n.tokenEnv()
                        + "' (the token itself never goes in git)"));
            }
        }
        if (f.branch() != null && f.branch().isBlank()) {
            errors.add(bound.error("branch", "must not be empty"));
        }
        if (!errors.isEmpty()) {
            java.util.Collections.sort(errors);
            throw new ConfigException(errors);
        }
        return f;
    }

    /** Why {@code url} cannot be a node's status URL, or null. */
    public static String urlProblem(String url) {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "'" + url + "' is not an http:// or https:// URL";
            }
            if (u.getHost() == null) {
                return "'" + url + "' has no host";
            }
            if (u.getRawUserInfo() != null) {
                return "no credentials in the URL (it is in git): use token_env";
            }
            return null;
        } catch (URISyntaxException e) {
            return "not a valid URL: " + e.getReason();
        }
    }
}
