package io.pointsman.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pointsman.agent.sync.CentralRepo;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian package as an operator meets it (SPEC §11): installed with {@code dpkg -i} into
 * this machine, its unit checked by {@code systemd-analyze verify}, the installed
 * {@code pointsman validate} and {@code pointsman run} run as the package's {@code pointsman}
 * user with exactly the capabilities, environment file and command line of its unit (through
 * {@code setpriv}: there is no systemd here to start it), serving a port below 1024, then
 * purged. Needs root and dpkg; skipped elsewhere, and when a pointsman package is already
 * installed (never clobbers one).
 */
class DebianPackageIT {
    static final Path UNIT = Path.of("/lib/systemd/system/pointsman.service");
    static final Path DEFAULTS = Path.of("/etc/default/pointsman");

    record Result(int code, String out) {}

    @Test
    void installsRunsAsItsUserServesALowPortAndPurges() throws Exception {
        assumeTrue(run("id", "-u").out().strip().equals("0"), "needs root (dpkg -i)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg")), "needs dpkg");
        Path deb = deb();
        assumeTrue(deb != null, "no .deb built (mvn package builds it where dpkg-deb is installed)");
        assumeTrue(run("dpkg-query", "-W", "-f=${Status}", "pointsman").out().indexOf("install ok installed") < 0,
                "a pointsman package is installed on this machine already; not touching it");
        boolean userBefore = run("getent", "passwd", "pointsman").code() == 0;

        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pmfleet-deb-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process node = null;
        try (ServerSocket greeter = greeter()) {
            Result install = dpkg("-i", deb.toString());
            assertEquals(0, install.code(), install.out());

            // What the package put where.
            assertTrue(Files.isExecutable(Path.of("/usr/bin/pointsman")));
            assertTrue(Files.isRegularFile(Path.of("/usr/share/pointsman/pointsman.jar")));
            assertTrue(Files.isRegularFile(DEFAULTS));
            assertEquals(0, run("getent", "passwd", "pointsman").code(), "the package's system user");
            assertEquals("pointsman pointsman 750", run("stat", "-c", "%U %G %a", "/var/lib/pointsman").out().strip());
            Map<String, List<String>> unit = unit(UNIT);
            assertEquals(List.of("pointsman"), unit.get("User"));
            assertEquals(List.of("pointsman"), unit.get("StateDirectory"));
            assertEquals(List.of("CAP_NET_BIND_SERVICE"), unit.get("AmbientCapabilities"));
            assertEquals(List.of("-/etc/default/pointsman"), unit.get("EnvironmentFile"));
            assertEquals(List.of("strict"), unit.get("ProtectSystem"));
            assertEquals(List.of("yes"), unit.get("NoNewPrivileges"));
            Result verify = run("systemd-analyze", "verify", UNIT.toString());
            assertEquals(0, verify.code(), verify.out());
            assertEquals("", verify.out().strip(), "systemd-analyze verify is clean");

            // A config repo the package's user can read, serving a port only root could bind.
            int low = freePrivilegedPort();
            int status = freePort();
            Path work = dir.resolve("work");
            Path central = dir.resolve("central.git");
            Files.createDirectories(work);
            CentralRepo.git(dir, "init", "-q", "-b", "main", work.toString());
            Files.writeString(work.resolve("proxy.yaml"), """
                    version: 1
                    listens:
                      - name: greeting
                        mode: tcp
                        bind: ["127.0.0.1:%d"]
                        servers: [ { name: g1, address: "127.0.0.1:%d" } ]
                    """.formatted(low, greeter.getLocalPort()));
            CentralRepo.git(work, "add", "-A");
            CentralRepo.git(work, "commit", "-q", "-m", "greeting on a low port");
            CentralRepo.git(dir, "clone", "-q", "--bare", work.toString(), central.toString());
            run("chmod", "-R", "a+rX", dir.toString());

            Result valid = run("runuser", "-u", "pointsman", "--", "/usr/bin/pointsman", "validate", work.toString());
            assertEquals(0, valid.code(), valid.out());
            assertTrue(valid.out().contains("work: valid"), valid.out());

            Files.writeString(DEFAULTS, "# written by DebianPackageIT\nPOINTSMAN_OPTS=\"--repo " + central.toUri()
                    + " --node deb-test --status-bind 127.0.0.1:" + status + "\"\n");
            Path log = dir.resolve("node.log");
            node = new ProcessBuilder(asTheUnitWould(unit, envFile(DEFAULTS))).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            awaitHealthy(status, node, log);
            try (Socket s = new Socket()) {
                s.setSoTimeout(5000);
                s.connect(new InetSocketAddress("127.0.0.1", low), 5000);
                assertEquals("hello from the greeter", new String(s.getInputStream().readAllBytes(),
                        StandardCharsets.US_ASCII).strip(), "served on port " + low + " by the pointsman user");
            }
            Path state = Path.of("/var/lib/pointsman/state.json");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(state) && System.nanoTime() < until) {
                Thread.sleep(100); // written just after the swap that /healthz already reports
            }
            assertEquals("pointsman", run("stat", "-c", "%U", state.toString()).out().strip(), "state written by the user");
            assertEquals("pointsman", run("ps", "-o", "user=", "-p", Long.toString(javaPid(node))).out().strip(),
                    Files.readString(log));
        } finally {
            if (node != null) {
                node.destroy();
                if (!node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            }
            Result purge = dpkg("--purge", "pointsman");
            run("rm", "-rf", dir.toString());
            assertEquals(0, purge.code(), purge.out());
        }
        assertFalse(Files.exists(Path.of("/usr/share/pointsman")));
        assertFalse(Files.exists(Path.of("/var/lib/pointsman")), "purge removes the state");
        assertFalse(Files.exists(DEFAULTS), "purge removes the conffile");
        if (!userBefore) {
            assertTrue(run("getent", "passwd", "pointsman").code() != 0, "purge removes the user it made");
        }
    }

    /** The package's command line under the unit's user, capabilities and environment, via setpriv. */
    static List<String> asTheUnitWould(Map<String, List<String>> unit, Map<String, String> env) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=pointsman", "--regid=pointsman", "--init-groups"));
        String caps = String.join(",", unit.getOrDefault("AmbientCapabilities", List.of()).stream()
                .map(c -> "+" + c.toLowerCase(Locale.ROOT).replaceFirst("^cap_", "")).toList());
        if (!caps.isEmpty()) {
            cmd.add("--inh-caps=" + caps);
            cmd.add("--ambient-caps=" + caps);
            cmd.add("--bounding-set=-all," + caps);
        }
        if (unit.getOrDefault("NoNewPrivileges", List.of()).contains("yes")) {
            cmd.add("--no-new-privs");
        }
        cmd.addAll(List.of("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/var/lib/pointsman"));
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        for (String word : unit.get("ExecStart").get(0).split("\\s+")) {
            if (word.startsWith("$")) {
                String v = env.getOrDefault(word.substring(1), "");
                cmd.addAll(v.isBlank() ? List.of() : List.of(v.strip().split("\\s+")));
            } else {
                cmd.add(word);
            }
        }
        return cmd;
    }

    /** {@code Key=value} lines of a unit file; a key may repeat. */
    static Map<String, List<String>> unit(Path file) throws IOException {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[")) {
                continue;
            }
            int eq = line.indexOf('=');
            m.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return m;
    }

    /** {@code KEY=value} / {@code KEY="value"} lines of an EnvironmentFile. */
    static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.indexOf('=') < 0) {
                continue;
            }
            String v = l.substring(l.indexOf('=') + 1);
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            m.put(l.substring(0, l.indexOf('=')), v);
        }
        return m;
    }

    private static Path deb() throws IOException {
        Path dir = Path.of(System.getProperty("pointsman.debDir", "target"));
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("pointsman_.*_all\\.deb")).findFirst().orElse(null);
        }
    }

    /** dpkg, waiting for its lock when another install runs on this machine. */
    private static Result dpkg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dpkg"));
        cmd.addAll(List.of(args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Result r = run(cmd.toArray(String[]::new));
            if (r.code() == 0 || !r.out().contains("lock") || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(1000);
        }
    }

    static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The JVM under setpriv/env (they exec, so it is the process itself). */
    private static long javaPid(Process p) {
        return p.pid();
    }

    private static void awaitHealthy(int status, Process node, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new AssertionError("pointsman run exited " + node.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + status
                        + "/healthz")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the node did not serve within 60 s:\n" + Files.readString(log));
    }

    private static ServerSocket greeter() throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().write("hello from the greeter\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        }, "deb-greeter");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A free port below 1024 on 127.0.0.1 (this test runs as root, so it may try them). */
    private static int freePrivilegedPort() {
        for (int port = 700 + (int) (ProcessHandle.current().pid() % 200); port < 1024; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new AssertionError("no free port below 1024");
    }
}
