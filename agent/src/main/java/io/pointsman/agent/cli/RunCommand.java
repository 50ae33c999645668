package io.pointsman.agent.cli;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigError;
import io.pointsman.proxy.config.load.ConfigException;
import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.LoadedConfig;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ApplyResult;
import io.pointsman.proxy.runtime.ProxyRuntime;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pointsman run --config DIR [--node N]}: serve a local config directory, no git.
 * SIGHUP re-reads the directory and swaps (a config that does not load or bind is
 * refused and the running one stays); SIGTERM/SIGINT stop cleanly.
 *
 * <p>The git-driven mode ({@code --repo}, polling, status API) is the agent's and plugs in
 * here when it lands; until then {@code --config} is required.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Run the proxy on a local config directory (no git).",
            "SIGHUP re-reads the directory; a config that fails to load or bind is",
            "refused and the running one keeps serving. SIGTERM or SIGINT stops."
        },
        footer = {
            "",
            "Example:",
            "  pointsman run --config ~/lb-config --node lb1",
            "  kill -HUP <pid>     # after editing proxy.yaml"
        })
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--config", required = true, paramLabel = "DIR",
            description = "Config directory holding proxy.yaml (and hosts/NODE.yaml).")
    Path config;

    @Option(names = "--node", paramLabel = "NAME",
            description = "This node's name (hosts/NAME.yaml is merged). Default: the host name.")
    String node;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(config.resolve(ConfigFiles.PROXY_YAML))) {
            err.println("pointsman run: no " + ConfigFiles.PROXY_YAML + " in " + config);
            return 2;
        }
        String nodeName = node != null ? node : hostName();
        LocalConfigServer server = new LocalConfigServer(config, nodeName, SecretSource.system());
        LocalConfigServer.Outcome first = server.start();
        if (!first.ok()) {
            err.println(first.message());
            server.close();
            return 1;
        }
        spec.commandLine().getOut().println(first.message());
        spec.commandLine().getOut().flush();

        CountDownLatch stopped = new CountDownLatch(1);
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pointsman-reload");
            t.setDaemon(true);
            return t;
        });
        // Signal handlers run on a JVM thread, never an event loop; the reload itself runs
        // on its own thread so a slow load never delays the next signal.
        onSignal("HUP", () -> reloads.execute(() -> {
            LocalConfigServer.Outcome o = server.reload();
            if (o.ok()) {
                log.info(o.message());
            } else {
                log.warn(o.message());
            }
        }));
        Thread hook = new Thread(() -> {
            stopped.countDown();
            server.close();
        }, "pointsman-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
        reloads.shutdownNow();
        return 0;
    }

    private static void onSignal(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> action.run());
        } catch (IllegalArgumentException e) {
            log.warn("signal {} is not available here; reload by restarting", name);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * A proxy serving a config directory: load, start, apply, reload, close. Apart from
     * signals, this is all of {@code run --config}; tests drive it directly.
     */
    static final class LocalConfigServer implements AutoCloseable {
        private final Path dir;
        private final String node;
        private final SecretSource secrets;
        private ProxyRuntime runtime;

        /** What a load + apply did, in one line fit for a log or the terminal. */
        record Outcome(boolean ok, String message) {
        }

        LocalConfigServer(Path dir, String node, SecretSource secrets) {
            this.dir = dir;
            this.node = node;
            this.secrets = secrets;
        }

        synchronized Outcome start() {
            Loaded loaded;
            try {
                loaded = load();
            } catch (ConfigException e) {
                return new Outcome(false, invalid(e));
            } catch (UncheckedIOException e) {
                return new Outcome(false, "cannot read " + dir + ": " + e.getCause().getMessage());
            }
            runtime = ProxyRuntime.builder().threads(loaded.config().global().threads()).build().start();
            return apply(loaded);
        }

        /** Re-reads the directory and swaps; on any failure the running generation stays. */
        synchronized Outcome reload() {
            if (runtime == null) {
                return new Outcome(false, "not running");
            }
            try {
                return apply(load());
            } catch (ConfigException e) {
                return new Outcome(false, invalid(e) + "; still serving " + runtime.current());
            } catch (UncheckedIOException e) {
                return new Outcome(false, "cannot read " + dir + ": " + e.getCause().getMessage()
                        + "; still serving " + runtime.current());
            }
        }

        ProxyRuntime runtime() {
            return runtime;
        }

        @Override
        public synchronized void close() {
            if (runtime != null) {
                runtime.close();
            }
        }

        private record Loaded(ProxyConfig config, String revision) {
        }

        private Loaded load() throws ConfigException {
            ConfigFiles files = ConfigFiles.fromDirectory(dir);
            LoadedConfig loaded = ConfigLoader.load(files, node, secrets);
            return new Loaded(loaded.config(), revision(files));
        }

        private Outcome apply(Loaded loaded) {
            ApplyResult r;
            try {
                r = runtime.apply(loaded.config(), loaded.revision());
            } catch (IllegalArgumentException e) {
                return new Outcome(false, "config refused: " + e.getMessage());
            }
            if (r instanceof ApplyResult.Applied a) {
                return new Outcome(true, "serving " + dir + " (" + a.revision() + ") as generation "
                        + a.generation() + " on " + runtime.boundAddresses().values());
            }
            ApplyResult.BindFailed f = (ApplyResult.BindFailed) r;
            return new Outcome(false, f.message() + (runtime.current() == null ? ""
                    : "; still serving " + runtime.current()));
        }

        private String invalid(ConfigException e) {
            StringBuilder sb = new StringBuilder(dir + " is invalid:");
            for (ConfigError error : e.errors()) {
                sb.append(System.lineSeparator()).append(error);
            }
            return sb.toString();
        }

        /** {@code dir@<7 hex>}: a content hash, so logs show whether a reload changed anything. */
        private String revision(ConfigFiles files) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (Map.Entry<String, String> f : new java.util.TreeMap<>(files.files()).entrySet()) {
                    sha.update(f.getKey().getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                    sha.update(f.getValue().getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
                return "dir@" + HexFormat.of().formatHex(sha.digest()).substring(0, 7);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
