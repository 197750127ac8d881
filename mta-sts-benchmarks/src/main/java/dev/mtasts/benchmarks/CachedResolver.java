package dev.mtasts.benchmarks;

import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import java.time.InstantSource;
import java.util.function.Consumer;

/**
 * A resolver with a fresh cached policy for each of {@code n} synthetic domains, built the way a
 * running MTA gets there: every domain resolved once through the in-process fakes of
 * {@code mta-sts-testing}.
 *
 * <p>The resolver keeps its defaults (in-memory store, system clock, five-minute TXT re-check
 * interval) except for the executor, which runs continuations on the calling thread so that the
 * warm-up is a plain loop; the fast path never touches the executor.
 */
public final class CachedResolver {
  private final MtaStsResolver resolver;
  private final String[] domains;

  private CachedResolver(MtaStsResolver resolver, String[] domains) {
    this.resolver = resolver;
    this.domains = domains;
  }

  /**
   * Builds the resolver and resolves every domain once.
   *
   * @param n how many domains to cache
   * @return the warm resolver
   * @throws IllegalStateException if a domain did not end up with a cached active policy
   */
  public static CachedResolver warm(int n) {
    return warm(n, PolicyStore.inMemory());
  }

  /**
   * Builds the resolver on a policy store and resolves every domain once.
   *
   * @param n how many domains to cache
   * @param store the policy store, such as a Redis store
   * @return the warm resolver
   * @throws IllegalStateException if a domain did not end up with a cached active policy
   */
  public static CachedResolver warm(int n, PolicyStore store) {
    return warm(n, store, b -> { });
  }

  /**
   * Builds the resolver with extra options, such as a listener, and resolves every domain once.
   *
   * @param n how many domains to cache
   * @param store the policy store
   * @param options more builder options, applied last
   * @return the warm resolver
   * @throws IllegalStateException if a domain did not end up with a cached active policy
   */
  public static CachedResolver warm(int n, PolicyStore store, Consumer<MtaStsResolver.Builder> options) {
    FakeDnsLookup dns = FakeDnsLookup.create();
    FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    String[] domains = new String[n];
    for (int i = 0; i < n; i++) {
      domains[i] = BenchDomains.domain(i);
      dns.putTxt("_mta-sts." + domains[i], BenchDomains.STS_RECORD);
      fetcher.serve(domains[i], BenchDomains.policy(i));
    }
    MtaStsResolver.Builder builder = MtaStsResolver.builder()
        .dnsLookup(dns)
        .policyFetcher(fetcher)
        .policyStore(store)
        .clock(InstantSource.system())
        .executor(Runnable::run)
        // Every domain stays in memory: the benchmark measures a cache that holds them all.
        .maxCachedDomains(Math.max(1, n))
        .maxCachedBytes(Long.MAX_VALUE);
    options.accept(builder);
    MtaStsResolver resolver = builder.build();
    for (String d : domains) {
      PolicyResolution r = resolver.resolve(d).toCompletableFuture().join();
      if (!(r instanceof PolicyResolution.Active a) || a.source() != PolicySource.FETCHED) {
        throw new IllegalStateException("warming " + d + " gave " + r);
      }
    }
    CachedResolver warm = new CachedResolver(resolver, domains);
    PolicyResolution again = resolver.resolve(domains[0]).toCompletableFuture().join();
    if (!(again instanceof PolicyResolution.Active a) || a.source() != PolicySource.CACHED) {
      throw new IllegalStateException("the second resolution of " + domains[0] + " gave " + again);
    }
    return warm;
  }

  /**
   * Returns the resolver.
   *
   * @return the warm resolver
   */
  public MtaStsResolver resolver() {
    return resolver;
  }

  /**
   * Returns the cached domains' names.
   *
   * @return the names, index {@code i} holding {@code BenchDomains.domain(i)}; do not modify
   */
  public String[] domains() {
    return domains;
  }
}
