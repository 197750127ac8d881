package dev.mtasts.redis;

import static dev.mtasts.redis.RedisPolicyStoreIT.NOW;
import static dev.mtasts.redis.RedisPolicyStoreIT.await;
import static dev.mtasts.redis.RedisPolicyStoreIT.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.RedisCluster;
import dev.mtasts.testing.RedisServer;
import io.lettuce.core.cluster.RedisClusterClient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link RedisPolicyStore} on a real three-node Redis Cluster on loopback (CAC-38). */
class RedisClusterIT {
  /** The first call learns the topology and connects to every node: on a busy CI machine, slow. */
  static final Duration SLOW_MACHINE = Duration.ofSeconds(10);

  static RedisCluster cluster;
  static long startMillis;

  final ManualClock clock = ManualClock.at(NOW);

  @BeforeAll
  static void startCluster() throws IOException {
    long start = System.nanoTime();
    cluster = RedisCluster.start(3);
    startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("CAC-38: entries spread over every node round-trip, and loadAll scans every master")
  void entriesOnEveryNodeRoundTripAndLoadAllFindsThemAll() {
    System.out.println("Redis Cluster of 3 nodes ready in " + startMillis + " ms");
    try (RedisPolicyStore store = RedisPolicyStore.builder().clusterUris(cluster.seedUri()).keyPrefix("c1:")
        .clock(clock).timeout(SLOW_MACHINE).build()) {
      List<StoredPolicy> saved = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        StoredPolicy e = entry(PolicyDomain.of("d" + i + ".example"), "id" + i, NOW.minusSeconds(i));
        await(store.save(e));
        saved.add(e);
      }
      // The keys really are spread: every node holds some.
      Set<String> nodesWithKeys = new HashSet<>();
      for (RedisServer node : cluster.nodes()) {
        if (Long.parseLong(node.command("DBSIZE")) > 0) {
          nodesWithKeys.add(node.uri());
        }
      }
      assertThat(nodesWithKeys).hasSize(3);
      assertThat(await(store.load(saved.get(17).domain()))).contains(saved.get(17));
      assertThat(await(store.loadAll())).containsExactlyInAnyOrderElementsOf(saved);
      // The newest fetch still wins (the compare-and-set script runs on the key's node).
      await(store.save(entry(saved.get(3).domain(), "older", NOW.minusSeconds(3600))));
      assertThat(await(store.load(saved.get(3).domain()))).contains(saved.get(3));
    }
  }

  @Test
  @DisplayName("CAC-38: the fetch lease and the fleet back-off (two keys, one script) work in Cluster")
  void theLeaseAndTheBackoffWorkInCluster() {
    RedisClusterClient client = RedisClusterClient.create(cluster.seedUri());
    try (RedisPolicyStore a = RedisPolicyStore.builder().clusterClient(client).keyPrefix("c2:").clock(clock).timeout(SLOW_MACHINE).build();
        RedisPolicyStore b = RedisPolicyStore.builder().clusterUris(cluster.seedUri()).keyPrefix("c2:").clock(clock).timeout(SLOW_MACHINE)
            .build()) {
      for (int i = 0; i < 20; i++) { // domains in many slots
        PolicyDomain d = PolicyDomain.of("lease" + i + ".example");
        FetchLease.Granted granted = (FetchLease.Granted) await(a.acquireFetch(d, "1", Duration.ofSeconds(30)));
        assertThat(await(b.acquireFetch(d, "1", Duration.ofSeconds(30)))).isInstanceOf(FetchLease.HeldElsewhere.class);
        await(granted.release());
        await(b.recordFetchFailure(d, "1", Duration.ofMinutes(5)));
        assertThat(await(a.acquireFetch(d, "1", Duration.ofSeconds(30)))).isInstanceOf(FetchLease.BackedOff.class);
        assertThat(await(a.acquireFetch(d, "2", Duration.ofSeconds(30)))).isInstanceOf(FetchLease.Granted.class);
      }
    } finally {
      client.shutdown();
    }
  }
}
