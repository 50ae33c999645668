package io.pointsman.bench;

import io.pointsman.proxy.config.ProxyConfig;
import io.pointsman.proxy.config.load.ConfigFiles;
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
 * What the agent does with a revision before the swap: parse proxy.yaml and
 * hosts/NODE.yaml with line numbers, deep-merge, resolve secrets, bind, normalize and
 * validate ({@code ConfigLoader.load}), for configs of 10, 1,000 and 10,000 servers.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ConfigLoadBenchmark {
    @Param({"10", "1000", "10000"})
    public int servers;

    private ConfigFiles files;

    @Setup(Level.Trial)
    public void setUp() {
        files = BenchConfigs.files(BenchConfigs.servers(servers, 0), BenchConfigs.hostOverride());
        ProxyConfig c = BenchConfigs.load(files);
        int n = c.backends().stream().mapToInt(b -> b.servers().size()).sum();
        if (n != servers + 1) {
            throw new IllegalStateException("expected " + (servers + 1) + " servers after the merge, got " + n);
        }
    }

    @Benchmark
    public ProxyConfig loadMergeValidate() {
        return BenchConfigs.load(files);
    }
}
