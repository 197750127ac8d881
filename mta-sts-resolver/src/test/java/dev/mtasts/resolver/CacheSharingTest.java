package dev.mtasts.resolver;

import static dev.mtasts.resolver.ResolverFixture.POLICY_ENFORCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What cached domains share (SEC-44) and how compactly each holds its answer (SEC-45). */
class CacheSharingTest {
  private static final String OTHER = "version: STSv1\nmode: enforce\nmx: mx.other.example\nmax_age: 86400\n";

  private static String domain(int i) {
    return "customer" + i + ".example";
  }

  private static PolicyResolution.Active active(PolicyResolution r) {
    assertThat(r).isInstanceOf(PolicyResolution.Active.class);
    return (PolicyResolution.Active) r;
  }

  @Test
  @DisplayName("SEC-44: domains served the same body hold one body string and one parsed policy")
  void domainsServedTheSameBodyHoldOneCopy() {
    ResolverFixture f = new ResolverFixture();
    for (int i = 0; i < 50; i++) {
      // A provider's customers: the body arrives as new bytes for every domain.
      f.dns.putTxt("_mta-sts." + domain(i), "v=STSv1; id=" + (1000 + i));
      f.fetcher.serve(domain(i), new String(POLICY_ENFORCE.toCharArray()));
    }
    List<PolicyResolution.Active> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(active(f.resolve(domain(i))));
    }
    PolicyResolution.Active first = answers.get(0);
    for (PolicyResolution.Active a : answers) {
      assertThat(a.policyText()).isSameAs(first.policyText());
      assertThat(a.policy()).isSameAs(first.policy());
      StoredPolicy cached = f.resolver.cached(a.domain()).orElseThrow();
      assertThat(cached.policyText()).isSameAs(first.policyText());
    }
    // The patterns are views on that one string: their text is the body's.
    assertThat(first.policy().mx().get(0).toString()).isEqualTo("mx1.example.com");
  }

  @Test
  @DisplayName("SEC-44: different bodies are never merged")
  void distinctBodiesAreNotMerged() {
    ResolverFixture f = new ResolverFixture();
    f.dns.putTxt("_mta-sts." + domain(1), "v=STSv1; id=1");
    f.fetcher.serve(domain(1), POLICY_ENFORCE);
    f.dns.putTxt("_mta-sts." + domain(2), "v=STSv1; id=1");
    f.fetcher.serve(domain(2), OTHER);
    PolicyResolution.Active one = active(f.resolve(domain(1)));
    PolicyResolution.Active two = active(f.resolve(domain(2)));
    assertThat(one.policyText()).isEqualTo(POLICY_ENFORCE);
    assertThat(two.policyText()).isEqualTo(OTHER);
    assertThat(one.policy().mx().toString()).isEqualTo("[mx1.example.com, *.backup.example.com]");
    assertThat(two.policy().mx().toString()).isEqualTo("[mx.other.example]");
    assertThat(one.policy()).isNotEqualTo(two.policy());
  }

  @Test
  @DisplayName("SEC-44: bodies read back from the store are shared too")
  void bodiesLoadedFromTheStoreAreShared() {
    PolicyStore store = PolicyStore.inMemory();
    Instant now = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < 3; i++) {
      store.save(new StoredPolicy(PolicyDomain.of(domain(i)), "1", new String(POLICY_ENFORCE.toCharArray()),
          now, now.plusSeconds(86400))).toCompletableFuture().join();
    }
    ResolverFixture f = new ResolverFixture(store, b -> { });
    for (int i = 0; i < 3; i++) {
      f.dns.putTxt("_mta-sts." + domain(i), "v=STSv1; id=1");
    }
    PolicyResolution.Active a = active(f.resolve(domain(0)));
    for (int i = 1; i < 3; i++) {
      PolicyResolution.Active b = active(f.resolve(domain(i)));
      assertThat(b.source()).isEqualTo(PolicySource.CACHED);
      assertThat(b.policyText()).isSameAs(a.policyText());
      assertThat(b.policy()).isSameAs(a.policy());
    }
    assertThat(f.fetcher.fetches(domain(0))).as("served from the store").isZero();
  }

  @Test
  @DisplayName("SEC-44: the cached answers of domains publishing the same record share their trace")
  void cachedAnswersShareTheirTrace() {
    ResolverFixture f = new ResolverFixture();
    for (int i = 0; i < 2; i++) {
      f.dns.putTxt("_mta-sts." + domain(i), "v=STSv1; id=42");
      f.fetcher.serve(domain(i), POLICY_ENFORCE);
      f.resolve(domain(i));
    }
    PolicyResolution.Active a = active(f.resolve(domain(0)));
    PolicyResolution.Active b = active(f.resolve(domain(1)));
    assertThat(a.source()).isEqualTo(PolicySource.CACHED);
    assertThat(a.trace().rule()).isEqualTo("CAC-3");
    assertThat(b.trace()).isSameAs(a.trace());
    assertThat(b.trace().txt().id()).isEqualTo("42");
  }

  @Test
  @DisplayName("SEC-44: the sharing table never holds more than its slots, whatever is offered")
  void theSharingTableIsBounded() {
    SharingTable<String, String> table = new SharingTable<>();
    for (int i = 0; i < 100_000; i++) {
      String v = "policy " + i;
      SharingTable.share(table, v);
    }
    assertThat(table.size()).isLessThanOrEqualTo(SharingTable.SLOTS);
  }

  @Test
  @DisplayName("SEC-44: a value many ask for keeps its slot against one-off values")
  void aValueInUseKeepsItsSlot() {
    SharingTable<String, String> table = new SharingTable<>();
    String popular = "popular";
    List<String> rivals = new ArrayList<>();
    for (int i = 0; rivals.size() < 3; i++) {
      String s = "rival " + i;
      if (SharingTable.index(s) == SharingTable.index(popular)) {
        rivals.add(s);
      }
    }
    assertThat(SharingTable.share(table, popular)).isSameAs(popular);
    for (String rival : rivals) {
      // Asked for again between one-off values: it stays.
      assertThat(SharingTable.share(table, new String(popular.toCharArray()))).isSameAs(popular);
      assertThat(SharingTable.share(table, rival)).isSameAs(rival);
    }
    // Not asked for any more: the next one-off value takes the slot.
    SharingTable.share(table, rivals.get(0));
    assertThat(table.get(new String(popular.toCharArray()))).isNull();
  }

  @Test
  @DisplayName("SEC-45: the ready answer of a cached domain cannot be changed through the stage")
  void theCachedStageCannotBeChanged() {
    ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
    f.resolve();
    CompletableFuture<PolicyResolution> stage = f.resolver.resolve(ResolverFixture.DOMAIN).toCompletableFuture();
    PolicyResolution cached = stage.join();
    assertThatThrownBy(() -> stage.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> stage.obtrudeException(new IllegalStateException()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(stage.complete(null)).isFalse();
    assertThat(stage.completeExceptionally(new IllegalStateException())).isFalse();
    assertThat(stage.cancel(true)).isFalse();
    assertThat(f.resolver.resolve(ResolverFixture.DOMAIN).toCompletableFuture().join()).isSameAs(cached);
    // A dependent stage is an ordinary future of its own.
    CompletableFuture<String> dependent = stage.thenApply(r -> "x");
    assertThat(dependent.getClass()).isEqualTo(CompletableFuture.class);
  }

  @Test
  @DisplayName("SEC-45: the compact answer keeps the value semantics of its components")
  void theActiveAnswerKeepsItsValueSemantics() {
    ResolverFixture f = new ResolverFixture().publish("1", POLICY_ENFORCE);
    PolicyResolution.Active a = active(f.resolve());
    PolicyResolution.Active copy = new PolicyResolution.Active(a.domain(), a.policy(), a.policyId(), a.policyText(),
        a.fetchedAt(), a.expiresAt(), a.source(), a.trace());
    assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a).hasToString(a.toString());
    assertThat(copy.fetchedAt()).isEqualTo(f.clock.instant());
    assertThat(copy.toString()).startsWith("Active[domain=example.com, policy=");
    Set<PolicyResolution> set = new HashSet<>(List.of(a, copy));
    assertThat(set).hasSize(1);
  }
}
