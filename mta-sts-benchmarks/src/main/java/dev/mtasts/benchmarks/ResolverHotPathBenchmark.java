package dev.mtasts.benchmarks;

import dev.mtasts.resolver.PolicyResolution;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

/** The resolver's hot path: a random cached domain per call, 1 thousand to 1 million cached, 1 and 2 threads. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// One million cached domains with the fakes' own copies take about 2 GB; leave room for the GC.
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class ResolverHotPathBenchmark {
  /** Random domain indexes, a power of two of them so a thread wraps its cursor with a mask. */
  static final int ORDER_LENGTH = 1 << 20;

  /** The warm resolver, shared by all threads as in an MTA. */
  @State(Scope.Benchmark)
  public static class Cache {
    /** How many domains are cached. */
    @Param({"1000", "100000", "1000000"})
    public int domains;

    CachedResolver warm;
    /** The domain name of each call, precomputed so that choosing one costs an array read. */
    String[] order;
    final AtomicInteger threadSeeds = new AtomicInteger();

    /** Creates the state. */
    public Cache() {}

    /** Warms the resolver and draws the random call order. */
    @Setup(Level.Trial)
    public void setUp() {
      warm = CachedResolver.warm(domains);
      SplittableRandom random = new SplittableRandom(42);
      order = new String[ORDER_LENGTH];
      for (int i = 0; i < ORDER_LENGTH; i++) {
        order[i] = warm.domains()[random.nextInt(domains)];
      }
    }
  }

  /** One thread's position in the call order; threads start far apart so they do not walk in step. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    /** Creates the state. */
    public Cursor() {}

    /**
     * Picks this thread's starting point.
     *
     * @param cache the shared state
     */
    @Setup(Level.Trial)
    public void setUp(Cache cache) {
      next = cache.threadSeeds.getAndIncrement() * (ORDER_LENGTH / 7);
    }

    String nextDomain(Cache cache) {
      int i = next;
      next = (i + 1) & (ORDER_LENGTH - 1);
      return cache.order[i];
    }
  }

  /** Creates the benchmark. */
  public ResolverHotPathBenchmark() {}

  /**
   * One resolution on one thread.
   *
   * @param cache the warm resolver
   * @param cursor this thread's call order
   * @return the (already complete) resolution
   */
  @Benchmark
  @Threads(1)
  public CompletionStage<PolicyResolution> resolve1Thread(Cache cache, Cursor cursor) {
    return cache.warm.resolver().resolve(cursor.nextDomain(cache));
  }

  /**
   * One resolution, two threads calling concurrently.
   *
   * @param cache the warm resolver
   * @param cursor this thread's call order
   * @return the (already complete) resolution
   */
  @Benchmark
  @Threads(2)
  public CompletionStage<PolicyResolution> resolve2Threads(Cache cache, Cursor cursor) {
    return cache.warm.resolver().resolve(cursor.nextDomain(cache));
  }
}
