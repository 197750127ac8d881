package dev.mtasts.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.resolver.DeferReason;
import dev.mtasts.resolver.FailureHandling;
import dev.mtasts.resolver.FetchReason;
import dev.mtasts.resolver.MtaStsEvent;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.NoPolicyReason;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.RefreshSummary;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.Gate;
import dev.mtasts.testing.ManualClock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each meter of {@link MtaStsMetrics} moves when a real resolver, over the test kit's fakes, does the thing it counts. */
class MtaStsMetricsTest {
  private static final String DOMAIN = "example.com";
  private static final String STS = "_mta-sts.example.com";
  private static final String ENFORCE =
      "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n";
  private static final String TESTING = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 604800\n";
  private static final String NONE = "version: STSv1\nmode: none\nmax_age: 604800\n";

  /** A resolver over the fakes, a manual clock, everything inline, the metrics as its listener. */
  private static final class Fixture {
    final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    final FakeDnsLookup dns = FakeDnsLookup.create();
    final FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    final List<MtaStsEvent> events = new CopyOnWriteArrayList<>();
    final MtaStsMetrics metrics = MtaStsMetrics.builder().ticker(clock.ticker()).build();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MtaStsResolver resolver;

    Fixture() {
      this(b -> { });
    }

    Fixture(Consumer<MtaStsResolver.Builder> options) {
      this(PolicyStore.inMemory(), options);
    }

    Fixture(PolicyStore store, Consumer<MtaStsResolver.Builder> options) {
      MtaStsResolver.Builder b = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).policyStore(store)
          .clock(clock).ticker(clock.ticker()).executor(Runnable::run).backgroundRecheck(false)
          .addListener(events::add).addListener(metrics);
      options.accept(b);
      resolver = b.build();
      metrics.observe(resolver).bindTo(registry);
    }

    Fixture publish(String domain, String id, String body) {
      dns.putTxt("_mta-sts." + domain, "v=STSv1; id=" + id);
      fetcher.serve(domain, body);
      return this;
    }

    PolicyResolution resolve(String domain) {
      return resolver.resolve(domain).toCompletableFuture().join();
    }

    RefreshSummary refresh() {
      return metrics.refreshDue().toCompletableFuture().join();
    }

    double count(String name, String... tags) {
      return registry.get(name).tags(tags).functionCounter().count();
    }

