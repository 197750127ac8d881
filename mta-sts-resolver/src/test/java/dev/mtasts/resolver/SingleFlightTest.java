package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.DOMAIN;
import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static dev.mtasts.resolver.ResolverFixture.STS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.Gate;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.QueueingExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrent resolutions of one domain share one lookup and one fetch; re-checks can run in the background. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SingleFlightTest {

  @Test
  void aThousandConcurrentResolvesOfAColdDomainCauseOneTxtLookupAndOneFetch() throws Exception {
    FakeDnsLookup dns = FakeDnsLookup.create().putTxt(STS, "v=STSv1; id=1");
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN, POLICY_ENFORCE);
    Gate txtGate = dns.hold(STS);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).executor(pool)
          .clock(ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"))).build();
      CountDownLatch start = new CountDownLatch(1);
      List<CompletableFuture<PolicyResolution>> results = new ArrayList<>();
      List<CompletableFuture<Void>> callers = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        CompletableFuture<PolicyResolution> r = new CompletableFuture<>();
        results.add(r);
        callers.add(CompletableFuture.runAsync(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          resolver.resolve(DOMAIN).whenComplete((v, t) -> {
            if (t != null) {
              r.completeExceptionally(t);
            } else {
              r.complete(v);
            }
          });
        }, pool));
      }
      start.countDown();
      CompletableFuture.allOf(callers.toArray(new CompletableFuture<?>[0])).get();
      assertThat(results).noneMatch(CompletableFuture::isDone);
      txtGate.release();
      CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).get();
      for (CompletableFuture<PolicyResolution> r : results) {
        assertThat(r.get()).isInstanceOfSatisfying(PolicyResolution.Active.class,
            a -> assertThat(a.policyId()).isEqualTo("1"));
      }
      assertThat(dns.txtQueries(STS)).isEqualTo(1);
      assertThat(fetcher.fetches(DOMAIN)).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDueRecheckServesTheCachedPolicyAtOnceAndRunsInTheBackground() {
    // CAC-4
    ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    FakeDnsLookup dns = FakeDnsLookup.create().putTxt(STS, "v=STSv1; id=1");
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN, POLICY_ENFORCE);
    QueueingExecutor executor = new QueueingExecutor();
    MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).executor(executor)
        .clock(clock).ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).txtRecheckInterval(Duration.ofMinutes(1)).build();

    CompletableFuture<PolicyResolution> cold = resolver.resolve(DOMAIN).toCompletableFuture();
    assertThat(cold).as("nothing cached: the caller waits for discovery").isNotDone();
    executor.runAll();
    assertThat(cold.join()).isInstanceOf(PolicyResolution.Active.class);

    clock.advance(Duration.ofMinutes(2));
    dns.putTxt(STS, "v=STSv1; id=2");
    fetcher.serve(DOMAIN, POLICY_ENFORCE.replace("mx1.example.com", "mx2.example.com"));
    PolicyResolution served = resolver.resolve(DOMAIN).toCompletableFuture().join();
    assertThat(served).isInstanceOfSatisfying(PolicyResolution.Active.class, a -> {
      assertThat(a.policyId()).isEqualTo("1");
      assertThat(a.trace().rule()).isEqualTo("CAC-4");
    });
    assertThat(resolver.resolve(DOMAIN).toCompletableFuture().join()).isInstanceOfSatisfying(
        PolicyResolution.Active.class, a -> assertThat(a.policyId()).isEqualTo("1"));
    assertThat(executor.pending()).as("one background re-check, shared").isEqualTo(1);
    executor.runAll();
    assertThat(resolver.resolve(DOMAIN).toCompletableFuture().join()).isInstanceOfSatisfying(
        PolicyResolution.Active.class, a -> assertThat(a.policyId()).isEqualTo("2"));
    assertThat(dns.txtQueries(STS)).isEqualTo(2);
  }
}
