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
            HostPort status = HostPort.parseWithPort(statusBind);
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

    /**
     * What to try, as lines that work when pasted into a shell as printed: every indented
     * line is a command (a trailing {@code # …} is a shell comment), every other line is
     * prose. {@code DemoIT} runs them.
     */
    static String instructions(ProxyConfig c, Path central, String statusUrl, List<DemoBackend> backends) {
        String pm = launcher();
        StringBuilder sb = new StringBuilder("\nPointsman demo is running. Ctrl-C stops it.\n\n");
        List<String> names = new ArrayList<>();
        for (DemoBackend b : backends) {
            names.add(b.name() + " on " + b.address().getHostString() + ":" + b.address().getPort());
        }
        sb.append("Demo backends: ").append(String.join(", ", names)).append(".\n");
        if (c.stats() != null) {
            sb.append("Stats page in a browser: http://").append(c.stats().bind()).append(c.stats().uri())
                    .append(" (user admin, password $POINTSMAN_STATS_PASSWORD, else change-me).\n");
        }
        sb.append("\nTry the proxy:\n");
        for (Frontend f : c.allFrontends()) {
            for (HostPort bind : f.addresses()) {
                // A tcp frontend of the template relays to an HTTP demo backend: curl speaks to it as well.
                String hint = f.mode() == io.pointsman.proxy.config.Mode.HTTP ? f.name() + " (http)"
                        : f.name() + " (tcp: the bytes are relayed to the server as they are)";
                command(sb, "curl -s http://" + bind + "/", hint);
                if (f.name().equals("public-http")) {
                    command(sb, "curl -s http://" + bind + "/api/users", "path_beg /api/ -> backend api");
                }
            }
        }
        if (c.stats() != null) {
            command(sb, "curl -s -u admin:${POINTSMAN_STATS_PASSWORD:-change-me} 'http://" + c.stats().bind()
                    + c.stats().uri() + ";csv' | cut -d, -f1,2,18 | head -8", "the stats page as CSV: proxy, server, status");
        }
        sb.append("\nWatch the node:\n");
        command(sb, pm + " status --url " + statusUrl, "what it applied, and why not");
        command(sb, "curl -s " + statusUrl + "/status", "the same as JSON");
        HostPort web = firstHttpBind(c);
        if (web != null && c.backend("web").isPresent() && c.backend("web").get().servers().size() > 1) {
            String first = c.backend("web").get().servers().get(0).name();
            sb.append("\nDrain a server without a commit (kept across restarts, shown in status and on the stats page):\n");
            command(sb, pm + " server drain web/" + first + " --reason 'trying drain' --url " + statusUrl,
                    first + " takes no new requests; what it serves finishes");
            command(sb, "curl -s http://" + web + "/", "answered by the other server");
            command(sb, pm + " server list --url " + statusUrl, null);
            command(sb, pm + " server ready web/" + first + " --url " + statusUrl, "back to normal");
        }
        sb.append("\nChange the config the GitOps way:\n");
        command(sb, "git clone -q " + shellWord(central.toString()) + " lb-config && cd lb-config", null);
        command(sb, "${EDITOR:-vi} proxy.yaml && " + pm + " validate .", "change something, check it like haproxy -c");
        command(sb, pm + " diff", "what the change does on each node, as a pull request would show it");
        command(sb, "git commit -qam 'my change' && git push -q", null);
        command(sb, "curl -s -X POST " + statusUrl + "/sync", "apply now instead of at the next poll");
        command(sb, pm + " fleet --node demo=" + statusUrl, "the fleet view: applied commit, ready, commits behind");
        command(sb, "git revert --no-edit HEAD && git push -q", "undo it: a revert is a commit like any other");
        sb.append('\n');
        return sb.toString();
    }

    /** The first bind of the first http frontend, or null. */
    private static HostPort firstHttpBind(ProxyConfig c) {
        for (Frontend f : c.allFrontends()) {
            if (f.mode() == io.pointsman.proxy.config.Mode.HTTP && !f.bind().isEmpty()) {
                return f.bind().get(0).address();
            }
        }
        return null;
    }

    private static void command(StringBuilder sb, String command, String comment) {
        sb.append("  ").append(command);
        if (comment != null) {
            sb.append("   # ").append(comment);
        }
        sb.append('\n');
    }

    /**
     * How this user runs Pointsman: the launcher that started it ({@code ./pointsman} of a
     * checkout, {@code pointsman} of the Debian package; both say so in
     * {@code POINTSMAN_LAUNCHER}), else {@code java -jar} with this jar's absolute path.
     */
    static String launcher() {
        String l = System.getenv("POINTSMAN_LAUNCHER");
        if (l != null && !l.isBlank()) {
            return shellWord(l);
        }
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                return "java -jar " + shellWord(jar.toAbsolutePath().toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        return "pointsman";
    }

    /** A word the shell takes as it is: quoted when it holds anything but safe characters. */
    static String shellWord(String s) {
        return s.matches("[A-Za-z0-9_./:@%+=,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
