package io.pointsman.agent.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** PLACEHOLDER: not implemented yet. */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Not implemented yet.")
public final class RenderCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("pointsman render: not implemented yet");
        return 1;
    }
}
