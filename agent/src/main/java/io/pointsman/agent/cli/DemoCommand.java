package io.pointsman.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: not implemented yet. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("pointsman demo: not implemented yet");
        return 1;
    }
}
