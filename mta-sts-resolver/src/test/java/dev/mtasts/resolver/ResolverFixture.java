package dev.mtasts.resolver;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** A resolver wired to fakes, a manual clock and an event recorder; everything runs inline. */
final class ResolverFixture {
  static final String DOMAIN = "example.com";
  static final String STS = "_mta-sts.example.com";
  static final String POLICY_ENFORCE = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.backup.example.com\nmax_age: 86400\n";
  static final String POLICY_TESTING = "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n";
  static final String POLICY_NONE = "version: STSv1\nmode: none\nmax_age: 86400\n";

  final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  /** Added to the clock to make the ticker: the ticker follows the clock's moves, not its steps. */
  private final AtomicLong tickerOffset = new AtomicLong();
  final FakeDnsLookup dns = FakeDnsLookup.create();
  final FakePolicyFetcher fetcher = FakePolicyFetcher.create();
  final List<MtaStsEvent> events = new CopyOnWriteArrayList<>();
  final MtaStsResolver resolver;

  ResolverFixture() {
    this(b -> { });
  }

  ResolverFixture(Consumer<MtaStsResolver.Builder> options) {
    this(PolicyStore.inMemory(), options);
  }

  /** Re-checks block the caller, so each call shows its own decision; see the background test. */
  ResolverFixture(PolicyStore store, Consumer<MtaStsResolver.Builder> options) {
    this(store, null, options);
  }

  /** As above, with another fetcher than the fake one. */
  ResolverFixture(PolicyStore store, @Nullable PolicyFetcher otherFetcher, Consumer<MtaStsResolver.Builder> options) {
    MtaStsResolver.Builder b = MtaStsResolver.builder().dnsLookup(dns)
        .policyFetcher(otherFetcher != null ? otherFetcher : fetcher).policyStore(store)
        .clock(clock).ticker(this::nanos).executor(Runnable::run).addListener(events::add).backgroundRecheck(false);
    options.accept(b);
    resolver = b.build();
  }

  /** The manual ticker: moves with {@code clock.advance}, but not when the clock is stepped. */
  long nanos() {
    return TimeUnit.MILLISECONDS.toNanos(clock.millis()) + tickerOffset.get();
  }

  /** Steps the wall clock to {@code time}, backwards or forwards, while no real time passes. */
  void stepClock(Instant time) {
    long before = nanos();
    clock.set(time);
    tickerOffset.addAndGet(before - nanos());
  }

  PolicyResolution resolve() {
    return resolve(DOMAIN);
  }

  PolicyResolution resolve(String domain) {
    return resolver.resolve(domain).toCompletableFuture().join();
  }

  PolicyResolution recheck() {
    return resolver.recheckBeforeFailure(PolicyDomain.of(DOMAIN)).toCompletableFuture().join();
  }

  RefreshSummary refresh() {
    return resolver.refreshDue().toCompletableFuture().join();
  }

  ResolverFixture publish(String id, String body) {
    dns.putTxt(STS, "v=STSv1; id=" + id);
    fetcher.serve(DOMAIN, body);
    return this;
  }

  <T extends MtaStsEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
