package io.pointsman.agent.importer.differential;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pointsman.agent.importer.report.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The import, checked against real HAProxy 2.6: for each haproxy.cfg of the set (the
 * seed's 2011 setup, one per keyword family, realistic ones), HAProxy runs the original
 * and Pointsman runs the import, both moved onto loopback ({@link CfgRewriter}), with the
 * same echo backends behind them; the same generated requests and connections go to both
 * ({@link RequestPlan}: paths, hosts, headers, methods, client addresses, TLS with and
 * without SNI, PROXY protocol), and what came back is compared ({@link DifferentialRun}):
 * plain response or closed connection, status, Location, which backend and server answered,
 * the headers and PROXY header the server received, and how a repeated request spreads
 * over a backend's servers.
 *
 * <p>Every difference fails the test unless {@link #DELIBERATE} lists it with its reason.
 * A case {@code NAME.cfg} may come with {@code NAME.haproxy26.cfg}: HAProxy 1.x syntax that
 * 2.6 refuses is imported from {@code NAME.cfg} and compared with HAProxy running its 2.x
 * form (the migration HAProxy's own errors ask for). {@code NAME.files/} holds files the
 * config reads (acl pattern files).
 *
 * <p>Needs {@code /usr/sbin/haproxy} (the Debian package haproxy, which ./test installs).
 */
class HaproxyDifferentialTest {
    private static final Path CASES = Path.of("src/test/resources/io/pointsman/agent/importer/differential");
    private static final Path SEED = Path.of("../examples/seed-2011/haproxy.cfg");

    /** A difference that is known and deliberate, and why. */
    record Deliberate(String id, String reason, Predicate<DifferentialRun.Difference> matches) {
    }

    /** Every accepted difference between HAProxy and the import, with the reason it is accepted. */
    static final List<Deliberate> DELIBERATE = List.of(
            new Deliberate("x-forwarded-proto",
                    "Pointsman's forwardfor adds X-Forwarded-Proto besides X-Forwarded-For (SPEC §3); HAProxy's"
                            + " option forwardfor adds only X-Forwarded-For",
                    d -> d.aspect().startsWith("header the server received: x-forwarded-proto:")
                            && d.haproxy().equals("0x") && d.pointsman().equals("1x")),
            new Deliberate("source-hash",
                    "balance source: each client sticks to one server on both sides, but Pointsman's consistent"
                            + " hash may pick another server than HAProxy's (the report says so)",
                    d -> d.aspect().startsWith("balancing (balance source)") && single(d.haproxy())
                            && single(d.pointsman())),
            new Deliberate("random",
                    "balance random: both pick at random (HAProxy: the less loaded of two draws)",
                    d -> d.aspect().startsWith("balancing (balance random")));

    @TestFactory
    Stream<DynamicTest> importRoutesAsHaproxyDoes() throws Exception {
        List<Path> cases = new ArrayList<>();
        cases.add(SEED);
        try (Stream<Path> s = Files.list(CASES)) {
            s.filter(p -> p.toString().endsWith(".cfg") && !p.toString().endsWith(".haproxy26.cfg")).sorted()
                    .forEach(cases::add);
        }
        return cases.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> run(p)));
    }

    private static void run(Path cfg) throws Exception {
        assertTrue(HaproxyProcess.installed(), "the differential tests need HAProxy at " + HaproxyProcess.BINARY
                + " (Debian package haproxy; ./test installs it)");
        String file = cfg.getFileName().toString();
        String name = file.equals("haproxy.cfg") ? "seed-2011" : file.substring(0, file.length() - 4);
        String pm = Files.readString(cfg, StandardCharsets.UTF_8);
        Path twin = cfg.resolveSibling(name + ".haproxy26.cfg");
        String hp = Files.exists(twin) ? Files.readString(twin, StandardCharsets.UTF_8) : pm;
        try (DifferentialRun run = new DifferentialRun(name, pm, hp, DifferentialRun.companions(CASES, name))) {
            run.compare(name.hashCode());
            List<String> unexplained = new ArrayList<>();
            Map<String, Integer> allowed = new TreeMap<>();
            for (DifferentialRun.Difference d : run.differences) {
                Deliberate why = DELIBERATE.stream().filter(x -> x.matches().test(d)).findFirst().orElse(null);
                if (why == null) {
                    unexplained.add(d.toString());
                } else {
                    allowed.merge(why.id(), 1, Integer::sum);
                }
            }
            System.out.println("differential " + name + ": " + run.probes + " probes to each side, "
                    + run.balancingRounds + " balancing comparisons, " + run.differences.size() + " differences ("
                    + allowed + " deliberate); backends reached on both sides: " + run.reached + "; import: "
                    + run.imported().stats());
            for (Finding f : run.imported().findings()) {
                if (f.kind() == Finding.Kind.NOT_TRANSLATED) {
                    System.out.println("  not translated: " + f);
                }
            }
            if (!unexplained.isEmpty()) {
                fail(name + ": " + unexplained.size() + " differences between HAProxy and the import:\n  "
                        + String.join("\n  ", unexplained.subList(0, Math.min(40, unexplained.size()))));
            }
        }
    }

    private static boolean single(String counts) {
        return !counts.contains(",");
    }
}
