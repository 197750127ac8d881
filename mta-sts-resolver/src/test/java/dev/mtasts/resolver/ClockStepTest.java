package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * CAC-16: lifetimes kept in memory are measured on the monotonic ticker, so wall-clock steps
 * neither freeze nor empty the cache; stored fetch times in the future count as "now". The
 * fixture's ticker moves with {@code clock.advance} (real time passing) and not with
 * {@code stepClock} (the wall clock being set).
 */
class ClockStepTest {
  static final Instant Y2030 = Instant.parse("2030-06-01T00:00:00Z");
  static final Instant Y2026 = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void aClockSteppedBackAnHourDoesNotStretchTheTxtRecheckInterval() {
    ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
    f.resolve();
    f.stepClock(f.clock.instant().minus(Duration.ofHours(1)));
    f.publish("2", POLICY_ENFORCE.replace("mx1.example.com", "mx2.example.com"));
    f.clock.advance(Duration.ofMinutes(5).minusMillis(1));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.policyId()).as("within the 5-minute re-check interval").isEqualTo("1"));
    f.clock.advance(Duration.ofMillis(1));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.policyId()).isEqualTo("2");
      assertThat(a.source()).isEqualTo(PolicySource.FETCHED);
    });
  }

  @Test
  void aClockSteppedBackAnHourDoesNotStretchTheNegativeCache() {
    ResolverFixture f = new ResolverFixture();
    assertThat(f.resolve()).isInstanceOf(PolicyResolution.NoPolicy.class);
    f.stepClock(f.clock.instant().minus(Duration.ofHours(1)));
    f.publish("1", POLICY_ENFORCE);
    f.clock.advance(Duration.ofMinutes(5));
    assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
  }

  @Test
  void aClockSteppedBackAnHourDoesNotStretchTheFetchBackoff() {
    // FET-12: five minutes of real time, whatever the clock says.
    ResolverFixture f = new ResolverFixture(b -> b.negativeCacheDuration(Duration.ZERO));
    f.dns.putTxt(STS, "v=STSv1; id=1");
    f.fetcher.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
    f.resolve();
    f.stepClock(f.clock.instant().minus(Duration.ofHours(1)));
    f.fetcher.serve(DOMAIN, POLICY_ENFORCE);
    f.clock.advance(Duration.ofMinutes(5));
    assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
  }

  @Test
  void aPolicyFetchedIn2030ExpiresAfterItsMaxAgeWhenTheClockIsSetBackTo2026() {
    ResolverFixture f = new ResolverFixture();
    f.stepClock(Y2030);
    f.publish("1", POLICY_ENFORCE);
    assertThat(f.resolve()).isInstanceOf(PolicyResolution.Active.class);
    f.stepClock(Y2026);
    f.dns.removeTxt(STS);
    f.clock.advance(Duration.ofDays(1).minusSeconds(1));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.trace().rule()).as("still within max_age: kept (TXT-13)").isEqualTo("TXT-13"));
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class,
        n -> assertThat(n.reason()).isEqualTo(NoPolicyReason.NO_RECORD));
  }

  @Test
  void aNewFetchReplacesAnEntryWhoseFetchTimeLiesInTheFuture() {
    // CAC-7: the newest fetch wins, by the ticker, not by the stepped clock.
    ResolverFixture f = new ResolverFixture(b -> b.txtRecheckInterval(Duration.ZERO));
    f.stepClock(Y2030);
    f.publish("1", POLICY_ENFORCE);
    f.resolve();
    f.stepClock(Y2026);
    f.publish("2", POLICY_ENFORCE.replace("mx1.example.com", "mx2.example.com"));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.policyId()).isEqualTo("2"));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.policyId()).isEqualTo("2");
      assertThat(a.source()).isEqualTo(PolicySource.CACHED);
    });
  }

  @Test
  void aStoredEntryFetchedInTheFutureCountsAsFetchedNow() {
    PolicyStore store = PolicyStore.inMemory();
    store.save(new StoredPolicy(PolicyDomain.of(DOMAIN), "1", POLICY_ENFORCE, Y2030, Y2030.plusSeconds(86400)))
        .toCompletableFuture().join();
    ResolverFixture f = new ResolverFixture(store, b -> { });
    f.stepClock(Y2026);
    f.dns.putTxt(STS, "v=STSv1; id=1");
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.source()).isEqualTo(PolicySource.CACHED);
      assertThat(a.fetchedAt()).isEqualTo(Y2026);
      assertThat(a.expiresAt()).isEqualTo(Y2026.plusSeconds(86400));
    });
    f.dns.removeTxt(STS);
    f.clock.advance(Duration.ofDays(1));
    assertThat(f.resolve()).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class,
        n -> assertThat(n.reason()).isEqualTo(NoPolicyReason.NO_RECORD));
  }
}
