package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import dev.mtasts.resolver.store.PolicyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * CAC-36: the failed-fetch back-off of one node holds the other nodes sharing the store back too.
 * The store here is an in-memory stand-in for a shared one: it records failures and answers the
 * fetch lease with {@link FetchLease.BackedOff} while one lasts, as the Redis store does.
 */
class FleetBackoffTest {

  /** An in-memory store that records failed fetches per (domain, id), shared by several resolvers. */
  static final class SharedStore extends ForwardingPolicyStore {
    final Map<String, Duration> failures = new ConcurrentHashMap<>();

    SharedStore() {
      super(PolicyStore.inMemory());
    }

    @Override
    public CompletionStage<FetchLease> acquireFetch(PolicyDomain domain, String policyId, Duration lease) {
      Duration backoff = failures.get(domain.name() + "/" + policyId);
      return CompletableFuture.completedStage(backoff != null ? new FetchLease.BackedOff(backoff) : FetchLease.local());
    }

    @Override
    public CompletionStage<Void> recordFetchFailure(PolicyDomain domain, String policyId, Duration backoff) {
      failures.put(domain.name() + "/" + policyId, backoff);
      return CompletableFuture.completedStage(null);
    }
  }

  @Test
  @DisplayName("CAC-36: a failed fetch is recorded in the store with the resolver's back-off")
  void aFailedFetchIsRecordedInTheStore() {
    SharedStore store = new SharedStore();
    ResolverFixture a = new ResolverFixture(store, b -> b.fetchBackoff(Duration.ofMinutes(7)));
    a.dns.putTxt(STS, "v=STSv1; id=1");
    a.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
    assertThat(a.resolve()).isInstanceOf(PolicyResolution.NoPolicy.class);
    assertThat(store.failures).containsExactly(Map.entry(DOMAIN + "/1", Duration.ofMinutes(7)));
  }

  @Test
  @DisplayName("CAC-36: another node's recorded failure holds this node back: no fetch, the back-off answer")
  void anotherNodesFailureHoldsThisNodeBack() {
    SharedStore store = new SharedStore();
    ResolverFixture a = new ResolverFixture(store, b -> { });
    a.dns.putTxt(STS, "v=STSv1; id=1");
    a.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
    a.resolve();

    ResolverFixture b = new ResolverFixture(store, x -> { }).publish("1", POLICY_ENFORCE);
    assertThat(b.resolve()).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class, n -> {
      assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_BACKOFF);
      assertThat(n.trace().rule()).isEqualTo("CAC-36");
      assertThat(n.trace().explanation()).contains("another node").contains("5 minutes");
    });
    assertThat(b.fetcher.fetches(DOMAIN)).isZero();

    // A new id is not held back (FET-12).
    b.publish("2", POLICY_ENFORCE);
    assertThat(b.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class,
        r -> assertThat(r.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(b.fetcher.fetches(DOMAIN)).isEqualTo(1);
  }

  @Test
  @DisplayName("CAC-36: while the fleet backs off a new id, a valid cached policy stays in use")
  void aValidCachedPolicyStaysInUseWhileTheFleetBacksOff() {
    SharedStore store = new SharedStore();
    ResolverFixture b = new ResolverFixture(store, x -> x.txtRecheckInterval(Duration.ZERO)).publish("1", POLICY_ENFORCE);
    assertThat(b.resolve()).isInstanceOf(PolicyResolution.Active.class);
    store.failures.put(DOMAIN + "/2", Duration.ofMinutes(5)); // another node failed id 2
    b.publish("2", POLICY_ENFORCE);
    assertThat(b.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class, r -> {
      assertThat(r.policyId()).isEqualTo("1");
      assertThat(r.source()).isEqualTo(PolicySource.CACHED_AFTER_FAILURE);
      assertThat(r.trace().rule()).isEqualTo("CAC-36");
    });
    assertThat(b.fetcher.fetches(DOMAIN)).isEqualTo(1);
  }
}
