package dev.mtasts.benchmarks;

import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.fetch.AddressResolver;
import dev.mtasts.fetch.HttpPolicyFetcher;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.testing.KnotServer;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cold start of a sender against real servers: {@code N} distinct domains, each resolved once
 * (its {@code _mta-sts} TXT record and policy) and its MX looked up and matched against the
 * policy, with knotd serving one zone of {@code N} {@code _mta-sts} TXT, MX and policy-host A
 * records and an HTTPS policy host on loopback. Reports domains per second and the peak number
 * of threads ({@link ThreadMXBean#getPeakThreadCount()}, reset before the run) and of open
 * sockets (entries of {@code /proc/self/fd} that are sockets, sampled every 10 ms; Linux only).
 *
 * <p>Unlike {@link ColdResolve}, nothing is proxied: the fetcher finds the policy hosts through
 * knotd ({@link AddressResolver#from}) and connects to the host's port on 127.0.0.1, and it runs
 * on its own default pool, so its threads are counted as a sender would have them. The
 * concurrency is what the library bounds: the resolver's {@code maxConcurrentFetches} (default
 * 64) fetches at a time, and at most {@code in-flight} domains started by the caller (an MTA's
 * own bound on deliveries in progress).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.mtasts.benchmarks.ColdLoad [domains] [runs]
 * [in-flight] [threads]}; defaults {@code 10000 3 256 2}. {@code threads} is the fixed pool of
 * the resolver and the DNS lookup. Each run uses a new resolver, DNS lookup and fetcher; an
 * unreported warm-up run of at most 1,000 domains comes first. The process and the servers
 * (knotd is a separate process, the policy host is in this JVM on 2 threads of its own, which
 * the thread count includes, and its sockets, which the socket count includes) share the machine.
 */
public final class ColdLoad {
  private static final Path FDS = Path.of("/proc/self/fd");

  private ColdLoad() {}

  /**
   * One run's outcome.
   *
   * @param domains domains resolved
   * @param seconds wall-clock time from the first call to the last answer
   * @param matched domains whose fetched policy matched their MX host
   * @param peakThreads the JVM's peak live thread count during the run
   * @param peakSockets the most sockets open at one sample
   * @param threadsBefore live threads before the run
   * @param socketsBefore sockets open before the run
   */
  public record Run(int domains, double seconds, int matched, int peakThreads, int peakSockets, int threadsBefore,
      int socketsBefore) {
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
   * Runs the measurement and prints each run.
   *
   * @param args domains, runs, in-flight, threads (all optional)
   * @throws Exception if the servers cannot start
   */
  public static void main(String[] args) throws Exception {
    int domains = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    System.out.printf(Locale.ROOT, "cold load: %d distinct domains, %d runs, at most %d in flight, %d resolver/DNS "
        + "threads, fetcher on its default pool, resolver maxConcurrentFetches %d%n", domains, runs, inFlight, threads,
        MtaStsResolver.DEFAULT_MAX_CONCURRENT_FETCHES);
    StringBuilder zone = new StringBuilder("$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\n"
        + "ns A 127.0.0.1\n");
    for (int i = 0; i < domains; i++) {
      String d = "d" + i;
      zone.append("_mta-sts.").append(d).append(" TXT \"").append(BenchDomains.STS_RECORD).append("\"\n")
          .append(d).append(" MX 10 mx1.").append(d).append('\n')
          .append("mta-sts.").append(d).append(" A 127.0.0.1\n");
    }
    TestPki pki = TestPki.create();
    ExecutorService workers = Executors.newFixedThreadPool(threads, r -> PolicyHost.daemon(r, "resolver"));
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> PolicyHost.daemon(r, "timers"));
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> PolicyHost.daemon(r, "sampler"));
    try (KnotServer knot = KnotServer.start(Map.of(BenchDomains.ZONE, zone.toString()));
        MultiNamePolicyHost host = MultiNamePolicyHost.start(pki, domains, 2)) {
      for (int run = -1; run < runs; run++) {
        int count = run < 0 ? Math.min(domains, 1000) : domains;
        DnsjavaLookup dns = DnsjavaLookup.builder().servers(knot.hostPort()).executor(workers).scheduler(timers)
            .queryTimeout(Duration.ofSeconds(2)).deadline(Duration.ofSeconds(10)).build();
        HttpPolicyFetcher fetcher = HttpPolicyFetcher.builder().addressResolver(AddressResolver.from(dns))
            .port(host.address().getPort()).trustManager(pki.trustManager()).deadline(Duration.ofSeconds(30)).build();
        MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).executor(workers)
            .build();
        Run r = run(resolver, dns, count, inFlight, sampler);
        System.out.printf(Locale.ROOT, "  %s: %d domains in %.3f s = %.0f domains/s, %d matched; peak threads %d "
            + "(%d before), peak sockets %d (%d before)%n", run < 0 ? "warm-up (not counted)" : "run " + (run + 1),
            r.domains(), r.seconds(), r.domainsPerSecond(), r.matched(), r.peakThreads(), r.threadsBefore(),
            r.peakSockets(), r.socketsBefore());
      }
    } finally {
      workers.shutdownNow();
      timers.shutdownNow();
      sampler.shutdownNow();
    }
    System.exit(0);
  }

  /** Resolves and MX-matches every domain once, sampling threads and sockets. */
  static Run run(MtaStsResolver resolver, DnsjavaLookup dns, int domains, int inFlight,
      ScheduledExecutorService sampler) {
    ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    int threadsBefore = threadBean.getThreadCount();
    int socketsBefore = sockets();
    threadBean.resetPeakThreadCount();
    AtomicInteger peakSockets = new AtomicInteger(socketsBefore);
    var sampling = sampler.scheduleAtFixedRate(() -> peakSockets.accumulateAndGet(sockets(), Math::max),
        0, 10, TimeUnit.MILLISECONDS);
    Semaphore slots = new Semaphore(inFlight);
    AtomicInteger matched = new AtomicInteger();
    Map<String, String> failures = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < domains; i++) {
      String name = BenchDomains.domain(i);
      slots.acquireUninterruptibly();
      CompletableFuture<PolicyResolution> policy = resolver.resolve(name).toCompletableFuture();
      CompletableFuture<DnsOutcome<MxRecord>> mx = dns.mx(name).toCompletableFuture();
      policy.thenCombine(mx, (p, m) -> p instanceof PolicyResolution.Active a && a.source() == PolicySource.FETCHED
              && m instanceof DnsOutcome.Records<MxRecord> records && !records.records().isEmpty()
              && a.policy().matches(records.records().get(0).host()) ? "ok" : p + " / " + m)
          .whenComplete((outcome, t) -> {
            if ("ok".equals(outcome)) {
              matched.incrementAndGet();
            } else if (failures.size() < 5) {
              failures.put(name, t != null ? t.toString() : String.valueOf(outcome));
            }
            slots.release();
          });
    }
    boolean finished = ColdResolve.awaitAll(slots, inFlight);
    double seconds = (System.nanoTime() - start) / 1e9;
    sampling.cancel(false);
    peakSockets.accumulateAndGet(sockets(), Math::max);
    if (!finished) {
      System.out.println("  gave up waiting: " + (inFlight - slots.availablePermits()) + " domains never ended");
    }
    if (!failures.isEmpty()) {
      System.out.println("  some domains were not matched, e.g.: " + failures);
    }
    return new Run(domains, seconds, matched.get(), threadBean.getPeakThreadCount(), peakSockets.get(), threadsBefore,
        socketsBefore);
  }

  /** Sockets this process has open now: entries of /proc/self/fd linking to {@code socket:[...]}. */
  static int sockets() {
    int n = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(FDS)) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith("socket:")) {
            n++;
          }
        } catch (IOException e) {
          // Closed between the listing and the read: not open any more.
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return n;
  }
}
