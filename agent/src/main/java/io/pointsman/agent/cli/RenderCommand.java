package io.pointsman.agent.cli;

import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman render [DIR] [--node N]}: the config one node would run, i.e.
 * proxy.yaml with hosts/N.yaml merged in, secrets resolved and shown as
 * {@code <redacted>}.
 */
@Command(name = "render", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Print the merged config one node would run: proxy.yaml with",
            "hosts/NODE.yaml merged in (maps key by key, named lists by name,",
            "null deletes a key, {name: X, delete: true} removes X).",
            "Secrets are resolved from this environment and printed as <redacted>."
        },
        footer = {
            "",
            "Examples:",
            "  pointsman render --node lb1         # ./proxy.yaml + ./hosts/lb1.yaml",
            "  pointsman render config-repo-template --node lb2 > /tmp/lb2.yaml",
            "",
            "Exit status: 0 printed, 1 the merged config is invalid (errors on stderr),",
            "2 usage error or no proxy.yaml in DIR."
        })
public final class RenderCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = ".", paramLabel = "DIR",
            description = "The config directory (holds proxy.yaml). Default: the current directory.")
    Path dir;

    @Option(names = "--node", paramLabel = "NAME",
            description = "Whose hosts/NAME.yaml to merge. Default: this machine's host name.")
    String node;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigFiles files = ValidateCommand.readDirectory(dir, "render", err);
        if (files == null) {
            return ValidateCommand.USAGE;
        }
        String name = node != null ? node : localHostName();
        String host = ConfigFiles.hostFile(name);
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.load(files, name, SecretSource.system());
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            err.flush();
            return ValidateCommand.INVALID;
        }
        out.println("# node " + name + ": proxy.yaml" + (files.get(host) != null ? " + " + host : " (no " + host + ")")
                + "; secrets redacted");
        out.print(loaded.rendered());
        out.flush();
        return 0;
    }

    /** The machine's host name, as the agent uses it for the node name when --node is absent. */
    static String localHostName() {
        try {
            String n = InetAddress.getLocalHost().getHostName();
            if (n != null && !n.isBlank()) {
                return n;
            }
        } catch (UnknownHostException e) {
            // fall through to the environment
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env : "localhost";
    }
}
