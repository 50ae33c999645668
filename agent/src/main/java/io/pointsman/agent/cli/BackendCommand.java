package io.pointsman.agent.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pointsman.agent.demo.DemoBackend;
import io.pointsman.proxy.config.HostPort;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pointsman backend}: the demo HTTP backend on its own, for test rigs and
 * benchmarks (e.g. inside a network namespace). Hidden from the main help.
 */
@Command(name = "backend", hidden = true, mixinStandardHelpOptions = true,
        description = "Serve the demo HTTP backend (answers with its name; /health = 200) until killed.")
public final class BackendCommand implements Callable<Integer> {
    @Option(names = "--name", required = true,
            description = "Name it answers with; repeated, the n-th name is the n-th --bind's.")
    List<String> names;

    @Option(names = "--bind", required = true, description = "host:port to listen on (repeatable).")
    List<String> binds;

    @Override
    public Integer call() throws Exception {
        if (names.size() != 1 && names.size() != binds.size()) {
            System.err.println("pointsman backend: give one --name, or one per --bind (" + binds.size() + ")");
            return 2;
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<DemoBackend> backends = new ArrayList<>();
        try {
            for (int i = 0; i < binds.size(); i++) {
                HostPort hp = HostPort.parseWithPort(binds.get(i));
                String name = names.get(names.size() == 1 ? 0 : i);
                backends.add(DemoBackend.start(name, new InetSocketAddress(hp.isWildcard() ? "0.0.0.0" : hp.host(), hp.port()), group));
                System.out.println("backend " + name + " listening on " + hp);
            }
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
            return 0;
        } finally {
            backends.forEach(DemoBackend::close);
            group.shutdownGracefully();
        }
    }
}
