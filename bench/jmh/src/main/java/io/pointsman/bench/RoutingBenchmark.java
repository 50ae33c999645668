package io.pointsman.bench;

import io.pointsman.proxy.config.Frontend;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.routing.FixedRequestFacts;
import io.pointsman.proxy.routing.FrontendRouter;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One routing decision ({@link FrontendRouter#route}) — what every tcp connection and every
 * http request pays — for frontends with 1, 100 and 10,000 src CIDRs or path_beg prefixes,
 * in one acl or as one acl + rule each. The facts hit the last value (the worst case of the
 * rule-per-value shape for a linear walk) or miss every value. Since the rule index
 * ({@code RuleIndex}: a run of single-acl rules decided by one trie walk, first match
 * kept) both shapes should cost about the same whatever the number of values.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {
    @Param({"src", "path_beg"})
    public String matcher;

    @Param({"1", "100", "10000"})
    public int values;

    /** acl: one acl holding every value; rules: an acl and a use_backend rule per value. */
    @Param({"acl", "rules"})
    public String shape;

    private FrontendRouter router;
    private FixedRequestFacts hitLast;
    private FixedRequestFacts miss;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ProxyConfig config = BenchConfigs.load(BenchConfigs.files(
                BenchConfigs.routing(matcher, shape.equals("acl"), values), null));
        Frontend f = config.frontends().get(0);
        router = FrontendRouter.compile(f);
        int last = values - 1;
        if (matcher.equals("src")) {
            hitLast = facts(InetAddress.getByName("10." + (last / 256 % 256) + "." + (last % 256) + ".7"), "/");
            miss = facts(InetAddress.getByName("192.0.2.1"), "/");
        } else {
            hitLast = facts(InetAddress.getByName("192.0.2.1"), "/svc" + last + "/items/42");
            miss = facts(InetAddress.getByName("192.0.2.1"), "/other/items/42");
        }
        String hit = router.route(hitLast);
        String none = router.route(miss);
        if (hit == null || hit.equals("b0") || !"b0".equals(none)) {
            throw new IllegalStateException("routing fixture is wrong: hit → " + hit + ", miss → " + none);
        }
    }

    private static FixedRequestFacts facts(InetAddress src, String path) {
        return new FixedRequestFacts(src, 8080, null, "www.example.com", path, "GET", Map.of());
    }

    @Benchmark
    public String routeHitLast() {
        return router.route(hitLast);
    }

    @Benchmark
    public String routeMiss() {
        return router.route(miss);
    }
}
