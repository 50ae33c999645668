package io.pointsman.proxy.runtime;

import io.pointsman.bench.BenchConfigs;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.health.HealthRegistry;
import io.pointsman.proxy.admin.ServerOverrides;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of a swap for configs of 10, 1,000 and 10,000 servers:
 * {@code applySwap} is {@link ProxyRuntime#apply} on a started runtime (compile, diff the
 * binds — all kept, port 0 — publish on the accept loop, retire the old generation,
 * reconcile health), alternating two configs that differ in one weight or in every weight
 * ({@link #change}); {@code compileOnly} is {@link GenerationCompiler#compile} alone,
 * against the generation compiled before as the runtime does; {@code healthReconcile} is
 * the health registry's part of a swap ({@link HealthRegistry#plan} + {@code apply}, no
 * server checked). In this package because the compiler is package-private.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileSwapBenchmark {
    @Param({"10", "1000", "10000"})
    public int servers;

    /**
     * What differs between the two configs a swap alternates: one server's weight (the
     * usual change: everything else is taken over from the generation before) or every
     * server's weight (every backend and server is compiled and reconciled again).
     */
    @Param({"one-weight", "every-weight"})
    public String change;

    private final ProxyConfig[] configs = new ProxyConfig[2];
    private ProxyRuntime runtime;
    private GenerationCompiler compiler;
    private Generation compiled;
    private MultiThreadIoEventLoopGroup healthGroup;
    private HealthRegistry health;
    private long n;

    @Setup(Level.Trial)
    public void setUp() {
        for (int v = 0; v < 2; v++) {
            configs[v] = BenchConfigs.load(BenchConfigs.files(
                    BenchConfigs.servers(servers, v, change.equals("every-weight")), null));
        }
        runtime = ProxyRuntime.builder().threads(1).build().start();
        ApplyResult first = runtime.apply(configs[0], "bench-0");
        if (!(first instanceof ApplyResult.Applied)) {
            throw new IllegalStateException("first apply failed: " + first);
        }
        compiler = new GenerationCompiler(HealthView.ALWAYS_UP, new ServerOverrides());
        healthGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        health = new HealthRegistry(healthGroup);
        health.apply(health.plan(configs[0].allBackends()));
        compiled = compiler.compile(configs[0], "bench-0", 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.close();
        if (health != null) {
            health.close();
            healthGroup.shutdownGracefully();
        }
    }

    @Benchmark
    public ApplyResult applySwap() {
        n++;
        ApplyResult r = runtime.apply(configs[(int) (n & 1)], "bench-" + n);
        if (!(r instanceof ApplyResult.Applied)) {
            throw new IllegalStateException("apply failed: " + r);
        }
        return r;
    }

    /**
     * {@link #applySwap} with cold caches, as a swap in the product runs: once per change,
     * after the event loops have had the CPU caches to themselves for a while. Before
     * each call (not timed) a 64 MiB sweep evicts L1–L3, so 10 and 10,000 servers both pay
     * memory latency instead of 10 and 1,000 fitting in cache.
     */
    @Benchmark
    public ApplyResult applySwapColdCache(CacheSweep sweep) {
        return applySwap();
    }

    /** 64 MiB, twice this machine's L3, written a cache line at a time before every call. */
    @State(Scope.Thread)
    public static class CacheSweep {
        private final byte[] lines = new byte[64 << 20];
        public int sum;

        @Setup(Level.Invocation)
        public void sweep() {
            for (int i = 0; i < lines.length; i += 64) {
                lines[i]++;
                sum += lines[i];
            }
        }
    }

    @Benchmark
    public Generation compileOnly() {
        n++;
        // Against the generation before, as ProxyRuntime.apply compiles.
        compiled = compiler.compile(configs[(int) (n & 1)], "bench-" + n, n, compiled);
        return compiled;
    }

    @Benchmark
    public HealthRegistry healthReconcile() {
        n++;
        health.apply(health.plan(configs[(int) (n & 1)].allBackends()));
        return health;
    }
}
