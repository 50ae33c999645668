package io.pointsman.agent.cli;

import io.pointsman.agent.fleet.FleetFile;
import io.pointsman.agent.fleet.FleetQuery;
import io.pointsman.agent.fleet.FleetView;
import io.pointsman.agent.preview.Checkout;
import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.jgit.lib.ObjectId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pointsman fleet}: every node of {@code fleet.yaml} at a glance (SPEC §11). */
@Command(name = "fleet", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Show every node of the fleet: the revision it serves, ready or why not,",
            "how many commits it is behind the branch head, its apply_delay wave and",
            "its runtime overrides. The nodes are listed in fleet.yaml in the config",
            "repo and asked for GET /status in parallel; a node that does not answer",
            "within --timeout is shown as unreachable. Commits behind are counted in",
            "the git checkout DIR is in (against origin/BRANCH, else BRANCH): fetch first."
        },
        footer = {
            "",
            "fleet.yaml:",
            "  branch: main",
            "  nodes:",
            "    - { name: lb1, status_url: \"http://10.0.0.11:9900\", token_env: LB_STATUS_TOKEN }",
            "    - { name: lb2, status_url: \"http://10.0.0.12:9900\" }",
            "",
            "Examples:",
            "  git fetch && pointsman fleet",
            "  pointsman fleet ~/lb-config --json",
            "  pointsman fleet --max-lag 15m          # in monitoring: exit 1 when a node lags",
            "  pointsman fleet --node demo=http://127.0.0.1:9900   # without fleet.yaml",
            "",
            "Exit status: 0 every node is ready (and within --max-lag), 1 a node is not ready,",
            "unreachable or lags, 2 usage error (no or an invalid fleet.yaml)."
        })
public final class FleetCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "The config repo checkout holding fleet.yaml (default: the current directory).")
    Path dir;

    @Option(names = "--node", paramLabel = "NAME=URL",
            description = "Ask this node (repeatable) instead of those in fleet.yaml.")
    List<String> adHoc;

    @Option(names = "--branch", paramLabel = "BRANCH", description = "The branch the nodes follow (default: fleet.yaml's, else main).")
    String branch;

    @Option(names = "--max-lag", paramLabel = "N|DURATION",
            description = "Exit 1 when a node is more than N commits behind, or lacks a commit older than DURATION.")
    String maxLag;

    @Option(names = "--timeout", defaultValue = "3s", description = "How long to wait for the nodes (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetFile fleet;
        Duration wait;
        FleetView.MaxLag lag;
        try {
            wait = Durations.parse(timeout);
            lag = maxLag == null ? null : FleetView.MaxLag.parse(maxLag);
            fleet = adHoc != null && !adHoc.isEmpty() ? adHocFleet() : readFleetFile();
        } catch (IllegalArgumentException e) {
            err.println("pointsman fleet: " + e.getMessage());
            err.flush();
            return ValidateCommand.USAGE;
        } catch (ConfigException e) {
            e.errors().forEach(err::println);
            err.flush();
            return ValidateCommand.USAGE;
        }
        String branchName = branch != null ? branch : fleet.branchOrDefault();
        List<FleetQuery.Answer> answers = FleetQuery.ask(fleet.nodes(), wait, System.getenv());
        FleetView view;
        try (Checkout checkout = Files.isDirectory(dir) ? Checkout.find(dir) : null) {
            ObjectId head = null;
            String headName = null;
            ConfigFiles headFiles = null;
            if (checkout != null) {
                for (String candidate : new String[] {"origin/" + branchName, branchName}) {
                    head = checkout.resolve(candidate);
                    if (head != null) {
                        headName = candidate;
                        break;
                    }
                }
                if (head != null) {
                    headFiles = checkout.read(head);
                }
            }
            if (headFiles == null && Files.isRegularFile(dir.resolve(ConfigFiles.PROXY_YAML))) {
                headFiles = ConfigFiles.fromDirectory(dir);
            }
            view = FleetView.of(branchName, headName, head, answers, checkout, headFiles, lag, Instant.now());
        }
        out.print(json ? view.json() : view.text());
        out.flush();
        return view.ok() ? 0 : 1;
    }

    private FleetFile readFleetFile() throws IOException, ConfigException {
        Path file = dir.resolve(FleetFile.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + FleetFile.FILE_NAME + " in " + dir.toAbsolutePath().normalize()
                    + " (list the nodes there, or give --node NAME=URL)");
        }
        return FleetFile.parse(Files.readString(file));
    }

    private FleetFile adHocFleet() {
        List<FleetFile.Node> nodes = new ArrayList<>();
        for (String spec : adHoc) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--node wants NAME=URL, e.g. lb1=http://10.0.0.11:9900, not '" + spec + "'");
            }
            String url = spec.substring(eq + 1);
            String problem = FleetFile.urlProblem(url);
            if (problem != null) {
                throw new IllegalArgumentException("--node " + spec + ": " + problem);
            }
            nodes.add(new FleetFile.Node(spec.substring(0, eq), url, null));
        }
        return new FleetFile(null, nodes);
    }
}
