package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.Gate;
import dev.mtasts.testing.QueueingExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SEC-25: every SPI call has a deadline; a call that never completes is a failure of its stage,
 * and the domain works again once the SPI recovers. The deadlines are short and real (the JDK's
 * timer); the tests wait on the resolution's future, never sleep.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverDeadlinesTest {
  static final Duration DEADLINE = Duration.ofMillis(100);

  /** An in-memory store whose calls never complete while {@link #hang} is set. */
  static final class HangingStore extends ForwardingPolicyStore {
    volatile boolean hang = true;

    HangingStore() {
      super(PolicyStore.inMemory());
    }

    @Override
    protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
      return hang ? new CompletableFuture<>() : call.get();
    }
  }

  static PolicyResolution await(CompletionStage<PolicyResolution> r) throws Exception {
    return r.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aStoreLoadThatNeverCompletesDefersByTheDeadlineAndTheDomainWorksOnceTheStoreRecovers() throws Exception {
    // SEC-25, CAC-6
    HangingStore store = new HangingStore();
    ResolverFixture f = new ResolverFixture(store, b -> b.storeTimeout(DEADLINE)).publish("1", POLICY_ENFORCE);
    PolicyResolution r = await(f.resolver.resolve(DOMAIN));
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.Deferred.class, d -> {
      assertThat(d.reason()).isEqualTo(DeferReason.STORE_UNAVAILABLE);
      assertThat(d.trace().rule()).isEqualTo("CAC-6");
    });
    assertThat(f.events(MtaStsEvent.StoreFailed.class)).singleElement().satisfies(e -> {
      assertThat(e.operation()).isEqualTo("load");
      assertThat(e.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("no answer within 100 ms");
    });

    store.hang = false;
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.policyId()).isEqualTo("1"));
  }

  @Test
  void aStoreSaveThatNeverCompletesStillDeliversTheFetchedPolicy() throws Exception {
    // SEC-25: the save is the last stage of a fetch; its deadline ends the resolution.
    ResolverFixture f = new ResolverFixture(new ForwardingPolicyStore(PolicyStore.inMemory()) {
      @Override
      public CompletionStage<Void> save(StoredPolicy entry) {
        return new CompletableFuture<>();
      }
    }, b -> b.storeTimeout(DEADLINE)).publish("1", POLICY_ENFORCE);
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(f.events(MtaStsEvent.StoreFailed.class)).extracting(MtaStsEvent.StoreFailed::operation)
        .containsExactly("save");
  }

  /** An in-memory store whose fetch lease is answered by {@code lease}. */
  static PolicyStore leasing(Supplier<CompletionStage<FetchLease>> lease) {
    return new ForwardingPolicyStore(PolicyStore.inMemory()) {
      @Override
      public CompletionStage<FetchLease> acquireFetch(PolicyDomain domain, String policyId, Duration ttl) {
        return lease.get();
      }
    };
  }

  @Test
  void aFetchLeaseThatNeverCompletesStillFetchesWithinTheDeadline() throws Exception {
    // CAC-35, SEC-25: delivery never waits on the lease; its failure is a store failure, then a fetch.
    ResolverFixture f = new ResolverFixture(leasing(CompletableFuture::new), b -> b.storeTimeout(DEADLINE)
        .fetchTimeout(Duration.ofSeconds(2))).publish("1", POLICY_ENFORCE);
    long start = System.nanoTime();
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
    assertThat(f.events(MtaStsEvent.StoreFailed.class)).extracting(MtaStsEvent.StoreFailed::operation)
        .containsExactly("acquireFetch");
  }

  @Test
  void aLeaseHeldElsewhereForAnHourDelaysTheFetchByHalfTheFetchDeadlineAtMost() throws Exception {
    // CAC-35, SEC-25: the wait for another node ends in time for this node's own fetch.
    Duration fetchTimeout = Duration.ofMillis(600);
    ResolverFixture f = new ResolverFixture(leasing(() -> CompletableFuture.completedStage(
        new FetchLease.HeldElsewhere(Duration.ofHours(1)))), b -> b.fetchTimeout(fetchTimeout))
        .publish("1", POLICY_ENFORCE);
    long start = System.nanoTime();
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 1500L);
  }

  @Test
  void aTxtLookupThatNeverCompletesIsADnsFailureByTheDeadlineAndTheDomainWorksOnceDnsAnswers() throws Exception {
    // SEC-25, CAC-5
    ResolverFixture f = new ResolverFixture(b -> b.dnsTimeout(DEADLINE)).publish("1", POLICY_ENFORCE);
    Gate dns = f.dns.hold(STS);
    PolicyResolution r = await(f.resolver.resolve(DOMAIN));
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class, n -> {
      assertThat(n.reason()).isEqualTo(NoPolicyReason.DNS_FAILURE);
      assertThat(n.trace().txt().detail()).startsWith("TIMEOUT").contains("no answer within 100 ms");
    });
    assertThat(f.events(MtaStsEvent.TxtLookupFailed.class)).hasSize(1);

    dns.release();
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);
  }

  @Test
  void aFetchThatNeverCompletesIsAFetchTimeoutByTheDeadlineAndTheDomainWorksOnceTheHostAnswers() throws Exception {
    // SEC-25, CAC-5, FET-12
    ResolverFixture f = new ResolverFixture(b -> b.fetchTimeout(DEADLINE)).publish("1", POLICY_ENFORCE);
    Gate host = f.fetcher.hold(DOMAIN);
    PolicyResolution r = await(f.resolver.resolve(DOMAIN));
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class, n -> {
      assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_FAILED);
      assertThat(n.trace().fetch()).isInstanceOfSatisfying(PolicyFetchOutcome.Failed.class,
          failed -> assertThat(failed.reason()).isEqualTo(FetchFailure.TIMEOUT));
    });
    assertThat(f.resolver.cacheStats().fetchesRunning()).as("the slot is given back at the deadline").isZero();

    host.release();
    f.clock.advance(Duration.ofMinutes(5));
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);
  }

  /** A queueing executor that can wait for tasks to arrive, such as the timers' continuations. */
  static final class ArrivalsExecutor implements Executor {
    final QueueingExecutor queue = new QueueingExecutor();

    @Override
    public synchronized void execute(Runnable task) {
      queue.execute(task);
      notifyAll();
    }

    /** Waits (without polling) until {@code n} tasks are queued; false after the timeout. */
    synchronized boolean awaitPending(int n, Duration timeout) throws InterruptedException {
      long end = System.nanoTime() + timeout.toNanos();
      while (queue.pending() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  @Test
  void aFetchWhoseDeadlinePassedWhileItWaitedForASlotIsNeverStarted() throws Exception {
    // SEC-25, SEC-23: the wait for a slot counts against the fetch deadline. The executor is held
    // while both deadlines pass, so the first fetch still holds the only slot when the second's ends.
    FakeDnsLookup dns = FakeDnsLookup.create().putTxt(STS, "v=STSv1; id=1")
        .putTxt("_mta-sts.queued.example", "v=STSv1; id=1");
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN, POLICY_ENFORCE)
        .serve("queued.example", POLICY_ENFORCE);
    fetcher.hold(DOMAIN);
    ArrivalsExecutor executor = new ArrivalsExecutor();
    MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).executor(executor)
        // A deadline long enough that no timer fires before both fetches are under way.
        .fetchTimeout(Duration.ofSeconds(1)).maxConcurrentFetches(1).build();
    CompletableFuture<PolicyResolution> first = resolver.resolve(DOMAIN).toCompletableFuture();
    executor.queue.runAll();
    CompletableFuture<PolicyResolution> queued = resolver.resolve("queued.example").toCompletableFuture();
    executor.queue.runAll();
    assertThat(resolver.cacheStats().fetchesWaiting()).isEqualTo(1);
    // From here on the only tasks to arrive are the two deadlines' continuations.
    assertThat(executor.awaitPending(2, Duration.ofSeconds(20))).as("both deadlines passed").isTrue();
    executor.queue.runAll();
    for (CompletableFuture<PolicyResolution> r : List.of(first, queued)) {
      assertThat(r.get(20, TimeUnit.SECONDS)).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class,
          n -> assertThat(n.trace().fetch()).isInstanceOfSatisfying(PolicyFetchOutcome.Failed.class,
              failed -> assertThat(failed.reason()).isEqualTo(FetchFailure.TIMEOUT)));
    }
    assertThat(fetcher.fetches("queued.example")).as("its deadline passed while it waited").isZero();
    assertThat(resolver.cacheStats()).satisfies(stats -> {
      assertThat(stats.fetchesRunning()).isZero();
      assertThat(stats.fetchesWaiting()).isZero();
    });
  }

  @Test
  void aRefreshRoundWithAFetchThatNeverCompletesEndsByTheDeadline() throws Exception {
    // SEC-25, CAC-9
    ResolverFixture f = new ResolverFixture(b -> b.fetchTimeout(DEADLINE).refreshJitter(Duration.ZERO))
        .publish("1", POLICY_ENFORCE.replace("86400", "604800"));
    f.resolve();
    f.fetcher.hold(DOMAIN);
    f.clock.advance(Duration.ofDays(1));
    RefreshSummary summary = f.resolver.refreshDue().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(summary).isEqualTo(new RefreshSummary(1, 0, 0, 1));
    assertThat(f.events(MtaStsEvent.RefreshFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.failure().reason()).isEqualTo(FetchFailure.TIMEOUT));
  }

  @Test
  void aRefreshRoundWithAStoreListingThatNeverCompletesEndsByTheDeadline() throws Exception {
    // SEC-25
    ResolverFixture f = new ResolverFixture(new HangingStore(), b -> b.storeTimeout(DEADLINE));
    assertThat(f.resolver.refreshDue().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .isEqualTo(new RefreshSummary(0, 0, 0, 0));
  }

  @Test
  void anSpiThatThrowsOrReturnsNoStageFailsItsStageOnly() throws Exception {
    // SEC-25: a thrown exception is the SPI's failure value, like a failed stage.
    ResolverFixture f = new ResolverFixture(new ForwardingPolicyStore(PolicyStore.inMemory()) {
      @Override
      public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
        throw new IllegalStateException("store bug");
      }

      @Override
      public CompletionStage<Void> save(StoredPolicy entry) {
        return null;
      }
    }, b -> b.onStoreFailure(FailureHandling.DELIVER_WITHOUT_POLICY)).publish("1", POLICY_ENFORCE);
    assertThat(await(f.resolver.resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);
    assertThat(f.events(MtaStsEvent.StoreFailed.class)).extracting(MtaStsEvent.StoreFailed::operation)
        .containsExactly("load", "save");
  }
}
