package io.pointsman.bench;

import io.pointsman.proxy.stats.LatencyHistogram;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the latency histograms cost an http request: the access logger observes eight
 * durations per request (queue, connect, response head and total, each into the backend's
 * and the server's {@link LatencyHistogram}). {@code perRequest} is those eight on one
 * thread, {@code twoLoops} the same from two threads into the same histograms (two event
 * loops serving one backend), {@code baseline} the same loop over the same durations with no
 * histogram, so the histograms' share is {@code perRequest − baseline}. Durations are
 * log-uniform between 20 µs and 20 ms, what a loopback or LAN backend answers in, so the
 * bucket scan ends where it would in production.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LatencyHistogramBenchmark {
    private static final int DURATIONS = 4096;

    /** One backend's and one of its servers' four histograms, shared by every thread. */
    @State(Scope.Benchmark)
    public static class Histograms {
        final LatencyHistogram[] backend = new LatencyHistogram[4];
        final LatencyHistogram[] server = new LatencyHistogram[4];

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < 4; i++) {
                backend[i] = new LatencyHistogram();
                server[i] = new LatencyHistogram();
            }
        }
    }

    /** Each thread's own walk through the durations. */
    @State(Scope.Thread)
    public static class Durations {
        final long[] nanos = new long[DURATIONS];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            SplittableRandom random = new SplittableRandom(42);
            double low = Math.log(20_000);
            double high = Math.log(20_000_000);
            for (int i = 0; i < DURATIONS; i++) {
                nanos[i] = (long) Math.exp(low + random.nextDouble() * (high - low));
            }
        }

        long take() {
            long n = nanos[next];
            next = (next + 1) & (DURATIONS - 1);
            return n;
        }
    }

    @Benchmark
    public long baseline(Durations d) {
        long sum = 0;
        for (int i = 0; i < 4; i++) {
            long n = d.take();
            sum += n + n;
        }
        return sum;
    }

    @Benchmark
    public void perRequest(Histograms h, Durations d) {
        observeRequest(h, d);
    }

    @Benchmark
    @Group("twoLoops")
    @GroupThreads(2)
    public void twoLoops(Histograms h, Durations d) {
        observeRequest(h, d);
    }

    private static void observeRequest(Histograms h, Durations d) {
        for (int i = 0; i < 4; i++) {
            long n = d.take();
            h.backend[i].observe(n);
            h.server[i].observe(n);
        }
    }
}
