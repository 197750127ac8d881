package dev.mtasts.redis;

import static dev.mtasts.redis.RedisPolicyStoreIT.DOMAIN;
import static dev.mtasts.redis.RedisPolicyStoreIT.NOW;
import static dev.mtasts.redis.RedisPolicyStoreIT.POLICY;
import static dev.mtasts.redis.RedisPolicyStoreIT.await;
import static dev.mtasts.redis.RedisPolicyStoreIT.awaitTrue;
import static dev.mtasts.redis.RedisPolicyStoreIT.entry;
import static dev.mtasts.redis.RedisPolicyStoreIT.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.FailureHandling;
import dev.mtasts.resolver.MtaStsEvent;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.NoPolicyReason;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A fleet of resolvers on one real redis-server, under faults: fleet-wide back-off, write-behind
 * while Redis is down, a connection reset, SIGKILL without persistence. Each test has its own server.
 */
class RedisFleetIT {
  static final PolicyDomain OTHER = PolicyDomain.of("other.example");

  final ManualClock clock = ManualClock.at(NOW);
  final List<AutoCloseable> toClose = new ArrayList<>();
  final List<MtaStsEvent> events = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    // Stores before servers, so that no client tries to reconnect to a server that is gone.
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    toClose.clear();
  }

  RedisServer server() throws IOException {
    RedisServer s = RedisServer.builder().start();
    toClose.add(0, s);
    return s;
  }

  RedisPolicyStore store(RedisServer server, RedisPolicyStore.Builder options) {
    RedisPolicyStore s = options.uri(server.uri()).clock(clock).timeout(Duration.ofSeconds(3)).build();
    toClose.add(s);
    return s;
  }

  RedisPolicyStore store(RedisServer server) {
    return store(server, RedisPolicyStore.builder());
  }

  MtaStsResolver resolverOn(PolicyStore store, FakePolicyFetcher fetcher, String... domains) {
    FakeDnsLookup dns = FakeDnsLookup.create();
    for (String d : domains.length == 0 ? new String[] {DOMAIN.name()} : domains) {
      dns.putTxt("_mta-sts." + d, "v=STSv1; id=1;");
    }
    return MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).policyStore(store).clock(clock)
        .ticker(clock.ticker()).executor(Runnable::run).backgroundRecheck(false).addListener(events::add)
        .onStoreFailure(FailureHandling.DELIVER_WITHOUT_POLICY).build();
  }

  @Test
  @DisplayName("CAC-36: one node's failed fetch holds every node back from that (domain, id) for the back-off")
  void aFailedFetchHoldsTheFleetBack() throws IOException {
    RedisServer redis = server();
    FakePolicyFetcher failing = FakePolicyFetcher.create().fail(DOMAIN.name(), FetchFailure.CONNECT_FAILED);
    assertThat(await(resolverOn(store(redis), failing).resolve(DOMAIN))).isInstanceOfSatisfying(
        PolicyResolution.NoPolicy.class, n -> assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_FAILED));
    String key = "mta-sts:policy:!backoff:{" + DOMAIN.name() + "}:1";
    // The resolver's back-off, five minutes by default, lives in Redis.
    assertThat(Long.parseLong(redis.command("PTTL", key))).isBetween(290_000L, 300_000L);

    FakePolicyFetcher working = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    for (int node = 0; node < 3; node++) {
      assertThat(await(resolverOn(store(redis), working).resolve(DOMAIN))).isInstanceOfSatisfying(
          PolicyResolution.NoPolicy.class, n -> {
            assertThat(n.reason()).isEqualTo(NoPolicyReason.FETCH_BACKOFF);
            assertThat(n.trace().rule()).isEqualTo("CAC-36");
          });
    }
    assertThat(working.fetches(DOMAIN.name())).isZero();
    // A new id is not held back; the lease of the old one is free again.
    RedisPolicyStore store = store(redis);
    assertThat(await(store.acquireFetch(DOMAIN, "2", Duration.ofSeconds(5)))).isInstanceOf(FetchLease.Granted.class);
    assertThat(await(store.acquireFetch(DOMAIN, "1", Duration.ofSeconds(5)))).isInstanceOfSatisfying(
        FetchLease.BackedOff.class, b -> assertThat(b.remaining()).isPositive());
    // Once the back-off lapses, the fleet fetches again.
    redis.command("DEL", key);
    assertThat(await(resolverOn(store(redis), working).resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);
    assertThat(working.fetches(DOMAIN.name())).isEqualTo(1);
  }

  @Test
  @DisplayName("CAC-37: a save made while Redis is down is kept, read through, and written once Redis is back")
  void aSaveMadeWhileRedisIsDownIsWrittenOnceItIsBack() throws IOException {
    RedisServer redis = server();
    RedisPolicyStore store = store(redis, RedisPolicyStore.builder().retryInterval(Duration.ofMillis(50)));
    await(store.save(entry(DOMAIN, "1", NOW.minusSeconds(60))));
    redis.kill();

    StoredPolicy newest = entry(DOMAIN, "3", NOW);
    assertThat(failureOf(store.save(newest))).isInstanceOf(RedisStoreException.class);
    // An older save made later never displaces the newest one kept.
    assertThat(failureOf(store.save(entry(DOMAIN, "2", NOW.minusSeconds(30))))).isInstanceOf(RedisStoreException.class);
    assertThat(store.pendingWrites()).isEqualTo(1);
    assertThat(await(store.load(DOMAIN))).as("read through while Redis is down").contains(newest);

    redis.restart(); // no persistence: Redis comes back empty
    awaitTrue(() -> "3".equals(redis.command("HGET", store.keyOf(DOMAIN), "id")), "the kept save is written");
    awaitTrue(() -> store.pendingWrites() == 0, "nothing is kept any more");
    assertThat(Long.parseLong(redis.command("PTTL", store.keyOf(DOMAIN)))).as("TTL set as for any save")
        .isGreaterThan(Duration.ofDays(1).toMillis());
    assertThat(await(store(redis).load(DOMAIN))).contains(newest);
  }

  @Test
  @DisplayName("CAC-37: a retried save goes through the compare-and-set: it never replaces a fresher entry")
  void aRetriedSaveNeverReplacesAFresherEntry() throws IOException {
    RedisServer redis = server();
    // No timer within this test: only a successful call writes the kept save.
    RedisPolicyStore slow = store(redis, RedisPolicyStore.builder().retryInterval(Duration.ofHours(1)));
    await(slow.load(OTHER)); // connected
    redis.kill();
    assertThat(failureOf(slow.save(entry(DOMAIN, "old", NOW.minusSeconds(10))))).isInstanceOf(RedisStoreException.class);
    redis.restart();
    StoredPolicy fresher = entry(DOMAIN, "new", NOW);
    await(store(redis).save(fresher)); // another node, after Redis came back

    RedisPolicyStoreIT.awaitSuccess(() -> slow.load(OTHER)); // reconnected: the kept save is retried
    awaitTrue(() -> slow.pendingWrites() == 0, "the kept save was tried");
    assertThat(redis.command("HGET", slow.keyOf(DOMAIN), "id")).isEqualTo("new");
    assertThat(await(slow.load(DOMAIN))).contains(fresher);
  }

  @Test
  @DisplayName("CAC-37: at most maxPendingWrites saves are kept, one per domain; a delete drops its domain's")
  void theKeptSavesAreCapped() throws IOException {
    RedisServer redis = server();
    RedisPolicyStore store = store(redis, RedisPolicyStore.builder().maxPendingWrites(2)
        .retryInterval(Duration.ofHours(1)));
    redis.kill();
    for (int i = 0; i < 5; i++) {
      failureOf(store.save(entry(PolicyDomain.of("d" + i + ".example"), "1", NOW.plusSeconds(i))));
      failureOf(store.save(entry(PolicyDomain.of("d" + i + ".example"), "2", NOW.plusSeconds(i + 1))));
    }
    assertThat(store.pendingWrites()).isEqualTo(2);
    assertThat(await(store.load(PolicyDomain.of("d1.example")))).map(StoredPolicy::policyId).contains("2");
    failureOf(store.delete(PolicyDomain.of("d0.example")));
    assertThat(store.pendingWrites()).isEqualTo(1);
  }

  @Test
  @DisplayName("CAC-39: a connection reset fails no resolution; the store reconnects on its own")
  void aConnectionResetIsRecoveredOnItsOwn() throws IOException {
    RedisServer redis = server();
    RedisPolicyStore store = store(redis);
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY).serve(OTHER.name(), POLICY);
    MtaStsResolver resolver = resolverOn(store, fetcher, DOMAIN.name(), OTHER.name());
    assertThat(await(resolver.resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);

    // Every client but the one sending the command: the store's socket is closed under it.
    redis.command("CONFIG", "RESETSTAT");
    assertThat(Long.parseLong(redis.command("CLIENT", "KILL", "TYPE", "normal"))).isPositive();
    assertThat(await(resolver.resolve(DOMAIN))).as("served from memory").isInstanceOf(PolicyResolution.Active.class);
    // The store reconnects with no call from us: Redis sees its handshake (HELLO) again.
    awaitTrue(() -> redis.command("INFO", "commandstats").contains("cmdstat_hello:"), "the store reconnected");
    RedisPolicyStoreIT.awaitSuccess(() -> store.load(OTHER)); // the client finishes its side of the handshake
    int failuresBefore = storeFailures();
    // A cold domain now goes through the store again.
    assertThat(await(resolver.resolve(OTHER))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(await(store.load(OTHER))).isPresent();
    assertThat(storeFailures()).isEqualTo(failuresBefore);
  }

  int storeFailures() {
    return (int) events.stream().filter(e -> e instanceof MtaStsEvent.StoreFailed).count();
  }

  @Test
  @DisplayName("CAC-40: SIGKILL without persistence: the fleet serves from memory, saves are written back, a cold node fetches once")
  void sigkillWithoutPersistenceBreaksNothing() throws IOException {
    RedisServer redis = server();
    FakePolicyFetcher fetcherA = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY).serve(OTHER.name(), POLICY);
    FakePolicyFetcher fetcherB = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    MtaStsResolver a = resolverOn(store(redis, RedisPolicyStore.builder().retryInterval(Duration.ofMillis(50))),
        fetcherA, DOMAIN.name(), OTHER.name());
    MtaStsResolver b = resolverOn(store(redis), fetcherB);
    assertThat(await(a.resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);
    assertThat(await(b.resolve(DOMAIN))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        r -> assertThat(r.source()).isEqualTo(PolicySource.CACHED));

    redis.kill();
    for (MtaStsResolver node : List.of(a, b)) {
      assertThat(await(node.resolve(DOMAIN))).as("served from memory").isInstanceOf(PolicyResolution.Active.class);
    }
    // A domain first met while Redis is down is fetched (onStoreFailure decides), its save fails and is kept.
    assertThat(await(a.resolve(OTHER))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        r -> assertThat(r.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(events).anyMatch(e -> e instanceof MtaStsEvent.StoreFailed f && f.operation().equals("save"));

    redis.restart(); // empty
    RedisPolicyStore probe = store(redis);
    awaitTrue(() -> redis.command("EXISTS", probe.keyOf(OTHER)).equals("1"), "the kept save is written back");
    // A cold node finds what was written back, and fetches the rest once.
    FakePolicyFetcher cold = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY).serve(OTHER.name(), POLICY);
    MtaStsResolver c = resolverOn(store(redis), cold, DOMAIN.name(), OTHER.name());
    assertThat(await(c.resolve(OTHER))).isInstanceOfSatisfying(PolicyResolution.Active.class,
        r -> assertThat(r.source()).isEqualTo(PolicySource.CACHED));
    for (int i = 0; i < 3; i++) {
      assertThat(await(c.resolve(DOMAIN))).isInstanceOf(PolicyResolution.Active.class);
    }
    assertThat(cold.fetches(DOMAIN.name())).isEqualTo(1);
    assertThat(cold.fetches(OTHER.name())).isZero();
    assertThat(fetcherA.fetches(DOMAIN.name()) + fetcherB.fetches(DOMAIN.name())).isEqualTo(1);
  }
}
