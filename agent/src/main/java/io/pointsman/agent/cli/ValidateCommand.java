package io.pointsman.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: not implemented yet. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class ValidateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("pointsman validate: not implemented yet");
        return 1;
    }
}
