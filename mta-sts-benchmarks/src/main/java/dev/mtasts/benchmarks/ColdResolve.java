package dev.mtasts.benchmarks;

import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.KnotServer;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Cold resolution of many distinct domains, each looked up and fetched once: with the in-process
 * fakes, and with real servers (knotd for DNS, an HTTPS policy host on loopback) through
 * {@link DnsjavaLookup} and {@link HttpPolicyFetcher}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.mtasts.benchmarks.ColdResolve
 * [fakes|real|both|real-dns|real-fetch]
 * [domains] [runs] [in-flight] [threads]}; defaults {@code both 10000 3 256 2}. Each run uses a
 * new resolver (and, for the real servers, a new DNS lookup and HTTP client), so every domain is
 * a cache miss. At most {@code in-flight} resolutions are outstanding, bounded by a semaphore; the
 * work runs on a fixed pool of {@code threads} threads shared by the resolver, the DNS lookup and
 * the HTTP client: nothing holds a thread while it waits for the network.
 */
public final class ColdResolve {
  private ColdResolve() {}

  /**
   * One run's outcome.
   *
   * @param domains how many domains were resolved
   * @param seconds wall-clock time from the first call to the last answer
   * @param active how many ended with a freshly fetched active policy
   */
  public record Run(int domains, double seconds, int active) {
    /**
     * Returns the throughput.
     *
     * @return domains per second
     */
    public double domainsPerSecond() {
      return domains / seconds;
    }
  }

