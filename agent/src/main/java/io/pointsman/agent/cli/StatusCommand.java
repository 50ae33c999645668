package io.pointsman.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: not implemented yet. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("pointsman status: not implemented yet");
        return 1;
    }
}
