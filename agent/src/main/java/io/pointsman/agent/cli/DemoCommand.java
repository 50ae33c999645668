package io.pointsman.agent.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pointsman.agent.demo.DemoBackend;
import io.pointsman.agent.node.PointsmanNode;
import io.pointsman.agent.node.TemplateRepo;
import io.pointsman.proxy.config.Backend;
import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.Server;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman demo}: the embedded default. A local central repo from the config
 * template, the template's backends as small demo servers, and a node syncing it — all
 * on loopback. Prints what to try.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run Pointsman on its embedded default, everything on loopback:",
            "a local config repo created from the config template, the demo",
            "backends it points at, and a node that syncs it every 10s.",
            "Prints the curl and git commands to try. Ctrl-C stops it all."
        })
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".pointsman/demo",
            description = "Where the demo keeps its repo and state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--status-bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9900",
            description = "Status listener (default: ${DEFAULT-VALUE}).")
    String statusBind;

    @Option(names = "--poll", defaultValue = "10s", description = "Poll interval (default: ${DEFAULT-VALUE}).")
    String poll;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path state = stateDir.toAbsolutePath().normalize();
        Files.createDirectories(state);
        Path central = TemplateRepo.ensureBareRepo(state.resolve("central.git"), "main");
        ProxyConfig template = templateConfig();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "pointsman-demo-shutdown"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<DemoBackend> backends = new ArrayList<>();
        try {
            for (Map.Entry<HostPort, String> s : loopbackServers(template).entrySet()) {
                try {
                    backends.add(DemoBackend.start(s.getValue(), new InetSocketAddress(s.getKey().host(), s.getKey().port()), group));
                } catch (Exception e) {
                    if (!(e instanceof BindException)) {
                        throw e;
                    }
                    err.println("demo: " + s.getKey() + " is taken; is another demo running? (" + e.getMessage() + ")");
                    return 1;
                }
            }
            HostPort status = HostPort.parse(statusBind);
            try (PointsmanNode node = PointsmanNode.start(new PointsmanNode.Options(central.toString(), "main", "demo",
                    state.resolve("node"), io.pointsman.proxy.config.Durations.parse(poll),
                    new InetSocketAddress(status.host(), status.port()), null, null, 0, Duration.ofSeconds(10)))) {
                out.print(instructions(template, central, node.status().baseUrl(), backends));
                out.flush();
                stop.await();
            }
        } finally {
            backends.forEach(DemoBackend::close);
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        return 0;
    }

    /** The template as the demo node (no host file) sees it. */
    static ProxyConfig templateConfig() throws Exception {
        Path tmp = Files.createTempDirectory("pointsman-demo-template-");
        try {
            TemplateRepo.copyTemplate(tmp);
            return ConfigLoader.load(ConfigFiles.fromDirectory(tmp), "demo", SecretSource.system()).config();
        } finally {
            try (var s = Files.walk(tmp)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Each loopback server address of the template, with the first server name that uses it. */
    static Map<HostPort, String> loopbackServers(ProxyConfig c) {
        Map<HostPort, String> m = new LinkedHashMap<>();
        for (Backend b : c.allBackends()) {
            for (Server s : b.servers()) {
                if (s.address().host().startsWith("127.")) {
                    m.putIfAbsent(s.address(), s.name());
                }
            }
        }
        return m;
    }

    private static String instructions(ProxyConfig c, Path central, String statusUrl, List<DemoBackend> backends) {
        StringBuilder sb = new StringBuilder("\nPointsman demo is running. Ctrl-C stops it.\n\n");
        sb.append("Demo backends:\n");
        for (DemoBackend b : backends) {
            sb.append("  ").append(b.name()).append(" on ").append(b.address().getHostString()).append(':')
                    .append(b.address().getPort()).append('\n');
        }
        sb.append("\nTry the proxy:\n");
        for (Frontend f : c.allFrontends()) {
            for (HostPort bind : f.addresses()) {
                String base = (f.mode() == io.pointsman.proxy.config.Mode.HTTP ? "curl -s http://" : "nc ") + bind
                        + (f.mode() == io.pointsman.proxy.config.Mode.HTTP ? "/" : "");
                sb.append("  ").append(base).append("          # ").append(f.name()).append(" (").append(f.mode()
                        .name().toLowerCase()).append(")\n");
                if (f.name().equals("public-http")) {
                    sb.append("  curl -s http://").append(bind).append("/api/users   # path_beg /api/ -> backend api\n");
                }
            }
        }
        if (c.stats() != null) {
            sb.append("  open http://").append(c.stats().bind()).append(c.stats().uri())
                    .append("   # stats page (user admin, password $POINTSMAN_STATS_PASSWORD or change-me)\n");
        }
        sb.append("\nWatch the node:\n");
        sb.append("  ./pointsman status --url ").append(statusUrl).append('\n');
        sb.append("  curl -s ").append(statusUrl).append("/status\n");
        sb.append("\nChange the config the GitOps way:\n");
        sb.append("  git clone ").append(central).append(" /tmp/lb-config && cd /tmp/lb-config\n");
        sb.append("  $EDITOR proxy.yaml && pointsman validate .\n");
        sb.append("  git commit -am 'my change' && git push\n");
        sb.append("  curl -s -X POST ").append(statusUrl).append("/sync     # or wait for the next poll\n");
        sb.append("  git revert --no-edit HEAD && git push                # undo it\n\n");
        return sb.toString();
    }
}
