package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.store.FilePolicyStore;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver with persistent and failing stores. */
class StoreHandlingTest {

  /** A store that is down: every read and write fails; the fetch lease stays the node-local default. */
  static final class UnavailableStore extends ForwardingPolicyStore {
    UnavailableStore() {
      super(PolicyStore.inMemory());
    }

    @Override
    protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
      boolean fleetOnly = operation.equals("acquireFetch") || operation.equals("recordFetchFailure");
      return fleetOnly ? call.get() : CompletableFuture.failedStage(new IOException("store down"));
    }
  }

  @Test
  void aRestartDoesNotReopenTheTrustOnFirstUseWindow(@TempDir Path dir) {
    ResolverFixture before = new ResolverFixture(PolicyStore.inDirectory(dir), b -> { }).publish("1", POLICY_ENFORCE);
    PolicyResolution.Active fetched = (PolicyResolution.Active) before.resolve();

    // A new process: an attacker now blocks DNS and the policy host.
    ResolverFixture after = new ResolverFixture(PolicyStore.inDirectory(dir), b -> { });
    after.clock.set(before.clock.instant().plus(Duration.ofHours(1)));
    after.dns.failTxt(STS, DnsFailure.SERVFAIL);
    after.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
    PolicyResolution r = after.resolve();
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.policy()).isEqualTo(fetched.policy());
      assertThat(a.policyId()).isEqualTo("1");
      assertThat(a.source()).isEqualTo(PolicySource.CACHED_AFTER_FAILURE);
      assertThat(a.fetchedAt()).isEqualTo(fetched.fetchedAt());
    });
  }

  @Test
  void refreshesContinueAfterARestart(@TempDir Path dir) {
    // CAC-8: entries loaded from the store are scheduled without being resolved first.
    ResolverFixture before = new ResolverFixture(PolicyStore.inDirectory(dir), b -> b.refreshJitter(Duration.ZERO))
        .publish("1", POLICY_ENFORCE.replace("86400", "604800"));
    before.resolve();
    ResolverFixture after = new ResolverFixture(PolicyStore.inDirectory(dir), b -> b.refreshJitter(Duration.ZERO));
    after.clock.set(before.clock.instant().plus(Duration.ofDays(1)));
    after.fetcher.serve(DOMAIN, POLICY_ENFORCE.replace("86400", "604800"));
    assertThat(after.refresh()).isEqualTo(new RefreshSummary(1, 1, 0, 0));
    assertThat(FilePolicyStore.open(dir).load(PolicyDomain.of(DOMAIN)).toCompletableFuture().join())
        .get().extracting(StoredPolicy::fetchedAt).isEqualTo(after.clock.instant());
  }

  @Test
  void afterARestartAValidStoredPolicyAppliesAtOnceWhileDnsDoesNotAnswer(@TempDir Path dir) {
    // CAC-18, CAC-4: the stored policy, not a wait for DNS.
    ResolverFixture before = new ResolverFixture(PolicyStore.inDirectory(dir), b -> { }).publish("1", POLICY_ENFORCE);
    before.resolve();

    FakeDnsLookup dns = FakeDnsLookup.create();
    dns.hold(STS);
    FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    ManualClock clock = ManualClock.at(before.clock.instant().plus(Duration.ofHours(1)));
    List<MtaStsEvent> events = new CopyOnWriteArrayList<>();
    MtaStsResolver after = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher)
        .policyStore(PolicyStore.inDirectory(dir)).clock(clock).executor(Runnable::run).addListener(events::add)
        .build();
    CompletableFuture<PolicyResolution> first = after.resolve(DOMAIN).toCompletableFuture();
    assertThat(first).as("answered without waiting for DNS").isCompleted();
    assertThat(first.join()).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.source()).isEqualTo(PolicySource.CACHED);
      assertThat(a.policyId()).isEqualTo("1");
      assertThat(a.trace().rule()).isEqualTo("CAC-18");
    });
    assertThat(dns.txtQueries(STS)).as("the TXT check runs in the background").isEqualTo(1);
    assertThat(events).filteredOn(MtaStsEvent.Resolved.class::isInstance).hasSize(1);
  }

  @Test
  void theFirstScheduledRefreshRoundRunsAtStart(@TempDir Path dir) throws Exception {
    // CAC-18, CAC-8: after a restart, stored policies due for refresh are refreshed at once.
    ResolverFixture before = new ResolverFixture(PolicyStore.inDirectory(dir), b -> b.refreshJitter(Duration.ZERO))
        .publish("1", POLICY_ENFORCE.replace("86400", "604800"));
    before.resolve();
    CompletableFuture<MtaStsEvent.PolicyFetched> refreshed = new CompletableFuture<>();
    ResolverFixture after = new ResolverFixture(PolicyStore.inDirectory(dir), b -> b.refreshJitter(Duration.ZERO)
        .addListener(e -> {
          if (e instanceof MtaStsEvent.PolicyFetched p && p.reason() == FetchReason.REFRESH) {
            refreshed.complete(p);
          }
        }));
    after.clock.set(before.clock.instant().plus(Duration.ofDays(1)));
    after.fetcher.serve(DOMAIN, POLICY_ENFORCE.replace("86400", "604800"));
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      after.resolver.scheduleRefreshes(scheduler, Duration.ofDays(1));
      assertThat(refreshed.get(20, TimeUnit.SECONDS).domain()).isEqualTo(PolicyDomain.of(DOMAIN));
    } finally {
      // The listener hears of the fetch before the round has saved it: let the round finish its
      // write (no interrupt) before the temporary directory is deleted.
      scheduler.shutdown();
      assertThat(scheduler.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void anUnavailableStoreDefersByDefault() {
    ResolverFixture f = new ResolverFixture(new UnavailableStore(), b -> { }).publish("1", POLICY_ENFORCE);
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Deferred.class,
        d -> assertThat(d.reason()).isEqualTo(DeferReason.STORE_UNAVAILABLE));
    assertThat(f.events(MtaStsEvent.StoreFailed.class)).extracting(MtaStsEvent.StoreFailed::operation)
        .containsExactly("load");
    assertThat(f.fetcher.fetches(DOMAIN)).isZero();
  }

  @Test
  void anUnavailableStoreCanBeConfiguredToDeliverAndThePolicyIsStillUsedInMemory() {
    ResolverFixture f = new ResolverFixture(new UnavailableStore(),
        b -> b.onStoreFailure(FailureHandling.DELIVER_WITHOUT_POLICY)).publish("1", POLICY_ENFORCE);
    assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
    assertThat(f.events(MtaStsEvent.StoreFailed.class)).extracting(MtaStsEvent.StoreFailed::operation)
        .containsExactly("load", "save");
    f.dns.failTxt(STS, DnsFailure.TIMEOUT);
    f.clock.advance(Duration.ofMinutes(10));
    assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
  }
}
