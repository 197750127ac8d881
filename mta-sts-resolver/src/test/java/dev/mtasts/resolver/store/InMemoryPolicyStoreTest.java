package dev.mtasts.resolver.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-memory store's compact table (SEC-45) and the compact {@link StoredPolicy}. */
class InMemoryPolicyStoreTest {
  private static final String TEXT = "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n";
  private static final Instant T = Instant.parse("2026-03-01T00:00:00.123456789Z");

  private static StoredPolicy entry(int domain, int version) {
    return new StoredPolicy(PolicyDomain.of("d" + domain + ".example"), "1", TEXT, T.plusSeconds(version),
        T.plusSeconds(version + 86400));
  }

  @Test
  @DisplayName("SEC-45: the open-addressing table answers like a map through puts, replaces and deletes")
  void theTableAnswersLikeAMap() {
    InMemoryPolicyStore store = InMemoryPolicyStore.builder().clock(() -> T.plusSeconds(1_000_000)).build();
    Map<Integer, StoredPolicy> expected = new HashMap<>();
    Random random = new Random(42);
    for (int step = 0; step < 20_000; step++) {
      int d = random.nextInt(700);
      if (random.nextInt(3) == 0) {
        store.delete(PolicyDomain.of("d" + d + ".example")).toCompletableFuture().join();
        expected.remove(d);
      } else {
        StoredPolicy e = entry(d, step);
        store.save(e).toCompletableFuture().join();
        expected.put(d, e);
      }
      if (step % 1000 == 999) {
        for (int i = 0; i < 700; i++) {
          assertThat(store.load(PolicyDomain.of("d" + i + ".example")).toCompletableFuture().join())
              .as("domain %d at step %d", i, step).isEqualTo(java.util.Optional.ofNullable(expected.get(i)));
        }
        List<StoredPolicy> all = store.loadAll().toCompletableFuture().join();
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected.values());
      }
    }
    // Emptied, it shrinks and still answers.
    for (int i = 0; i < 700; i++) {
      store.delete(PolicyDomain.of("d" + i + ".example")).toCompletableFuture().join();
    }
    assertThat(store.loadAll().toCompletableFuture().join()).isEmpty();
    assertThat(store.toString()).isEqualTo("InMemoryPolicyStore[0 entries]");
  }

  @Test
  @DisplayName("SEC-45: an older entry never replaces a newer one in the compact table (CAC-20)")
  void anOlderEntryNeverReplacesANewerOne() {
    InMemoryPolicyStore store = InMemoryPolicyStore.builder().clock(() -> T.plusSeconds(1_000_000)).build();
    store.save(entry(1, 10)).toCompletableFuture().join();
    store.save(entry(1, 5)).toCompletableFuture().join();
    assertThat(store.load(PolicyDomain.of("d1.example")).toCompletableFuture().join()).contains(entry(1, 10));
  }

  @Test
  @DisplayName("SEC-45: a stored entry keeps its exact times and the value semantics of a record")
  void aStoredEntryKeepsExactTimesAndValueSemantics() {
    StoredPolicy e = entry(1, 0);
    assertThat(e.fetchedAt()).isEqualTo(T);
    assertThat(e.expiresAt()).isEqualTo(T.plusSeconds(86400));
    assertThat(e).isEqualTo(entry(1, 0)).hasSameHashCodeAs(entry(1, 0)).isNotEqualTo(entry(1, 1))
        .isNotEqualTo(entry(2, 0));
    assertThat(e.toString()).isEqualTo("StoredPolicy[domain=d1.example, policyId=1, policyText=" + TEXT
        + ", fetchedAt=2026-03-01T00:00:00.123456789Z, expiresAt=2026-03-02T00:00:00.123456789Z]");
    StoredPolicy earlier = new StoredPolicy(e.domain(), "1", TEXT, T.minusNanos(1), T);
    assertThat(e.supersedes(earlier, T)).isTrue();
    assertThat(earlier.supersedes(e, T)).isFalse();
  }

  @Test
  @DisplayName("SEC-23: however many domains are saved, the store keeps at most its entry cap, evicting the soonest to expire")
  void theStoreIsBoundedInEntries() {
    Instant now = T.plusSeconds(10);
    InMemoryPolicyStore store = InMemoryPolicyStore.builder().clock(() -> now).maxEntries(1_000).build();
    // A real policy with a long lifetime, then an attacker's stream of short-lived ones.
    StoredPolicy kept = new StoredPolicy(PolicyDomain.of("real.example"), "1", TEXT, T, T.plusSeconds(31_557_600));
    store.save(kept).toCompletableFuture().join();
    for (int d = 0; d < 100_000; d++) {
      store.save(entry(d, 0)).toCompletableFuture().join();
    }
    assertThat(store.loadAll().toCompletableFuture().join()).hasSize(1_000);
    assertThat(store.toString()).isEqualTo("InMemoryPolicyStore[1000 entries]");
    // The newest save is always kept; the long-lived policy outlives the short-lived stream.
    assertThat(store.load(PolicyDomain.of("d99999.example")).toCompletableFuture().join()).contains(entry(99_999, 0));
    assertThat(store.load(kept.domain()).toCompletableFuture().join()).contains(kept);
  }

  @Test
  @DisplayName("SEC-23: the store keeps at most its cap of policy text; a policy over the cap is not kept")
  void theStoreIsBoundedInPolicyText() {
    InMemoryPolicyStore store = InMemoryPolicyStore.builder().clock(() -> T.plusSeconds(10))
        .maxBytes(TEXT.length() * 10L).build();
    for (int d = 0; d < 50; d++) {
      store.save(entry(d, d)).toCompletableFuture().join();
    }
    assertThat(store.loadAll().toCompletableFuture().join()).hasSize(10);
    StoredPolicy huge = new StoredPolicy(PolicyDomain.of("huge.example"), "1", TEXT + "x: " + "y".repeat(TEXT.length() * 10),
        T, T.plusSeconds(86400));
    store.save(huge).toCompletableFuture().join();
    assertThat(store.load(huge.domain()).toCompletableFuture().join()).isEmpty();
    assertThat(store.loadAll().toCompletableFuture().join()).hasSize(10);
  }
}
