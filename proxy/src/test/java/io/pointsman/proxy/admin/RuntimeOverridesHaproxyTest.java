package io.pointsman.proxy.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pointsman.proxy.config.load.ConfigFiles;
import io.pointsman.proxy.config.load.ConfigLoader;
import io.pointsman.proxy.config.load.SecretSource;
import io.pointsman.proxy.runtime.ProxyRuntime;
import io.pointsman.proxy.statspage.CsvStats;
import io.pointsman.proxy.statspage.StatsReports;
import io.pointsman.proxy.testing.Clients;
import io.pointsman.proxy.testing.Haproxy;
import io.pointsman.proxy.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential: the same runtime changes through HAProxy 2.6's stats socket ({@code set
 * server be/a state drain|maint|ready}, {@code set server be/a weight N}) and through
 * Pointsman's {@link ServerOverrides}, the same connections through both, the same
 * transcript: where an open connection and new ones go, and what the stats CSV says
 * (status and weight columns).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeOverridesHaproxyTest {
    @TempDir
    Path tmp;

    /** One proxy under test: its frontend, how to send it a runtime command, its CSV. */
    private record Side(InetSocketAddress frontend, Command command, Supplier<String> csv) {
    }

    private interface Command {
        void run(String cli) throws Exception;
    }

    @Test
    void drainMaintReadyAndWeightAsHaproxysStatsSocket() throws Exception {
        try (TestServer a = TestServer.lines("a"); TestServer b = TestServer.lines("b");
             ProxyRuntime runtime = ProxyRuntime.builder().threads(2).build().start()) {
            int hp = Clients.freePort();
            Path socket = tmp.resolve("admin.sock");
            try (Haproxy haproxy = Haproxy.start("""
                    global
                      stats socket %s level admin
                    defaults
                      mode tcp
                      timeout connect 2s
                      timeout client 30s
                      timeout server 30s
                    frontend fe
                      bind 127.0.0.1:%d
                      default_backend be
                    backend be
                      balance roundrobin
                      server a %s
                      server b %s
                    """.formatted(socket, hp, a.address(), b.address()), hp)) {
                runtime.apply(ConfigLoader.load(new ConfigFiles(Map.of("proxy.yaml", """
                        version: 1
                        defaults: { mode: tcp, retries: 0, timeout: { connect: 2s, client: 30s, server: 30s } }
                        frontends: [ { name: fe, bind: ["127.0.0.1:0"], default_backend: be } ]
                        backends:
                          - name: be
                            balance: roundrobin
                            servers:
                              - { name: a, address: "%s" }
                              - { name: b, address: "%s" }
                        """.formatted(a.address(), b.address()))), null, SecretSource.of(Map.of())).config(), "r1");

                Side hap = new Side(new InetSocketAddress("127.0.0.1", hp), cli -> socketCommand(socket, cli),
                        () -> uncheck(() -> socketCommand(socket, "show stat")));
                Side pm = new Side(runtime.boundAddresses("fe").get(0), cli -> pointsman(runtime, cli),
                        () -> CsvStats.render(StatsReports.of(runtime, "lb1", "test").get()));
                List<String> expected = transcript(hap);
                List<String> actual = transcript(pm);
                assertEquals(String.join("\n", expected), String.join("\n", actual));
            }
        }
    }

    /** What a proxy does through the scenario, step by step. */
    private static List<String> transcript(Side side) throws Exception {
        List<String> t = new ArrayList<>();
        Socket onA = null;
        List<Socket> others = new ArrayList<>();
        for (int i = 0; i < 4 && onA == null; i++) {
            Socket s = Clients.connect(side.frontend());
            if (Clients.roundTrip(s, "hi").startsWith("a ")) {
                onA = s;
            } else {
                others.add(s);
            }
        }
        t.add("open connection on a: " + (onA != null));
        t.add("csv a: " + columns(side, "a"));

        side.command().run("set server be/a state drain");
        t.add("drain, csv a: " + columns(side, "a"));
        t.add("drain, open connection answers: " + Clients.roundTrip(onA, "still"));
        t.add("drain, new connections: " + landings(side, 6));

        side.command().run("set server be/a state maint");
        t.add("maint, csv a: " + columns(side, "a"));
        t.add("maint, open connection answers: " + Clients.roundTrip(onA, "still"));
        t.add("maint, new connections: " + landings(side, 6));

        side.command().run("set server be/a state ready");
        t.add("ready, csv a: " + columns(side, "a"));
        side.command().run("set server be/a weight 3");
        t.add("weight 3, csv a: " + columns(side, "a"));
        String forty = landings(side, 40);
        t.add("weight 3, a's share of 40 new connections: " + forty.chars().filter(c -> c == 'a').count());
        side.command().run("set server be/a weight 0");
        t.add("weight 0, csv a: " + columns(side, "a"));
        t.add("weight 0, new connections: " + landings(side, 4));
        onA.close();
        for (Socket s : others) {
            s.close();
        }
        return t;
    }

    /** HAProxy's status and weight columns (fields 18 and 19) of server a. */
    private static String columns(Side side, String server) {
        String csv = side.csv().get();
        for (String line : csv.split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 19 && f[0].equals("be") && f[1].equals(server)) {
                return "status=" + f[17] + " weight=" + f[18];
            }
        }
        throw new AssertionError("no be," + server + " row in\n" + csv);
    }

    private static String landings(Side side, int n) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            try (Socket s = Clients.connect(side.frontend())) {
                sb.append(Clients.roundTrip(s, "x").charAt(0));
            }
        }
        return sb.toString();
    }

    /** One command on HAProxy's stats socket; its whole answer. */
    private static String socketCommand(Path socket, String cli) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((cli + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.write(buf.array(), 0, buf.limit());
                buf.clear();
            }
            String answer = out.toString(StandardCharsets.US_ASCII);
            if (cli.startsWith("set") && !answer.isBlank()) {
                throw new AssertionError("haproxy refused '" + cli + "': " + answer);
            }
            return answer;
        }
    }

    /** The same commands, to Pointsman's runtime overrides. */
    private static void pointsman(ProxyRuntime runtime, String cli) throws Exception {
        String[] w = cli.split(" ");
        String[] bs = w[2].split("/");
        Instant now = Instant.now();
        if (w[3].equals("state")) {
            runtime.overrides().set(bs[0], bs[1], new ServerOverride(AdminState.parse(w[4]), null, "", "test", now, null));
        } else {
            runtime.overrides().set(bs[0], bs[1], new ServerOverride(null, WeightOverride.parse(w[4]), "", "test", now, null));
        }
    }

    private interface Io<T> {
        T get() throws IOException;
    }

    private static <T> T uncheck(Io<T> io) {
        try {
            return io.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
