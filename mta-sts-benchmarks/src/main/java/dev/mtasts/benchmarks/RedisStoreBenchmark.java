package dev.mtasts.benchmarks;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.redis.RedisPolicyStore;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The resolver on the Redis policy store (issue 16), against a local redis-server the benchmark
 * starts itself ({@link RedisServer}; without one the Redis trials fail at setup saying so):
 * <ul>
 *   <li>{@code warmResolve}: the hot path with the in-memory and the Redis store, 1 000 cached
 *       domains; the Redis store must cost nothing here (no round trip).
 *   <li>{@code coldFromRedis}: a node resolving a domain another node fetched and saved: one Redis
 *       load, no fetch (CAC-18, CAC-30); sample mode gives p50 and p99.
 * </ul>
 * The setup prints the bytes Redis uses per entry ({@code MEMORY USAGE}).
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisStoreBenchmark {
  /** Domains cached for the warm path. */
  static final int WARM_DOMAINS = 1000;
  /** Domains in Redis for the cold path: far more than the reader keeps in memory. */
  static final int COLD_DOMAINS = 20_000;
  /** What the cold reader keeps in memory, so every call of the cycle misses. */
  static final int COLD_MEMORY = 100;

  /** Starts redis-server, or fails the trial with a message when there is none. */
  static RedisServer startRedis() {
    if (RedisServer.redisServer().isEmpty()) {
      throw new IllegalStateException("redis-server not found (PATH or " + RedisServer.REDIS_SERVER_ENV
          + "): skipping the Redis benchmarks");
    }
    try {
      return RedisServer.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The warm resolver on one store or the other. */
  @State(Scope.Benchmark)
  public static class Warm {
    /** The store: {@code memory} or {@code redis}. */
    @Param({"memory", "redis"})
    public String store;

    RedisServer redis;
    RedisPolicyStore redisStore;
    CachedResolver warm;
    String[] order;
    int next;

    /** Creates the state. */
    public Warm() {}

    /** Warms the resolver (every policy saved to the store) and draws the call order. */
    @Setup(Level.Trial)
    public void setUp() {
      PolicyStore s = PolicyStore.inMemory();
      if (store.equals("redis")) {
        redis = startRedis();
        redisStore = RedisPolicyStore.builder().uri(redis.uri()).build();
        s = redisStore;
      }
      warm = CachedResolver.warm(WARM_DOMAINS, s);
      SplittableRandom random = new SplittableRandom(42);
      order = new String[1 << 16];
      for (int i = 0; i < order.length; i++) {
        order[i] = warm.domains()[random.nextInt(WARM_DOMAINS)];
      }
    }

    /** Stops Redis. */
    @TearDown(Level.Trial)
    public void tearDown() {
      if (redisStore != null) {
        redisStore.close();
        redis.close();
      }
    }
  }

  /** A reader node whose every call misses memory and finds the entry in Redis. */
  @State(Scope.Benchmark)
  public static class Cold {
    RedisServer redis;
    RedisPolicyStore writer;
    RedisPolicyStore readerStore;
    MtaStsResolver reader;
    FakePolicyFetcher readerFetcher;
    String[] domains;
    int next;

    /** Creates the state. */
    public Cold() {}

    /** Saves the entries as another node would and builds the reader; prints bytes per entry. */
    @Setup(Level.Trial)
    public void setUp() {
      redis = startRedis();
      writer = RedisPolicyStore.builder().uri(redis.uri()).build();
      domains = new String[COLD_DOMAINS];
      FakeDnsLookup dns = FakeDnsLookup.create();
      Instant now = Instant.now();
      List<CompletableFuture<Void>> saves = new ArrayList<>();
      for (int i = 0; i < COLD_DOMAINS; i++) {
        domains[i] = BenchDomains.domain(i);
        dns.putTxt("_mta-sts." + domains[i], BenchDomains.STS_RECORD);
        saves.add(writer.save(new StoredPolicy(PolicyDomain.of(domains[i]), BenchDomains.POLICY_ID,
            BenchDomains.policy(i), now, now.plus(Duration.ofDays(7)))).toCompletableFuture());
        if (saves.size() == 256) {
          CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).join();
          saves.clear();
        }
      }
      CompletableFuture.allOf(saves.toArray(CompletableFuture[]::new)).join();
      printBytesPerEntry();
      readerStore = RedisPolicyStore.builder().uri(redis.uri()).build();
      // No policy host: a fetch would fail, so a success proves the entry came from Redis.
      readerFetcher = FakePolicyFetcher.create();
      reader = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(readerFetcher).policyStore(readerStore)
          .clock(InstantSource.system()).executor(Runnable::run).maxCachedDomains(COLD_MEMORY).build();
      PolicyResolution first = reader.resolve(domains[0]).toCompletableFuture().join();
      if (!(first instanceof PolicyResolution.Active a) || a.source() != PolicySource.CACHED) {
        throw new IllegalStateException("the reader did not serve from Redis: " + first);
      }
    }

    private void printBytesPerEntry() {
      long total = 0;
      int sampled = 0;
      long bodyBytes = 0;
      for (int i = 0; i < COLD_DOMAINS; i += COLD_DOMAINS / 100) {
        total += Long.parseLong(String.valueOf(redis.command("MEMORY", "USAGE",
            writer.keyOf(PolicyDomain.of(domains[i])), "SAMPLES", "0")));
        bodyBytes += BenchDomains.policy(i).length();
        sampled++;
      }
      String info = String.valueOf(redis.command("INFO", "memory"));
      System.out.printf("%nRedis MEMORY USAGE per entry: %d bytes on average over %d entries "
          + "(policy body %d bytes on average); %s%n", total / sampled, sampled, bodyBytes / sampled,
          info.lines().filter(l -> l.startsWith("used_memory:")).findFirst().orElse("") + " for "
          + COLD_DOMAINS + " entries");
    }

    String nextDomain() {
      int i = next;
      next = i + 1 == COLD_DOMAINS ? 0 : i + 1;
      return domains[i];
    }

    /** Checks nothing was fetched and stops Redis. */
    @TearDown(Level.Trial)
    public void tearDown() {
      int fetches = 0;
      for (String d : domains) {
        fetches += readerFetcher.fetches(d);
      }
      if (fetches != 0) {
        System.out.println("WARNING: the reader fetched " + fetches + " times");
      }
      readerStore.close();
      writer.close();
      redis.close();
    }
  }

  /** Creates the benchmark. */
  public RedisStoreBenchmark() {}

  /**
   * One warm resolution (the hot path) on one thread.
   *
   * @param w the warm resolver
   * @return the (already complete) resolution
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Threads(1)
  public CompletionStage<PolicyResolution> warmResolve(Warm w) {
    int i = w.next;
    w.next = (i + 1) & (w.order.length - 1);
    return w.warm.resolver().resolve(w.order[i]);
  }

  /**
   * One resolution of a domain not in memory that another node saved in Redis.
   *
   * @param c the reader
   * @return the resolution
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @Threads(1)
  public PolicyResolution coldFromRedis(Cold c) {
    return c.reader.resolve(c.nextDomain()).toCompletableFuture().join();
  }
}
