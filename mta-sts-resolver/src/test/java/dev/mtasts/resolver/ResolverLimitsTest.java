package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.Gate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What an attacker can make the resolver hold or do is bounded (SEC-23, SEC-24, SEC-26). */
class ResolverLimitsTest {

  /** A policy of almost 64 KiB, the size limit of FET-10, made of MX lines. */
  static String bigPolicy() {
    StringBuilder b = new StringBuilder("version: STSv1\nmode: enforce\nmax_age: 86400\n");
    for (int i = 0; b.length() < 64 * 1024 - 40; i++) {
      b.append("mx: mx").append(i).append(".example.com\n");
    }
    return b.toString();
  }

  /** Serves one shared body for every domain, so that the test itself holds it once. */
  static final class OneBodyFetcher implements PolicyFetcher {
    final byte[] body;
    final MtaStsPolicy policy;
    final AtomicInteger fetches = new AtomicInteger();

    OneBodyFetcher(String text) {
      this.body = text.getBytes(StandardCharsets.UTF_8);
      this.policy = MtaStsPolicy.parse(text);
    }

    @Override
    public CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain) {
      fetches.incrementAndGet();
      return CompletableFuture.completedStage(new PolicyFetchOutcome.Fetched(domain.policyUri(), body, policy,
          List.of(), 200, "text/plain", Duration.ZERO, new CertificateSummary("CN=h", "CN=ca", List.of(),
              Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z"), "")));
    }
  }

  /** A store that keeps nothing, so that only the resolver's own memory is at stake. */
  static final class ForgetfulStore extends ForwardingPolicyStore {
    ForgetfulStore() {
      super(PolicyStore.inMemory());
    }

    @Override
    public CompletionStage<Void> save(StoredPolicy entry) {
      return CompletableFuture.completedStage(null);
    }
  }

  static String domain(int i) {
    return "d" + i + ".example.net";
  }

  @Test
  void twoThousandDomainsWith64KiBPoliciesStayUnderTheByteCap() {
    // SEC-23: 2,000 x 64 KiB would be 131 MB of policy text; the default cap is 64 MiB.
    String text = bigPolicy();
    OneBodyFetcher fetcher = new OneBodyFetcher(text);
    ResolverFixture f = new ResolverFixture(new ForgetfulStore(), fetcher, b -> { });
    long peak = 0;
    for (int i = 0; i < 2000; i++) {
      f.dns.putTxt("_mta-sts." + domain(i), "v=STSv1; id=1");
      assertThat(f.resolve(domain(i))).isInstanceOf(PolicyResolution.Active.class);
      peak = Math.max(peak, f.resolver.cacheStats().bytes());
    }
    assertThat(fetcher.fetches).hasValue(2000);
    assertThat(peak).as("policy bytes in memory at any time").isLessThanOrEqualTo(64L << 20);
    CacheStats stats = f.resolver.cacheStats();
    assertThat(stats.bytes()).isEqualTo((long) stats.domains() * text.length());
    assertThat(stats.domains()).isBetween(900, 1024);
  }

  @Test
  void theDomainCapEvictsTheLeastRecentlyUsedAndTheStoreBringsThemBack() {
    // SEC-23: evicted from memory, not from the store; CAC-3 after the reload.
    ResolverFixture f = new ResolverFixture(PolicyStore.inMemory(), b -> b.maxCachedDomains(10)
        .txtRecheckInterval(Duration.ZERO));
    for (int i = 0; i < 30; i++) {
      f.dns.putTxt("_mta-sts." + domain(i), "v=STSv1; id=1");
      f.fetcher.serve(domain(i), POLICY_ENFORCE);
      f.resolve(domain(i));
      f.clock.advance(Duration.ofSeconds(2));
      // The first domain is in use all along: never the least recently used.
      f.resolve(domain(0));
      f.clock.advance(Duration.ofSeconds(2));
    }
    assertThat(f.resolver.cacheStats().domains()).isLessThanOrEqualTo(10);
    assertThat(f.resolver.cached(PolicyDomain.of(domain(0)))).isPresent();
    assertThat(f.resolver.cached(PolicyDomain.of(domain(1)))).isEmpty();

    PolicyResolution again = f.resolve(domain(1));
    assertThat(again).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.source()).isEqualTo(PolicySource.CACHED);
      assertThat(a.trace().rule()).isEqualTo("CAC-3");
    });
    assertThat(f.fetcher.fetches(domain(1))).as("reloaded from the store, not fetched").isEqualTo(1);
  }

  @Test
  void aDomainWithAFetchInFlightIsNeverEvicted() {
    // SEC-23: eviction must not split a single flight into two fetches.
    ResolverFixture f = new ResolverFixture(b -> b.maxCachedDomains(2)).publish("1", POLICY_ENFORCE);
    Gate host = f.fetcher.hold(DOMAIN);
    CompletableFuture<PolicyResolution> first = f.resolver.resolve(DOMAIN).toCompletableFuture();
    for (int i = 0; i < 5; i++) {
      // Each later domain is more recently used: the one in flight is the least recently used.
      f.clock.advance(Duration.ofSeconds(2));
      f.resolve(domain(i));
    }
    assertThat(f.resolver.cacheStats().domains()).isLessThanOrEqualTo(2);
    CompletableFuture<PolicyResolution> second = f.resolver.resolve(DOMAIN).toCompletableFuture();
    host.release();
    assertThat(first.join()).isInstanceOf(PolicyResolution.Active.class);
    assertThat(second.join()).isInstanceOf(PolicyResolution.Active.class);
    assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
  }

  @Test
  void fetchesBeyondTheConcurrencyCapWaitForAFreeSlot() {
    // SEC-23
    ResolverFixture f = new ResolverFixture(b -> b.maxConcurrentFetches(2));
    List<Gate> gates = new ArrayList<>();
    List<CompletableFuture<PolicyResolution>> results = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      f.dns.putTxt("_mta-sts." + domain(i), "v=STSv1; id=1");
      f.fetcher.serve(domain(i), POLICY_ENFORCE);
      gates.add(f.fetcher.hold(domain(i)));
      results.add(f.resolver.resolve(domain(i)).toCompletableFuture());
    }
    Supplier<Integer> started = () -> {
      int n = 0;
      for (int i = 0; i < 5; i++) {
        n += f.fetcher.fetches(domain(i));
      }
      return n;
    };
    assertThat(started.get()).isEqualTo(2);
    assertThat(f.resolver.cacheStats()).satisfies(s -> {
      assertThat(s.fetchesRunning()).isEqualTo(2);
      assertThat(s.fetchesWaiting()).isEqualTo(3);
    });
    gates.get(0).release();
    assertThat(results.get(0)).isCompleted();
    assertThat(started.get()).as("the freed slot goes to the next fetch in line").isEqualTo(3);
    assertThat(f.fetcher.fetches(domain(2))).isEqualTo(1);
    gates.forEach(Gate::release);
    assertThat(results).allSatisfy(r -> assertThat(r.join()).isInstanceOf(PolicyResolution.Active.class));
    assertThat(f.resolver.cacheStats().fetchesRunning()).isZero();
  }

  @Test
  void rotatingTxtIdsAreFetchedAtMostThreeTimesPerTenMinutes() {
    // SEC-24 (FET-12 allows rate limiting): an id per lookup must not mean a fetch per resolution.
    ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
    f.resolve();
    PolicyResolution last = null;
    for (int id = 2; id <= 50; id++) {
      f.dns.putTxt(STS, "v=STSv1; id=" + id);
      last = f.resolve();
      f.clock.advance(Duration.ofSeconds(1));
    }
    assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(3);
    assertThat(last).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.policyId()).isEqualTo("3");
      assertThat(a.source()).isEqualTo(PolicySource.CACHED_AFTER_FAILURE);
      assertThat(a.trace().rule()).isEqualTo("SEC-24");
    });
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.policyId()).isEqualTo("50"));
  }

  @Test
  void rotatingTxtIdsWithNothingCachedMeanNoPolicyForNow() {
    // SEC-24
    ResolverFixture f = new ResolverFixture(b -> b.negativeCacheDuration(Duration.ZERO)
        .fetchRateLimit(1, Duration.ofMinutes(10)));
    f.dns.putTxt(STS, "v=STSv1; id=1");
    f.fetcher.fail(DOMAIN, dev.mtasts.core.fetch.FetchFailure.CONNECT_FAILED);
    f.resolve();
    f.dns.putTxt(STS, "v=STSv1; id=2");
    f.fetcher.serve(DOMAIN, POLICY_ENFORCE);
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class, n -> {
      assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_BACKOFF);
      assertThat(n.trace().rule()).isEqualTo("SEC-24");
    });
    assertThat(f.fetcher.fetches(DOMAIN)).isEqualTo(1);
  }

  @Test
  void listenersThatThrowErrorsNeitherBlockNorBreakResolution() {
    // SEC-26: the future completes first; every Throwable a listener throws is contained.
    for (Supplier<Throwable> error : List.<Supplier<Throwable>>of(() -> new AssertionError("listener bug"),
        StackOverflowError::new)) {
      AtomicInteger calls = new AtomicInteger();
      ResolverFixture f = new ResolverFixture(b -> b.addListener(e -> {
        calls.incrementAndGet();
        throw sneaky(error.get());
      })).publish("1", POLICY_ENFORCE);
      assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
      assertThat(f.resolve()).as("the hot path too").isInstanceOf(PolicyResolution.Active.class);
      assertThat(f.resolve("nothing.example")).isInstanceOf(PolicyResolution.NoPolicy.class);
      assertThat(calls.get()).isGreaterThanOrEqualTo(4);
      assertThat(f.events(MtaStsEvent.Resolved.class)).as("other listeners still hear everything").hasSize(3);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }

  @Test
  void theNewOptionsAreSetOnceAndChecked() {
    assertThatIllegalStateException().isThrownBy(() -> MtaStsResolver.builder().maxCachedDomains(5).maxCachedDomains(5))
        .withMessageContaining("maxCachedDomains was already set");
    assertThatIllegalArgumentException().isThrownBy(() -> MtaStsResolver.builder().maxConcurrentFetches(0));
    assertThatIllegalArgumentException().isThrownBy(() -> MtaStsResolver.builder().maxCachedBytes(0));
    assertThatIllegalArgumentException().isThrownBy(() -> MtaStsResolver.builder().fetchTimeout(Duration.ZERO))
        .withMessageContaining("fetchTimeout must be positive");
    assertThatIllegalStateException().isThrownBy(() -> MtaStsResolver.builder().clock(java.time.InstantSource.system())
        .clock(java.time.InstantSource.system())).withMessageContaining("clock was already set");
    assertThatIllegalStateException().isThrownBy(() -> MtaStsResolver.builder()
        .fetchRateLimit(3, Duration.ofMinutes(1)).fetchRateLimit(3, Duration.ofMinutes(1)));
  }
}
