package io.pointsman.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pointsman} — the command line (SPEC §6). One class per subcommand. */
@Command(name = "pointsman",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "A git-driven load balancer: an embedded proxy kept in step with a config repository.",
        subcommands = {
            RunCommand.class,
            DemoCommand.class,
            ValidateCommand.class,
            RenderCommand.class,
            DiffCommand.class,
            FleetCommand.class,
            ServerCommand.class,
            StatusCommand.class,
            BackendCommand.class,
            ImportCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (0 ok, 1 failure, 2 usage). */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
