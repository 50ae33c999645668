package io.pointsman.agent.cli;

import io.pointsman.agent.preview.Checkout;
import io.pointsman.agent.preview.ConfigSource;
import io.pointsman.agent.preview.Preview;
import io.pointsman.agent.preview.PreviewReport;
import io.pointsman.proxy.config.load.SecretSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman diff}: a preview of a change to the config repo (SPEC §11), per node, with
 * the route tests' results; what a pull request's CI posts as a comment.
 */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Preview what a change to the config repo does on each node: frontends,",
            "backends, servers, binds, rules and keepalived added (+), removed (-) or",
            "changed (~), whether each node would apply it, and the route tests' results.",
            "Both sides are loaded as the agent loads a commit (host files merged,",
            "secrets from this environment, never printed).",
            "",
            "A side is a directory or a revision of the git repository DIR is in",
            "(HEAD, origin/main, HEAD~1, a commit id). Default: HEAD against the",
            "working tree, i.e. what you are about to commit."
        },
        footer = {
            "",
            "Examples:",
            "  pointsman diff                                   # uncommitted changes, every node",
            "  pointsman diff --from origin/main --to HEAD --node lb1",
            "  pointsman diff --from origin/main --to HEAD --all-nodes --format markdown > preview.md",
            "  pointsman diff --from /srv/lb-config-old --to ./lb-config",
            "",
            "Exit status: 0 every node would apply the new side, 1 at least one would refuse it,",
            "2 usage error (a side that is neither a directory nor a revision)."
        })
public final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "The config directory (holds proxy.yaml); its git repository resolves revisions. Default: .")
    Path dir;

    @Option(names = "--from", paramLabel = "REV|DIR", description = "The old side (default: HEAD).")
    String from;

    @Option(names = "--to", paramLabel = "REV|DIR", description = "The new side (default: DIR as it is on disk).")
    String to;

    @ArgGroup(exclusive = true)
    Nodes nodes = new Nodes();

    static final class Nodes {
        @Option(names = "--node", paramLabel = "NAME", description = "Only this node (proxy.yaml + hosts/NAME.yaml).")
        String node;

        @Option(names = "--all-nodes",
                description = "Every node with a hosts/*.yaml on either side (the default), else proxy.yaml alone.")
        boolean all;
    }

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text, markdown (a pull-request comment) or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PreviewReport.Format fmt;
        try {
            fmt = PreviewReport.Format.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("pointsman diff: --format must be text, markdown or json, not '" + format + "'");
            err.flush();
            return ValidateCommand.USAGE;
        }
        if (!Files.isDirectory(dir)) {
            err.println("pointsman diff: " + dir + " is not a directory");
            err.flush();
            return ValidateCommand.USAGE;
        }
        PreviewReport report;
        try (Checkout checkout = Checkout.find(dir)) {
            ConfigSource old = from != null ? ConfigSource.of(from, checkout) : head(checkout);
            ConfigSource now = to != null ? ConfigSource.of(to, checkout) : ConfigSource.directory(dir, "working tree");
            SecretSource secrets = SecretSource.system();
            List<Preview> previews = new ArrayList<>();
            for (String n : Preview.nodes(old, now, nodes.node)) {
                previews.add(Preview.of(old, now, n, secrets));
            }
            report = new PreviewReport(old, now, previews);
        } catch (IllegalArgumentException | IOException e) {
            err.println("pointsman diff: " + e.getMessage());
            err.flush();
            return ValidateCommand.USAGE;
        }
        out.print(report.render(fmt));
        out.flush();
        return report.valid() ? 0 : ValidateCommand.INVALID;
    }

    private ConfigSource head(Checkout checkout) throws IOException {
        if (checkout == null) {
            throw new IllegalArgumentException(dir + " is not in a git repository: give --from REV|DIR");
        }
        return ConfigSource.of("HEAD", checkout);
    }
}
