package io.pointsman.agent.cli;

import io.pointsman.agent.keepalived.KeepalivedManager;
import io.pointsman.agent.node.LocalDirectorySync;
import io.pointsman.agent.node.NodeApplier;
import io.pointsman.agent.node.PointsmanNode;
import io.pointsman.agent.notify.Notifier;
import io.pointsman.agent.servers.ServerStateService;
import io.pointsman.proxy.admin.ServerOverrides;
import io.pointsman.agent.node.TemplateRepo;
import io.pointsman.agent.status.StatusServer;
import io.pointsman.agent.status.StatusServerOptions;
import io.pointsman.proxy.config.Durations;
import io.pointsman.proxy.config.HostPort;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code pointsman run}: one node, synced from git (or from a local directory with --config). */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run a Pointsman node: the proxy, kept in step with the config repo.",
            "",
            "Every --poll (±10%) the agent asks the remote for the branch head, fetches",
            "when it moved, merges hosts/NODE.yaml, validates, runs tests/*.yaml and",
            "swaps the proxy's tables without touching connections in flight. A bad",
            "commit is refused and the last good one keeps serving; see `pointsman",
            "status`. On start the last good commit is served from the local clone",
            "before the remote is asked, so a node comes up even when git is down.",
            "",
            "Without --repo, a local bare repo under the state dir is created from",
            "the config template; its path is printed: clone it, change, push.",
            "",
            "On SIGTERM the node leaves traffic first (Keepalived's track file, the",
            "bgp routes withdrawn), serves what is in flight for bgp.drain, then",
            "stops. If the process dies instead, a child process (the crash guard)",
            "does the leaving: sets the track file, withdraws, reconfigures BIRD."
        },
        footer = {
            "",
            "Examples:",
            "  pointsman run --repo https://git.example.com/ops/lb-config.git --node lb1",
            "  pointsman run --repo git@git.example.com:ops/lb-config.git --poll 30s",
            "  pointsman run --config ./lb-config        # no git: re-read on SIGHUP",
            "",
            "Credentials come from the environment, never the URL in status or logs:",
            "POINTSMAN_GIT_TOKEN(_FILE), POINTSMAN_GIT_USER + POINTSMAN_GIT_PASSWORD(_FILE),",
            "POINTSMAN_GIT_SSH_KEY, POINTSMAN_GIT_KNOWN_HOSTS."
        })
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--repo", paramLabel = "URL", description = "Central config repo: path, file://, git://, http(s)://, ssh.")
    String repo;

    @Option(names = "--branch", defaultValue = "main", description = "Branch to follow (default: ${DEFAULT-VALUE}).")
    String branch;

    @Option(names = "--node", paramLabel = "NAME", description = "This node's name: picks hosts/NAME.yaml (default: host name).")
    String node;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/pointsman",
            description = "Local clone, state.json (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--poll", defaultValue = "60s", description = "Time between polls, ±10% jitter (default: ${DEFAULT-VALUE}).")
    String poll;

    @Option(names = "--status-bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9900",
            description = "Status listener: /status /healthz /metrics /sync … (default: ${DEFAULT-VALUE}).")
    String statusBind;

    @Option(names = "--status-token-file", paramLabel = "FILE",
            description = "Bearer token required for POSTs, /config and /diff (needed for a non-loopback --status-bind).")
    Path statusTokenFile;

    @Option(names = "--webhook-secret-file", paramLabel = "FILE",
            description = "Secret of POST /hooks/git (GitHub HMAC or GitLab token); without it the hook is off.")
    Path webhookSecretFile;

    @Option(names = "--config", paramLabel = "DIR",
            description = "Serve a local config directory instead of git; re-read on SIGHUP and POST /sync.")
    Path configDir;

    @Option(names = "--trusted-keys", paramLabel = "DIR",
            description = "Apply only commits SSH-signed by a key in DIR (*.pub, or an allowed_signers file), "
                    + "every commit since the last applied one; others are refused as SignatureRejected.")
    Path trustedKeys;

    @Option(names = "--threads", defaultValue = "0",
            description = "Proxy event-loop threads; default 0: global.threads of the config (0 there = one per core).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String nodeName = node != null ? node : hostName();
        Duration pollEvery;
        InetSocketAddress status;
        try {
            pollEvery = Durations.parse(poll);
            HostPort hp = HostPort.parseWithPort(statusBind);
            status = new InetSocketAddress(hp.isWildcard() ? "0.0.0.0" : hp.host(), hp.port());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("pointsman run: " + e.getMessage());
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        if (configDir != null && trustedKeys != null) {
            spec.commandLine().getErr().println("pointsman run: --trusted-keys checks git commits; it does not apply to --config");
            return 2;
        }
        io.pointsman.agent.git.TrustedKeys keys = null;
        if (trustedKeys != null) {
            try {
                keys = io.pointsman.agent.git.TrustedKeys.load(trustedKeys, stateDir); // before anything starts
            } catch (java.io.IOException e) {
                spec.commandLine().getErr().println("pointsman run: " + e.getMessage());
                return 2;
            }
        }
        if (configDir != null) {
            if (!java.nio.file.Files.isRegularFile(configDir.resolve(io.pointsman.proxy.config.load.ConfigFiles.PROXY_YAML))) {
                spec.commandLine().getErr().println("pointsman run: no proxy.yaml in " + configDir);
                return 2;
            }
            return runDirectory(nodeName, status, stop, out);
        }
        String url = repo;
        if (url == null) {
            Path bare = TemplateRepo.ensureBareRepo(stateDir.resolve("central.git"), branch);
            url = bare.toAbsolutePath().toString();
            out.println("No --repo given: syncing the local repo " + url);
            out.println("  git clone " + url + " lb-config   # change, commit, git push");
        }
        try (PointsmanNode n = PointsmanNode.start(new PointsmanNode.Options(url, branch, nodeName, stateDir, pollEvery,
                status, statusTokenFile, webhookSecretFile, threads, Duration.ofSeconds(30), keys))) {
            out.println("Pointsman node " + nodeName + " running; status: " + n.status().baseUrl() + "/status");
            out.flush();
            Signal.handle(new Signal("HUP"), s -> n.engine().requestSync("SIGHUP"));
            // The JVM halts once its shutdown hooks return: the graceful close (release the
            // VIP, stop syncing, close listeners) must run inside the hook, not after it.
            onShutdown(() -> {
                n.close();
                stop.countDown();
            });
            stop.await();
        }
        return 0;
    }

    private Integer runDirectory(String nodeName, InetSocketAddress status, CountDownLatch stop, PrintWriter out)
            throws Exception {
        AtomicReference<InetSocketAddress> statusAddress = new AtomicReference<>(status);
        ServerOverrides overrides = new ServerOverrides();
        AtomicReference<ServerStateService> serversRef = new AtomicReference<>();
        NodeApplier applier = new NodeApplier(t -> ProxyRuntime.builder().threads(threads > 0 ? threads : t)
                .identity(nodeName, NodeApplier.version()).overrides(overrides)
                .statsAdmin(PointsmanNode.statsAdmin(serversRef)).build().start(),
                nodeName, SecretSource.system(), new KeepalivedManager(null), statusAddress::get);
        Path notifyDir = stateDir;
        try {
            java.nio.file.Files.createDirectories(stateDir);
        } catch (java.io.IOException e) {
            // --config needs no state dir otherwise; only the notification outbox is lost at a restart.
            spec.commandLine().getErr().println("pointsman run: cannot use --state-dir " + stateDir + " (" + e
                    + "); notifications sent will not be remembered across restarts");
            notifyDir = null;
        }
        try (Notifier notifier = Notifier.forNode(nodeName, notifyDir, applier).start();
             LocalDirectorySync sync = new LocalDirectorySync(configDir, nodeName, applier, Clock.systemUTC(), notifier);
             ServerStateService servers = new ServerStateService(nodeName, notifyDir, overrides, applier::runtime,
                     notifier, sync::recordHistory, Clock.systemUTC()).start();
             StatusServer server = StatusServer.start(new StatusServerOptions(status, statusTokenFile, webhookSecretFile),
                     sync, servers)) {
            serversRef.set(servers);
            statusAddress.set(server.address());
            sync.start();
            Signal.handle(new Signal("HUP"), s -> sync.requestSync("SIGHUP"));
            onShutdown(() -> {
                long drainUntil = System.nanoTime() + applier.prepareStop().toNanos();
                sync.close();
                PointsmanNode.awaitDrain(drainUntil);
                applier.close();
                stop.countDown();
            });
            out.println("Pointsman node " + nodeName + " serving " + configDir.toAbsolutePath()
                    + " (re-read on SIGHUP or POST /sync); status: " + server.baseUrl() + "/status");
            out.flush();
            stop.await();
        } finally {
            applier.close();
        }
        return 0;
    }

    private static void onShutdown(Runnable close) {
        Runtime.getRuntime().addShutdownHook(new Thread(close, "pointsman-shutdown"));
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            String h = System.getenv("HOSTNAME");
            return h != null ? h : "localhost";
        }
    }
}