  /**
   * Runs the fake and/or real cold-resolve measurements and prints each run and the summary.
   *
   * @param args mode, domains, runs, in-flight, threads (all optional)
   * @throws Exception if the servers cannot start
   */
  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "both";
    int domains = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int inFlight = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    System.out.printf(Locale.ROOT, "cold resolve: %d distinct domains, %d runs, at most %d in flight, %d worker threads%n",
        domains, runs, inFlight, threads);
    if (mode.equals("fakes") || mode.equals("both")) {
      report("in-process fakes", measureWithFakes(domains, runs, inFlight, threads));
    }
    if (mode.equals("real") || mode.equals("both")) {
      report("knotd + HTTPS policy host", measureWithServers(domains, runs, inFlight, threads, true, true));
    }
    // Where the time goes: one real part at a time, the other faked.
    if (mode.equals("real-dns")) {
      report("knotd + fake fetcher", measureWithServers(domains, runs, inFlight, threads, true, false));
    }
    if (mode.equals("real-fetch")) {
      report("fake DNS + HTTPS policy host", measureWithServers(domains, runs, inFlight, threads, false, true));
    }
    // dnsjava's selector thread and the JDK HttpClient's selector are daemons, but be explicit.
    System.exit(0);
  }

  /**
   * Measures cold resolution through {@link FakeDnsLookup} and {@link FakePolicyFetcher}.
   *
   * @param domains how many domains
   * @param runs how many runs
   * @param inFlight the concurrency bound
   * @param threads the worker pool size
   * @return one result per run
   */
  public static List<Run> measureWithFakes(int domains, int runs, int inFlight, int threads) {
    FakeDnsLookup dns = FakeDnsLookup.create();
    FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    for (int i = 0; i < domains; i++) {
      dns.putTxt("_mta-sts." + BenchDomains.domain(i), BenchDomains.STS_RECORD);
      fetcher.serve(BenchDomains.domain(i), BenchDomains.policy(i));
    }
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> PolicyHost.daemon(r, "resolver"));
    try {
      List<Run> results = new ArrayList<>();
      // Unreported runs first, so that the JIT has compiled the resolver before timing.
      for (int run = -3; run < runs; run++) {
        Run r = resolveAll(() -> MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher)
            .executor(workers).build(), domains, inFlight);
        if (run >= 0) {
          results.add(r);
          print("fakes", run, r);
        }
      }
      return results;
    } finally {
      workers.shutdownNow();
    }
  }

  /**
   * Measures cold resolution against knotd and an HTTPS policy host on loopback, reached by name
   * through a CONNECT proxy (Java 17 has no pluggable host name resolver).
   *
   * @param domains how many domains
   * @param runs how many runs
   * @param inFlight the concurrency bound
   * @param threads the worker pool size
   * @param realDns whether to use knotd and {@link DnsjavaLookup}, else {@link FakeDnsLookup}
   * @param realFetch whether to use the policy host and {@link HttpPolicyFetcher}, else
   *     {@link FakePolicyFetcher}
   * @return one result per run
   * @throws IOException if knotd does not start
   */
  public static List<Run> measureWithServers(int domains, int runs, int inFlight, int threads, boolean realDns,
      boolean realFetch) throws IOException {
    FakeDnsLookup fakeDns = FakeDnsLookup.create();
    FakePolicyFetcher fakeFetcher = FakePolicyFetcher.create();
    for (int i = 0; i < domains; i++) {
      fakeDns.putTxt("_mta-sts." + BenchDomains.domain(i), BenchDomains.STS_RECORD);
      fakeFetcher.serve(BenchDomains.domain(i), BenchDomains.policy(i));
    }
    StringBuilder zone = new StringBuilder("$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n"
        + "ns A 127.0.0.1\n");
    for (int i = 0; i < domains; i++) {
      zone.append("_mta-sts.d").append(i).append(" TXT \"").append(BenchDomains.STS_RECORD).append("\"\n");
    }
    TestPki pki = TestPki.create();
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> PolicyHost.daemon(r, "resolver"));
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> PolicyHost.daemon(r, "timers"));
    try (KnotServer knot = KnotServer.start(Map.of(BenchDomains.ZONE, zone.toString()));
        MultiNamePolicyHost host = MultiNamePolicyHost.start(pki, domains, threads);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      List<Run> results = new ArrayList<>();
      for (int run = -1; run < runs; run++) {
        // The unreported first run warms the JIT on at most a thousand domains.
        int count = run < 0 ? Math.min(domains, 1000) : domains;
        Run r = resolveAll(() -> MtaStsResolver.builder()
            .dnsLookup(realDns ? DnsjavaLookup.builder().servers(knot.hostPort()).executor(workers).scheduler(timers)
                .queryTimeout(Duration.ofSeconds(2)).deadline(Duration.ofSeconds(10)).build() : fakeDns)
            .policyFetcher(realFetch ? HttpPolicyFetcher.builder().proxy(proxy.selector())
                .trustManager(pki.trustManager()).executor(workers).deadline(Duration.ofSeconds(30)).build()
                : fakeFetcher)
            .executor(workers)
            .build(), count, inFlight);
        if (run >= 0) {
          results.add(r);
          print("real", run, r);
        } else {
          print("real (warm-up, not counted)", run, r);
        }
      }
      return results;
    } finally {
      workers.shutdownNow();
      timers.shutdownNow();
    }
  }

  /** Resolves every domain once on a new resolver, at most {@code inFlight} at a time. */
  private static Run resolveAll(Supplier<MtaStsResolver> newResolver, int domains, int inFlight) {
    MtaStsResolver resolver = newResolver.get();
    String[] names = new String[domains];
    for (int i = 0; i < domains; i++) {
      names[i] = BenchDomains.domain(i);
    }
    Semaphore slots = new Semaphore(inFlight);
    AtomicInteger active = new AtomicInteger();
    Map<String, String> failures = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    for (String name : names) {
      slots.acquireUninterruptibly();
      resolver.resolve(name).whenComplete((r, t) -> {
        if (r instanceof PolicyResolution.Active a && a.source() == PolicySource.FETCHED) {
          active.incrementAndGet();
        } else if (failures.size() < 5) {
          failures.put(name, t != null ? t.toString() : r.toString());
        }
        slots.release();
      });
    }
    boolean finished = awaitAll(slots, inFlight);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!finished) {
      System.out.println("  gave up waiting: " + (inFlight - slots.availablePermits()) + " resolutions never ended");
    }
    if (!failures.isEmpty()) {
      System.out.println("  some resolutions were not fresh active policies, e.g.: " + failures);
    }
    return new Run(domains, seconds, active.get());
  }

  /**
   * Waits until all {@code inFlight} permits are back, that is until every resolution started
   * has ended; every one ends within the fetch and DNS deadlines, so the ten-minute limit only
   * guards against a hang.
   */
  static boolean awaitAll(Semaphore slots, int inFlight) {
    try {
      return slots.tryAcquire(inFlight, 10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void print(String what, int run, Run r) {
    System.out.printf(Locale.ROOT, "  %s run %d: %d domains in %.3f s = %.0f domains/s (%d active)%n", what, run + 1,
        r.domains(), r.seconds(), r.domainsPerSecond(), r.active());
  }

  private static void report(String what, List<Run> runs) {
    double mean = runs.stream().mapToDouble(Run::domainsPerSecond).average().orElse(Double.NaN);
    double min = runs.stream().mapToDouble(Run::domainsPerSecond).min().orElse(Double.NaN);
    double max = runs.stream().mapToDouble(Run::domainsPerSecond).max().orElse(Double.NaN);
    double var = runs.stream().mapToDouble(r -> Math.pow(r.domainsPerSecond() - mean, 2)).sum()
        / Math.max(1, runs.size() - 1);
    System.out.printf(Locale.ROOT, "%s: %.0f ± %.0f domains/s (sample sd; min %.0f, max %.0f, %d runs)%n", what,
        mean, Math.sqrt(var), min, max, runs.size());
  }
}
