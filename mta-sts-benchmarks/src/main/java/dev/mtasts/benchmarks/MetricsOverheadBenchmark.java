package dev.mtasts.benchmarks;

import dev.mtasts.micrometer.MtaStsMetrics;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.store.PolicyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code mta-sts-micrometer} costs on the resolver's hot path: a warm resolve of a cached
 * domain with no listener, and with {@link MtaStsMetrics} as a listener bound to a registry. The
 * ratio of the two {@code metrics} params is the figure in docs/performance.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MetricsOverheadBenchmark {
  /** A prime stride: successive calls visit domains far apart, as an MTA's traffic does. */
  private static final int STRIDE = 7919;

  /** The warm resolver, with or without the metrics listener, shared by all threads. */
  @State(Scope.Benchmark)
  public static class Warm {
    /** How many domains are cached. */
    @Param({"1000", "100000"})
    public int domains;

    /** {@code none}: no listener; {@code micrometer}: MtaStsMetrics on a SimpleMeterRegistry. */
    @Param({"none", "micrometer"})
    public String metrics;

    CachedResolver warm;
    /** The registry the metrics are bound to; {@code null} without metrics. */
    @Nullable SimpleMeterRegistry registry;
    final AtomicInteger threadSeeds = new AtomicInteger();

    /** Creates the state. */
    public Warm() {}

    /** Warms the resolver, with the listener added and bound when asked. */
    @Setup(Level.Trial)
    public void setUp() {
      if (metrics.equals("micrometer")) {
        MtaStsMetrics m = MtaStsMetrics.create();
        warm = CachedResolver.warm(domains, PolicyStore.inMemory(), b -> b.addListener(m));
        registry = new SimpleMeterRegistry();
        m.observe(warm.resolver()).bindTo(registry);
      } else if (metrics.equals("none")) {
        warm = CachedResolver.warm(domains);
      } else {
        throw new IllegalArgumentException("metrics: none or micrometer, not " + metrics);
      }
    }
  }

  /** One thread's position among the domains. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    /** Creates the state. */
    public Cursor() {}

    /**
     * Starts each thread at another domain.
     *
     * @param warm the shared state
     */
    @Setup(Level.Trial)
    public void setUp(Warm warm) {
      next = warm.threadSeeds.getAndIncrement() * (warm.domains / 3);
    }

    String nextDomain(Warm warm) {
      String[] names = warm.warm.domains();
      int i = next;
      next = (i + STRIDE) % names.length;
      return names[i];
    }
  }

  /** Creates the benchmark. */
  public MetricsOverheadBenchmark() {}

  /**
   * One warm resolution on one thread.
   *
   * @param warm the warm resolver
   * @param cursor this thread's position
   * @return the (already complete) resolution
   */
  @Benchmark
  @Threads(1)
  public CompletionStage<PolicyResolution> resolve1Thread(Warm warm, Cursor cursor) {
    return warm.warm.resolver().resolve(cursor.nextDomain(warm));
  }

  /**
   * One warm resolution, two threads calling concurrently (the counters' contention).
   *
   * @param warm the warm resolver
   * @param cursor this thread's position
   * @return the (already complete) resolution
   */
  @Benchmark
  @Threads(2)
  public CompletionStage<PolicyResolution> resolve2Threads(Warm warm, Cursor cursor) {
    return warm.warm.resolver().resolve(cursor.nextDomain(warm));
  }
}
