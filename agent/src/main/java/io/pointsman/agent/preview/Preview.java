package io.pointsman.agent.preview;

import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.assertions.RouteCase;
import io.pointsman.proxy.config.ConfigDiff;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What a change does on one node: both sides loaded exactly as the agent loads a commit
 * (merge, secrets, validation), the differences by name ({@link ConfigDiff}: values are never
 * printed, so a resolved secret cannot leak), and the route tests run on the new side.
 *
 * @param node        the node, or null for proxy.yaml alone (a repo without host files)
 * @param valid       the new side would be applied: it validates and every route test passes
 * @param errors      why it would be refused ({@code FILE:LINE: PATH: message}); empty when valid
 * @param changes     one line per change ({@code + backend api2}, {@code ~ frontend web: bind + …})
 * @param tests       route test cases run on the new side (0 when it did not validate)
 * @param failedTests the failing cases, as errors
 * @param fromProblem why the old side could not be loaded (its changes are then shown against
 *                    nothing), or null
 */
public record Preview(String node, boolean valid, List<String> errors, List<String> changes, int tests,
        List<String> failedTests, String fromProblem) {

    public Preview {
        errors = List.copyOf(errors);
        changes = List.copyOf(changes);
        failedTests = List.copyOf(failedTests);
    }

    public static Preview of(ConfigSource from, ConfigSource to, String node, SecretSource secrets) {
        ProxyConfig before = null;
        String fromProblem = null;
        try {
            before = ConfigLoader.load(from.files(), node, secrets).config();
        } catch (ConfigException e) {
            fromProblem = from.describe() + " does not load (" + e.errors().size() + " error"
                    + (e.errors().size() == 1 ? "" : "s") + ": " + e.errors().get(0) + ")";
        }
        LoadedConfig after;
        try {
            after = ConfigLoader.load(to.files(), node, secrets);
        } catch (ConfigException e) {
            return new Preview(node, false, strings(e.errors()), List.of(), 0, List.of(), fromProblem);
        }
        List<ConfigError> parseErrors = new ArrayList<>();
        List<RouteCase> cases = RouteAssertions.parse(to.files(), parseErrors);
        List<String> changes = ConfigDiff.between(before, after.config()).lines();
        if (!parseErrors.isEmpty()) {
            return new Preview(node, false, redacted(parseErrors, after), changes, 0, List.of(), fromProblem);
        }
        List<String> failed = redacted(RouteAssertions.run(cases, after.config()), after);
        return new Preview(node, failed.isEmpty(), failed, changes, cases.size(), failed, fromProblem);
    }

    /**
     * The nodes to preview: the one asked for, else every node with a host file on either side
     * (a host file added or removed is a change too), else proxy.yaml alone (null).
     */
    public static List<String> nodes(ConfigSource from, ConfigSource to, String only) {
        if (only != null) {
            return java.util.Collections.singletonList(only);
        }
        TreeSet<String> names = new TreeSet<>();
        names.addAll(hostNodes(from.files()));
        names.addAll(hostNodes(to.files()));
        return names.isEmpty() ? java.util.Collections.singletonList(null) : List.copyOf(names);
    }

    /** Node names of hosts/*.yaml, sorted. */
    public static List<String> hostNodes(ConfigFiles files) {
        return files.files().keySet().stream()
                .filter(p -> p.startsWith("hosts/") && p.endsWith(".yaml") && p.indexOf('/', 6) < 0)
                .map(p -> p.substring("hosts/".length(), p.length() - ".yaml".length()))
                .sorted().toList();
    }

    /** {@code lb1}, or {@code (proxy.yaml alone)}. */
    public String nodeName() {
        return node == null ? "(proxy.yaml alone)" : node;
    }

    private static List<String> strings(List<ConfigError> errors) {
        return errors.stream().map(ConfigError::toString).toList();
    }

    private static List<String> redacted(List<ConfigError> errors, LoadedConfig loaded) {
        return errors.stream().map(e -> loaded.redactor().redact(e.toString())).toList();
    }
}
