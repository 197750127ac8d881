package dev.mtasts.benchmarks;

import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;
import org.openjdk.jol.vm.VM;

/**
 * Heap per cached two-MX policy: JOL's retained size of a resolver with {@code N} cached
 * domains, minus the same resolver before it cached anything, divided by {@code N}, with the
 * classes that make it up.
 *
 * <p>Run with {@code java -Djdk.attach.allowAttachSelf=true -cp benchmarks.jar
 * dev.mtasts.benchmarks.HeapFootprint [N]} (the property lets JOL ask the JVM for exact object
 * sizes); the default {@code N} is {@value #DEFAULT_DOMAINS}. The resolver is built with its defaults (the
 * in-memory store included, so the figure is what an MTA using it holds) on
 * {@link ComputedDomains}, which keeps nothing per domain.
 */
public final class HeapFootprint {
  /** How many domains are cached unless the first argument says otherwise. */
  public static final int DEFAULT_DOMAINS = 100_000;

  /** What the issue asks of one cached two-MX policy, in bytes. */
  public static final long TARGET_BYTES = 600;

  static {
    // The resolver's state is made of records, and JDK 17's Unsafe refuses field offsets of
    // record fields; JOL then needs its own way of finding them. Set before JOL initializes.
    if (System.getProperty("jol.magicFieldOffset") == null) {
      System.setProperty("jol.magicFieldOffset", "true");
    }
  }

  private HeapFootprint() {}

  /**
   * The measured footprint.
   *
   * @param domains how many domains were cached
   * @param bytesPerDomain retained bytes per cached domain
   * @param objectsPerDomain objects per cached domain
   * @param byClass per-class bytes and objects per domain, largest first
   */
  public record Footprint(int domains, double bytesPerDomain, double objectsPerDomain, List<ClassShare> byClass) {}

  /**
   * One class's share of a cached domain.
   *
   * @param className the class
   * @param bytesPerDomain bytes per cached domain
   * @param objectsPerDomain instances per cached domain
   */
  public record ClassShare(String className, double bytesPerDomain, double objectsPerDomain) {}

  /**
   * Prints the footprint of {@code args[0]} (default {@value #DEFAULT_DOMAINS}) cached domains.
   *
   * @param args optionally, the number of domains
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_DOMAINS;
    System.out.println(VM.current().details());
    Footprint f = measure(n);
    System.out.printf(Locale.ROOT, "cached domains: %d%n", f.domains());
    System.out.printf(Locale.ROOT, "retained per cached two-MX policy: %.1f bytes in %.1f objects (target <= %d: %s)%n",
        f.bytesPerDomain(), f.objectsPerDomain(), TARGET_BYTES, f.bytesPerDomain() <= TARGET_BYTES ? "met" : "missed");
    System.out.printf(Locale.ROOT, "%10s %10s  %s%n", "bytes", "objects", "class");
    for (ClassShare c : f.byClass()) {
      if (c.bytesPerDomain() >= 0.5) {
        System.out.printf(Locale.ROOT, "%10.1f %10.2f  %s%n", c.bytesPerDomain(), c.objectsPerDomain(), c.className());
      }
    }
  }

  /**
   * Builds a resolver, caches {@code n} domains and measures what they retain.
   *
   * @param n how many domains
   * @return the footprint
   */
  public static Footprint measure(int n) {
    ComputedDomains domains = new ComputedDomains();
    MtaStsResolver resolver = MtaStsResolver.builder()
        .dnsLookup(domains)
        .policyFetcher(domains)
        .clock(InstantSource.system())
        .executor(Runnable::run)
        // Every domain stays in memory: the benchmark measures a cache that holds them all.
        .maxCachedDomains(Math.max(1, n))
        .maxCachedBytes(Long.MAX_VALUE)
        .build();
    GraphLayout empty = GraphLayout.parseInstance(resolver);
    for (int i = 0; i < n; i++) {
      String d = BenchDomains.domain(i);
      PolicyResolution r = resolver.resolve(d).toCompletableFuture().join();
      if (!(r instanceof PolicyResolution.Active a) || a.source() != PolicySource.FETCHED) {
        throw new IllegalStateException("caching " + d + " gave " + r);
      }
    }
    // A second call of each must be a cache hit; this also proves the hot answers are built.
    PolicyResolution again = resolver.resolve(BenchDomains.domain(n - 1)).toCompletableFuture().join();
    if (!(again instanceof PolicyResolution.Active a) || a.source() != PolicySource.CACHED) {
      throw new IllegalStateException("not cached: " + again);
    }
    GraphLayout grown = GraphLayout.parseInstance(resolver).subtract(empty);
    Multiset<Class<?>> sizes = grown.getClassSizes();
    Multiset<Class<?>> counts = grown.getClassCounts();
    List<ClassShare> shares = new ArrayList<>();
    for (Class<?> c : grown.getClasses()) {
      shares.add(new ClassShare(c.getName(), (double) sizes.count(c) / n, (double) counts.count(c) / n));
    }
    shares.sort(Comparator.comparingDouble(ClassShare::bytesPerDomain).reversed());
    return new Footprint(n, (double) grown.totalSize() / n, (double) grown.totalCount() / n, shares);
  }
}
