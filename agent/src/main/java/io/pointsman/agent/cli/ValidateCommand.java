package io.pointsman.agent.cli;

import io.pointsman.agent.fleet.FleetFile;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.assertions.RouteAssertions;
import io.pointsman.proxy.config.load.SecretSource;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman validate [DIR] [--node N]}: the {@code haproxy -c} of Pointsman. Loads
 * a config directory exactly as the agent would (merge, secrets, validation) and prints
 * every error as {@code FILE:LINE: PATH: message}.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Check a config directory the way the agent checks a commit: parse",
            "proxy.yaml and hosts/*.yaml, merge each node's overrides, resolve",
            "secrets from this environment, validate, run the route assertions",
            "in tests/*.yaml; checks fleet.yaml when there is one.",
            "",
            "A route case names a frontend and a request (src, dst_port, sni, tls,",
            "method, host, path with its query, headers) and what it must get:",
            "expect_backend or expect: reject, and for what HTTP rules do,",
            "expect_status, expect_location, expect_request_headers (what the server",
            "receives) and expect_response_headers (what the client gets).",
            "",
            "Without --node (or with --all-nodes), checks proxy.yaml alone and merged",
            "with each hosts/*.yaml.",
            "Errors go to stderr, one per line: FILE:LINE: YAML.PATH: message.",
            "For example: proxy.yaml:14: frontends[1].default_backend: no backend named 'api'"
        },
        footer = {
            "",
            "Examples:",
            "  pointsman validate                       # the current directory",
            "  pointsman validate config-repo-template",
            "  pointsman validate ~/lb-config --node lb1",
            "  pointsman validate --all-nodes .         # in CI: every node, exit 1 if any is refused",
            "",
            "Exit status: 0 valid, 1 invalid, 2 usage error or no proxy.yaml in DIR."
        })
public final class ValidateCommand implements Callable<Integer> {
    static final int INVALID = 1;
    static final int USAGE = 2;

    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "The config directory (holds proxy.yaml). Default: the current directory.")
    Path dir;

    @ArgGroup(exclusive = true)
    Nodes nodes = new Nodes();

    static final class Nodes {
        @Option(names = "--node", paramLabel = "NAME",
                description = "Check only this node: proxy.yaml + hosts/NAME.yaml.")
        String node;

        @Option(names = "--all-nodes",
                description = "Check proxy.yaml alone and merged with each hosts/*.yaml (the default; for CI scripts).")
        boolean all;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigFiles files = readDirectory(dir, "validate", err);
        if (files == null) {
            return USAGE;
        }
        String name = displayName(dir);
        SecretSource secrets = SecretSource.system();
        Set<String> errors = new LinkedHashSet<>();
        String summary;
        String node = nodes.node;
        if (node != null) {
            check(files, node, secrets).forEach(e -> errors.add(e.toString()));
            String host = ConfigFiles.hostFile(node);
            summary = files.get(host) != null
                    ? "proxy.yaml + " + host
                    : "proxy.yaml; node " + node + " has no " + host;
        } else {
            List<ConfigError> base = check(files, null, secrets);
            base.forEach(e -> errors.add(e.toString()));
            List<String> names = hostNodes(files);
            for (String n : names) {
                for (ConfigError e : check(files, n, secrets)) {
                    // An error proxy.yaml has on its own is printed once; one that shows only
                    // with a node's overrides but points into proxy.yaml says which node.
                    if (!base.contains(e)) {
                        errors.add(e.file().startsWith("hosts/") ? e.toString() : e + " (node " + n + ")");
                    }
                }
            }
            summary = names.isEmpty() ? "proxy.yaml; no host files" : "proxy.yaml; nodes: " + String.join(", ", names);
        }
        fleetErrors(dir, errors);
        if (!errors.isEmpty()) {
            errors.forEach(err::println);
            err.flush();
            return INVALID;
        }
        out.println(name + ": valid (" + summary + ")");
        out.flush();
        return 0;
    }

    /** {@code fleet.yaml}, when the repo has one, is checked too: a broken one breaks {@code pointsman fleet}. */
    private static void fleetErrors(Path dir, Set<String> errors) {
        Path file = dir.resolve(FleetFile.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            FleetFile.parse(Files.readString(file));
        } catch (ConfigException e) {
            e.errors().forEach(x -> errors.add(x.toString()));
        } catch (java.io.IOException e) {
            errors.add(FleetFile.FILE_NAME + ": cannot read: " + e.getMessage());
        }
    }

    /** The errors of one load; none when it is valid. */
    private static List<ConfigError> check(ConfigFiles files, String node, SecretSource secrets) {
        try {
            RouteAssertions.loadAndCheck(files, node, secrets);
            return List.of();
        } catch (ConfigException e) {
            return e.errors();
        }
    }

    /** Node names of hosts/*.yaml, sorted. */
    static List<String> hostNodes(ConfigFiles files) {
        return files.files().keySet().stream()
                .filter(p -> p.startsWith("hosts/") && p.endsWith(".yaml") && p.indexOf('/', 6) < 0)
                .map(p -> p.substring("hosts/".length(), p.length() - ".yaml".length()))
                .sorted().toList();
    }

    /** Reads DIR, or says why not (no directory, no proxy.yaml) and returns null. */
    static ConfigFiles readDirectory(Path dir, String command, PrintWriter err) {
        if (!Files.isDirectory(dir)) {
            err.println("pointsman " + command + ": " + dir + " is not a directory");
            err.flush();
            return null;
        }
        if (!Files.isRegularFile(dir.resolve(ConfigFiles.PROXY_YAML))) {
            err.println("pointsman " + command + ": no proxy.yaml in " + dir);
            err.flush();
            return null;
        }
        try {
            return ConfigFiles.fromDirectory(dir);
        } catch (UncheckedIOException e) {
            err.println("pointsman " + command + ": " + e.getMessage());
            err.flush();
            return null;
        }
    }

    static String displayName(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
    }
}