    double gauge(String name) {
      return registry.get(name).gauge().value();
    }
  }

  @Test
  @DisplayName("PFX-30: resolutions are counted by outcome, reason and source, cached answers included")
  void resolutionsAreCountedByOutcomeReasonAndSource() {
    Fixture f = new Fixture().publish(DOMAIN, "1", ENFORCE).publish("testing.example", "1", TESTING)
        .publish("none.example", "1", NONE);
    f.resolve(DOMAIN);
    f.resolve(DOMAIN);
    f.resolve(DOMAIN);
    f.resolve("testing.example");
    f.resolve("none.example");
    f.resolve("no-record.example");

    assertThat(f.count("mtasts.resolutions", "outcome", "enforce", "source", "fetched")).isEqualTo(1);
    assertThat(f.count("mtasts.resolutions", "outcome", "enforce", "source", "cached")).isEqualTo(2);
    assertThat(f.count("mtasts.resolutions", "outcome", "testing", "source", "fetched")).isEqualTo(1);
    assertThat(f.count("mtasts.resolutions", "outcome", "no-policy", "reason", "mode-none")).isEqualTo(1);
    assertThat(f.count("mtasts.resolutions", "outcome", "no-policy", "reason", "no-record")).isEqualTo(1);
    assertThat(f.count("mtasts.resolutions", "outcome", "deferred", "reason", "dns-failure")).isZero();
    assertThat(f.registry.get("mtasts.resolutions").functionCounters().stream()
        .mapToDouble(FunctionCounter::count).sum()).isEqualTo(6);
  }

  @Test
  @DisplayName("PFX-30: a DNS failure without a cached policy, configured to defer, counts as deferred")
  void aDeferredAnswerIsCountedWithItsReason() {
    Fixture f = new Fixture(b -> b.onDnsFailureWithoutCache(FailureHandling.DEFER));
    f.dns.failTxt(STS, DnsFailure.SERVFAIL);
    assertThat(f.resolve(DOMAIN)).isInstanceOf(PolicyResolution.Deferred.class);
    assertThat(f.count("mtasts.resolutions", "outcome", "deferred", "reason", "dns-failure")).isEqualTo(1);
  }

  @Test
  @DisplayName("PFX-30: a cached policy served is a cache hit, a fetched one a miss")
  void cacheGetsCountHitsAndMisses() {
    Fixture f = new Fixture().publish(DOMAIN, "1", ENFORCE);
    f.resolve(DOMAIN);
    f.resolve(DOMAIN);
    f.resolve(DOMAIN);
    assertThat(f.count("mtasts.cache.gets", "result", "miss")).isEqualTo(1);
    assertThat(f.count("mtasts.cache.gets", "result", "hit")).isEqualTo(2);
  }

  @Test
  @DisplayName("PFX-30: the cache gauges read the observed resolver's cacheStats()")
  void cacheGaugesReadTheResolversCacheStats() {
    Fixture f = new Fixture().publish(DOMAIN, "1", ENFORCE).publish("b.example", "1", TESTING);
    assertThat(f.gauge("mtasts.cache.size")).isZero();
    f.resolve(DOMAIN);
    f.resolve("b.example");
    f.resolve("no-record.example");
    assertThat(f.gauge("mtasts.cache.size")).isEqualTo(3);
    assertThat(f.gauge("mtasts.cache.bytes")).isEqualTo(ENFORCE.length() + TESTING.length());
    assertThat(f.registry.get("mtasts.cache.bytes").gauge().getId().getBaseUnit()).isEqualTo("bytes");

    f.publish("held.example", "1", ENFORCE);
    Gate host = f.fetcher.hold("held.example");
    CompletionStage<PolicyResolution> pending = f.resolver.resolve("held.example");
    assertThat(f.gauge("mtasts.fetches.running")).isEqualTo(1);
    assertThat(f.gauge("mtasts.fetches.waiting")).isZero();
    host.release();
    pending.toCompletableFuture().join();
    assertThat(f.gauge("mtasts.fetches.running")).isZero();
  }

  @Test
  @DisplayName("PFX-30: before a resolver is observed the gauges read NaN; observing another one fails")
  void gaugesAreNanUntilAResolverIsObserved() {
    MtaStsMetrics metrics = MtaStsMetrics.create();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics.bindTo(registry);
    assertThat(registry.get("mtasts.cache.size").gauge().value()).isNaN();
    assertThatIllegalStateException().isThrownBy(metrics::refreshDue).withMessageContaining("observe");
    Fixture f = new Fixture();
    assertThatIllegalStateException().isThrownBy(() -> f.metrics.observe(new Fixture().resolver))
        .withMessageContaining("already set");
    assertThat(f.metrics.observe(f.resolver)).isSameAs(f.metrics);
  }

  @Test
  @DisplayName("PFX-30: fetches are counted by reason and RFC 8460 result type")
  void fetchesAreCountedByReasonAndResultType() {
    Fixture f = new Fixture().publish(DOMAIN, "1", ENFORCE);
    f.resolve(DOMAIN);
    f.dns.putTxt("_mta-sts.bad-cert.example", "v=STSv1; id=1");
    f.fetcher.fail("bad-cert.example", FetchFailure.CERTIFICATE_EXPIRED);
    assertThat(f.resolve("bad-cert.example")).isInstanceOf(PolicyResolution.NoPolicy.class);

    assertThat(f.count("mtasts.fetches", "reason", "discovery", "result", "success", "failure", "none"))
        .isEqualTo(1);
    assertThat(f.count("mtasts.fetches", "reason", "discovery", "result", "sts-webpki-invalid",
        "failure", "certificate-expired")).isEqualTo(1);
    assertThat(f.registry.get("mtasts.fetches").tag("result", "sts-policy-fetch-error").functionCounters().stream()
        .mapToDouble(FunctionCounter::count).sum()).isZero();
  }

  @Test
  @DisplayName("PFX-30: TXT lookup failures are counted by DNS failure, and whether a cached policy stayed in use")
  void txtLookupFailuresAreCounted() {
    Fixture f = new Fixture(b -> b.txtRecheckInterval(Duration.ZERO)).publish(DOMAIN, "1", ENFORCE);
    f.resolve(DOMAIN);
    f.dns.failTxt(STS, DnsFailure.TIMEOUT);
    assertThat(f.resolve(DOMAIN)).isInstanceOf(PolicyResolution.Active.class);
    f.dns.failTxt("_mta-sts.other.example", DnsFailure.SERVFAIL);
    f.resolve("other.example");

    assertThat(f.count("mtasts.txt.lookup.failures", "failure", "timeout", "cached", "true")).isEqualTo(1);
    assertThat(f.count("mtasts.txt.lookup.failures", "failure", "servfail", "cached", "false")).isEqualTo(1);
    assertThat(f.count("mtasts.txt.lookup.failures", "failure", "timeout", "cached", "false")).isZero();
  }

  @Test
  @DisplayName("PFX-30: store failures are counted by operation; an operation not known counts as other")
  void storeErrorsAreCountedByOperation() {
    Fixture f = new Fixture(new FailingLoadStore(), b -> { }).publish(DOMAIN, "1", ENFORCE);
    f.resolve(DOMAIN);
    assertThat(f.count("mtasts.store.errors", "operation", "load")).isEqualTo(1);
    f.metrics.onEvent(new MtaStsEvent.StoreFailed(PolicyDomain.of(DOMAIN), "compact", new IOException("x")));
    f.metrics.onEvent(new MtaStsEvent.StoreFailed(PolicyDomain.of(DOMAIN), "loadAll", new IOException("x")));
    assertThat(f.count("mtasts.store.errors", "operation", "other")).isEqualTo(1);
    assertThat(f.count("mtasts.store.errors", "operation", "load-all")).isEqualTo(1);
  }

  /** A resolver with an enforce policy cached an hour past its refresh time (interval 1 h, no jitter). */
  private static Fixture dueForRefresh() {
    Fixture f = new Fixture(b -> b.refreshInterval(Duration.ofHours(1)).refreshJitter(Duration.ZERO))
        .publish(DOMAIN, "1", ENFORCE);
    f.resolve(DOMAIN);
    f.clock.advance(Duration.ofHours(2));
    return f;
  }

  @Test
  @DisplayName("PFX-30: refresh rounds are timed and their results counted")
  void refreshRoundsAreTimedAndCounted() {
    Fixture f = dueForRefresh();
    Gate host = f.fetcher.hold(DOMAIN);
    CompletableFuture<RefreshSummary> round = f.metrics.refreshDue().toCompletableFuture();
    f.clock.advance(Duration.ofSeconds(3));
    host.release();
    assertThat(round.join().unchanged()).isEqualTo(1);

    FunctionTimer rounds = f.registry.get("mtasts.refresh.rounds").tag("outcome", "completed").functionTimer();
    assertThat(rounds.count()).isEqualTo(1);
    assertThat(rounds.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3000);
    assertThat(f.count("mtasts.refresh.policies", "result", "unchanged")).isEqualTo(1);
    assertThat(f.count("mtasts.fetches", "reason", "refresh", "result", "success")).isEqualTo(1);
    assertThat(f.registry.get("mtasts.refresh.rounds").tag("outcome", "failed").functionTimer().count()).isZero();
  }

  @Test
  @DisplayName("PFX-30: a refresh failure with an enforce policy cached is counted by result type")
  void refreshFailuresAreCounted() {
    Fixture f = dueForRefresh();
    f.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
    assertThat(f.refresh().failed()).isEqualTo(1);

    assertThat(f.count("mtasts.refresh.failures", "result", "sts-policy-fetch-error")).isEqualTo(1);
    assertThat(f.count("mtasts.refresh.policies", "result", "failed")).isEqualTo(1);
    assertThat(f.count("mtasts.fetches", "reason", "refresh", "result", "sts-policy-fetch-error",
        "failure", "connect-failed")).isEqualTo(1);
  }

  @Test
  @DisplayName("PFX-30: a policy changed under the same TXT id is counted")
  void aPolicyChangedWithoutANewIdIsCounted() {
    Fixture f = dueForRefresh();
    f.fetcher.serve(DOMAIN, TESTING);
    assertThat(f.refresh().changedWithoutNewId()).isEqualTo(1);
    assertThat(f.count("mtasts.policy.changed.without.new.id")).isEqualTo(1);
    assertThat(f.count("mtasts.refresh.policies", "result", "changed")).isEqualTo(1);
  }

  @Test
  @DisplayName("PFX-30: events before binding count, several registries show the same counts, common tags apply")
  void countsAreSharedByEveryRegistryAndCarryTheCommonTags() {
    MtaStsMetrics metrics = MtaStsMetrics.builder().tags(Tags.of("mta", "edge")).build();
    PolicyResolution.NoPolicy none = new PolicyResolution.NoPolicy(PolicyDomain.of(DOMAIN), NoPolicyReason.NO_RECORD,
        new Fixture().resolve("no-record.example").trace());
    metrics.onEvent(new MtaStsEvent.Resolved(none));
    SimpleMeterRegistry a = new SimpleMeterRegistry();
    SimpleMeterRegistry b = new SimpleMeterRegistry();
    metrics.bindTo(a);
    metrics.bindTo(b);
    metrics.onEvent(new MtaStsEvent.Resolved(none));
    for (MeterRegistry r : List.of(a, b)) {
      assertThat(r.get("mtasts.resolutions").tags("mta", "edge", "reason", "no-record").functionCounter().count())
          .isEqualTo(2);
      assertThat(r.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("mta")).isEqualTo("edge"));
    }
  }

  @Test
  @DisplayName("PFX-30: no tag carries a domain name; the series are fixed when bound, whatever domains are resolved")
  void tagsNeverCarryDomainNamesAndSeriesDoNotGrow() {
    Fixture f = new Fixture(b -> b.onDnsFailureWithoutCache(FailureHandling.DEFER));
    int bound = f.registry.getMeters().size();
    List<String> domains = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String d = "attacker-" + i + ".example";
      domains.add(d);
      switch (i % 4) {
        case 0 -> f.publish(d, "1", ENFORCE);
        case 1 -> f.dns.failTxt("_mta-sts." + d, DnsFailure.values()[i % DnsFailure.values().length]);
        case 2 -> {
          f.dns.putTxt("_mta-sts." + d, "v=STSv1; id=1");
          f.fetcher.fail(d, FetchFailure.values()[i % FetchFailure.values().length]);
        }
        default -> { } // no record
      }
      f.resolve(d);
      f.resolve(d);
    }
    assertThat(f.registry.getMeters()).hasSize(bound);
    Set<String> values = new HashSet<>();
    for (Meter m : f.registry.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        values.add(t.getValue());
      }
    }
    assertThat(values).noneMatch(v -> v.contains("example") || v.contains("."));
    assertThat(f.registry.get("mtasts.resolutions").functionCounters().stream()
        .mapToDouble(FunctionCounter::count).sum()).isEqualTo(400);
  }

  @Test
  @DisplayName("PFX-31: every event the resolver can send is counted in exactly one registered series, without throwing")
  void everyPossibleEventLandsInOneRegisteredSeries() {
    Fixture f = new Fixture().publish(DOMAIN, "1", ENFORCE);
    PolicyResolution.Active real = (PolicyResolution.Active) f.resolve(DOMAIN);
    PolicyDomain d = real.domain();
    List<MtaStsEvent> all = new ArrayList<>();
    for (MtaStsMode mode : List.of(MtaStsMode.ENFORCE, MtaStsMode.TESTING)) {
      String body = mode == MtaStsMode.ENFORCE ? ENFORCE : TESTING;
      var policy = dev.mtasts.core.MtaStsPolicy.parse(body);
      for (PolicySource source : PolicySource.values()) {
        all.add(new MtaStsEvent.Resolved(new PolicyResolution.Active(d, policy, "1", body, real.fetchedAt(),
            real.expiresAt(), source, real.trace())));
      }
    }
    for (NoPolicyReason reason : NoPolicyReason.values()) {
      all.add(new MtaStsEvent.Resolved(new PolicyResolution.NoPolicy(d, reason, real.trace())));
    }
    for (DeferReason reason : DeferReason.values()) {
      all.add(new MtaStsEvent.Resolved(new PolicyResolution.Deferred(d, reason, "m", real.trace())));
    }
    for (FetchReason reason : FetchReason.values()) {
      for (FetchFailure failure : FetchFailure.values()) {
        PolicyFetchOutcome.Failed failed = PolicyFetchOutcome.Failed.of(d.policyUri(), failure, "m");
        all.add(new MtaStsEvent.PolicyFetchFailed(d, reason, failed, null, real.fetchedAt()));
        all.add(new MtaStsEvent.RefreshFailed(d, f.resolver.cached(d).orElseThrow(), failed, Duration.ofHours(1)));
      }
    }
    for (DnsFailure failure : DnsFailure.values()) {
      for (boolean cached : new boolean[] {false, true}) {
        all.add(new MtaStsEvent.TxtLookupFailed(d, new DnsOutcome.TemporaryFailure<>(STS, failure, "m", null),
            cached));
      }
    }
    all.add(new MtaStsEvent.PolicyChangedWithoutNewId(d, "1", real.policy(), real.policy()));
    for (MtaStsEvent event : all) {
      double before = total(f.registry);
      f.metrics.onEvent(event);
      // A resolution with a policy also counts as a cache hit or miss: one more series.
      double expected = event instanceof MtaStsEvent.Resolved r && r.resolution() instanceof PolicyResolution.Active
          ? 2 : 1;
      assertThat(total(f.registry) - before).as("%s", event).isEqualTo(expected);
    }
  }

  private static double total(MeterRegistry registry) {
    return registry.getMeters().stream().filter(m -> m instanceof FunctionCounter)
        .mapToDouble(m -> ((FunctionCounter) m).count()).sum();
  }

  @Test
  @DisplayName("PFX-31: counting a cached resolution allocates nothing")
  void countingACachedResolutionAllocatesNothing() {
    Fixture f = new Fixture().publish(DOMAIN, "1", ENFORCE);
    f.resolve(DOMAIN);
    f.resolve(DOMAIN);
    // The event the resolver sends for every cached answer of this domain (built once per decision).
    MtaStsEvent cached = f.events.get(f.events.size() - 1);
    assertThat(cached).isInstanceOf(MtaStsEvent.Resolved.class);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 20_000; i++) {
      f.metrics.onEvent(cached); // settle class loading and the first compilations
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      f.metrics.onEvent(cached);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // 100,000 events: one allocation each would be at least 1.6 MB.
    assertThat(allocated).isLessThan(16_000);
    assertThat(f.count("mtasts.cache.gets", "result", "hit")).isEqualTo(120_001);
  }

  /** A store whose loads fail: the resolver reports each failure as a StoreFailed event. */
  private static final class FailingLoadStore extends ForwardingPolicyStore {
    FailingLoadStore() {
      super(PolicyStore.inMemory());
    }

    @Override
    public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
      return CompletableFuture.failedStage(new IOException("disk gone"));
    }
  }
}
