package dev.mtasts.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.store.ForwardingPolicyStore;
import java.util.Set;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.DeferReason;
import dev.mtasts.resolver.FailureHandling;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.StoredPolicy;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.Gate;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.RedisServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RedisPolicyStore} against a real redis-server on loopback. */
class RedisPolicyStoreIT {
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
  static final PolicyDomain DOMAIN = PolicyDomain.of("example.com");
  static final Instant NOW = Instant.parse("2026-03-01T00:00:00.123456789Z");
  /** Generous: a real server on loopback answers in well under this, a paused one never does. */
  static final Duration WAIT = Duration.ofSeconds(20);

  static RedisServer redis;

  final ManualClock clock = ManualClock.at(NOW);
  final Map<String, String> reported = new ConcurrentHashMap<>();
  final List<RedisPolicyStore> toClose = new ArrayList<>();
  String prefix;

  @BeforeAll
  static void startRedis() throws IOException {
    redis = RedisServer.builder().start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void prefix(TestInfo info) {
    // One key space per test: the tests share one server.
    prefix = "t:" + info.getTestMethod().orElseThrow().getName() + ":";
  }

  @AfterEach
  void closeAll() {
    for (RedisPolicyStore c : toClose) {
      c.close();
    }
    toClose.clear();
  }

  RedisPolicyStore store(RedisServer server, Duration timeout) {
    RedisPolicyStore s = RedisPolicyStore.builder().uri(server.uri()).keyPrefix(prefix).timeout(timeout)
        .clock(clock).onCorrupt(reported::put).build();
    toClose.add(s);
    return s;
  }

  RedisPolicyStore store() {
    return store(redis, Duration.ofSeconds(5));
  }

  static StoredPolicy entry(PolicyDomain domain, String id, Instant fetched) {
    return new StoredPolicy(domain, id, POLICY, fetched, fetched.plus(Duration.ofDays(1)));
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("stage did not complete normally within " + WAIT, e);
    }
  }

  static Throwable failureOf(CompletionStage<?> stage) {
    CompletableFuture<?> f = stage.toCompletableFuture();
    try {
      f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("stage did not fail within " + WAIT, e);
    }
    throw new AssertionError("stage completed normally");
  }

  @Test
  @DisplayName("CAC-30: a reader on another node rebuilds the exact entry, to the nanosecond")
  void anEntryRoundTripsEveryFieldToAnotherNode() {
    StoredPolicy saved = new StoredPolicy(DOMAIN, "20260301T000000abc", POLICY + "x-note: \u00e9t\u00e9\n",
        NOW.minusNanos(987_654_321), NOW.plus(Duration.ofDays(7)).plusNanos(1));
    await(store().save(saved));

    RedisPolicyStore otherNode = store();
    assertThat(await(otherNode.load(DOMAIN))).as("reported: %s", reported).contains(saved);
    assertThat(await(otherNode.load(PolicyDomain.of("other.example")))).isEmpty();
    assertThat(reported).isEmpty();
  }

  @Test
  @DisplayName("CAC-30: loadAll returns every entry under the prefix, and reports keys that are not ours")
  void loadAllReturnsEveryEntryUnderThePrefix() {
    // A small request queue: loadAll must not send more commands at once than it holds.
    RedisPolicyStore store = RedisPolicyStore.builder().uri(redis.uri()).keyPrefix(prefix).clock(clock)
        .onCorrupt(reported::put).requestQueueSize(16).build();
    toClose.add(store);
    List<StoredPolicy> saved = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // more than one SCAN batch
      StoredPolicy e = entry(PolicyDomain.of("d" + i + ".example"), "id" + i, NOW.minusSeconds(i));
      saved.add(e);
      await(store.save(e));
    }
    redis.command("SET", prefix + "not a domain!", "x");
    redis.command("SET", "t:elsewhere:" + prefix + "x.example", "x");

    assertThat(await(store.loadAll())).containsExactlyInAnyOrderElementsOf(saved);
    assertThat(reported).containsOnlyKeys(prefix + "not a domain!");
  }

  @Test
  @DisplayName("CAC-30: delete removes the entry")
  void deleteRemovesTheEntry() {
    RedisPolicyStore store = store();
    await(store.save(entry(DOMAIN, "1", NOW)));
    await(store.delete(DOMAIN));
    assertThat(await(store.load(DOMAIN))).isEmpty();
    assertThat(redis.command("EXISTS", prefix + DOMAIN.name())).isEqualTo("0");
    await(store.delete(DOMAIN)); // deleting nothing is fine
  }

  @Test
  @DisplayName("CAC-31: the key's TTL is the entry's remaining lifetime plus the grace")
  void theKeyTtlIsTheRemainingLifetimePlusTheGrace() {
    RedisPolicyStore store = store();
    // Fetched an hour ago with max_age one day: 23 hours left, plus the default grace of one day.
    await(store.save(entry(DOMAIN, "1", NOW.minus(Duration.ofHours(1)))));
    long expected = Duration.ofHours(23).plus(RedisPolicyStore.DEFAULT_GRACE).toMillis();
    long pttl = Long.parseLong(redis.command("PTTL", prefix + DOMAIN.name()));
    assertThat(pttl).isBetween(expected - WAIT.toMillis(), expected);

    // A custom grace, and an entry fetched "in the future" lives no longer from now than from its fetch.
    RedisPolicyStore zeroGrace = RedisPolicyStore.builder().uri(redis.uri()).keyPrefix(prefix + "g:")
        .grace(Duration.ZERO).clock(clock).build();
    toClose.add(zeroGrace);
    await(zeroGrace.save(entry(DOMAIN, "1", NOW.plus(Duration.ofDays(300)))));
    long future = Long.parseLong(redis.command("PTTL", prefix + "g:" + DOMAIN.name()));
    assertThat(future).isBetween(Duration.ofDays(1).toMillis() - WAIT.toMillis(), Duration.ofDays(1).toMillis());
  }

  @Test
  @DisplayName("CAC-32: under racing writers on two nodes, the newest fetch always wins (200 rounds)")
  void theNewestFetchWinsUnderRacingWriters() {
    RedisPolicyStore a = store();
    RedisPolicyStore b = store();
    Random random = new Random(16);
    Instant base = NOW.minus(Duration.ofDays(10));
    int olderWrittenLast = 0;
    for (int round = 0; round < 200; round++) {
      Instant t = base.plusSeconds(10L * round);
      StoredPolicy newer = entry(DOMAIN, "n" + round, t.plusMillis(1 + random.nextInt(5000)));
      StoredPolicy older = entry(DOMAIN, "o" + round, t);
      boolean newerOnA = random.nextBoolean();
      boolean newerFirst = random.nextBoolean();
      olderWrittenLast += newerFirst ? 1 : 0;
      RedisPolicyStore first = newerOnA == newerFirst ? a : b;
      RedisPolicyStore second = first == a ? b : a;
      // Both in flight at once, on two connections: Redis runs them in either order.
      CompletableFuture<Void> one = first.save(newerFirst ? newer : older).toCompletableFuture();
      CompletableFuture<Void> two = second.save(newerFirst ? older : newer).toCompletableFuture();
      await(CompletableFuture.allOf(one, two));
      assertThat(await(a.load(DOMAIN))).as("round %d", round).contains(newer);
      assertThat(await(b.load(DOMAIN))).as("round %d", round).contains(newer);
    }
    assertThat(olderWrittenLast).isGreaterThan(50);
  }

  @Test
  @DisplayName("CAC-20: a real fetch replaces an entry dated in the future; an older one does not")
  void aRealFetchReplacesAnEntryDatedInTheFuture() {
    RedisPolicyStore store = store();
    await(store.save(entry(DOMAIN, "future", NOW.plus(Duration.ofDays(30)))));
    StoredPolicy real = entry(DOMAIN, "real", NOW);
    await(store.save(real));
    assertThat(await(store.load(DOMAIN))).contains(real);
    await(store.save(entry(DOMAIN, "stale", NOW.minusSeconds(1))));
    assertThat(await(store.load(DOMAIN))).contains(real);
  }

  @Test
  @DisplayName("SEC-40: a foreign or damaged value at our key is absent and reported, never a failure; a save replaces it")
  void aForeignValueAtOurKeyIsAbsentAndReported() {
    RedisPolicyStore store = store();
    String key = prefix + DOMAIN.name();
    Map<Runnable, String> cases = new java.util.LinkedHashMap<>();
    cases.put(() -> redis.command("SET", key, "hello"), "a Redis string, not a hash");
    cases.put(() -> redis.command("RPUSH", key, "a"), "a Redis list, not a hash");
    cases.put(() -> redis.command("HSET", key, "foo", "bar"), "a hash of 1 fields");
    cases.put(() -> redis.command("HSET", key, "v", "1", "domain", DOMAIN.name(), "id", "1", "fetched-s", "-5",
        "fetched-n", "0", "expires-s", "9", "expires-n", "0", "text", POLICY), "field fetched-s is not a decimal number");
    cases.put(() -> redis.command("HSET", key, "v", "2", "domain", DOMAIN.name(), "id", "1", "fetched-s", "1",
        "fetched-n", "0", "expires-s", "9", "expires-n", "0", "text", POLICY), "format version '2'");
    cases.put(() -> redis.command("HSET", key, "v", "1", "domain", "evil.example", "id", "1", "fetched-s", "1",
        "fetched-n", "0", "expires-s", "9", "expires-n", "0", "text", POLICY), "holds domain evil.example");
    cases.put(() -> redis.command("HSET", key, "v", "1", "domain", DOMAIN.name(), "id", "1", "fetched-s", "1",
        "fetched-n", "0", "expires-s", "9", "expires-n", "0", "text", "x".repeat(70_000)), "more than the cap");
    cases.put(() -> redis.command("HSET", key, "v", "1", "domain", DOMAIN.name(), "id", "1", "fetched-s", "1",
        "fetched-n", "0", "expires-s", "9", "expires-n", "0", "text", "not a policy"), "not a valid policy");
    for (Map.Entry<Runnable, String> c : cases.entrySet()) {
      redis.command("DEL", key);
      reported.clear();
      c.getKey().run();
      assertThat(await(store.load(DOMAIN))).as(c.getValue()).isEmpty();
      assertThat(reported).as(c.getValue()).containsOnlyKeys(key);
      assertThat(reported.get(key)).as(c.getValue()).contains(c.getValue());
    }
    StoredPolicy e = entry(DOMAIN, "1", NOW);
    await(store.save(e));
    assertThat(await(store.load(DOMAIN))).contains(e);
  }

  @Test
  @DisplayName("CAC-33: a frozen Redis fails load and save within the timeout; the resolver's onStoreFailure decides")
  void aFrozenRedisFailsWithinTheTimeoutAndTheResolverDecides() {
    Duration timeout = Duration.ofMillis(300);
    RedisPolicyStore store = store(redis, timeout);
    await(store.save(entry(DOMAIN, "1", NOW)));
    redis.freeze();
    try {
      for (Supplier<CompletionStage<?>> op : List.<Supplier<CompletionStage<?>>>of(
          () -> store.load(DOMAIN), () -> store.save(entry(DOMAIN, "2", NOW.plusSeconds(1))), store::loadAll)) {
        long start = System.nanoTime();
        Throwable failure = failureOf(op.get());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(failure).isInstanceOf(RedisStoreException.class).hasMessageContaining("timed out after 300 ms");
        assertThat(tookMillis).isBetween(250L, 300L + 2000L);
      }
      // Another node (this one reads its own kept save through, CAC-37): it cannot load the entry.
      RedisPolicyStore other = store(redis, timeout);
      PolicyResolution deferred = resolverOn(other, FakePolicyFetcher.create(), FailureHandling.DEFER)
          .resolve(DOMAIN).toCompletableFuture().join();
      assertThat(deferred).isInstanceOfSatisfying(PolicyResolution.Deferred.class,
          d -> assertThat(d.reason()).isEqualTo(DeferReason.STORE_UNAVAILABLE));
      FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
      PolicyResolution delivered = resolverOn(other, fetcher, FailureHandling.DELIVER_WITHOUT_POLICY)
          .resolve(DOMAIN).toCompletableFuture().join();
      assertThat(delivered).isInstanceOfSatisfying(PolicyResolution.Active.class,
          a -> assertThat(a.source()).isEqualTo(PolicySource.FETCHED));
    } finally {
      redis.thaw();
    }
    // CAC-37: the save that failed while Redis was frozen was kept, and is the newest.
    assertThat(await(store.load(DOMAIN))).map(StoredPolicy::policyId).contains("2");
  }

  MtaStsResolver resolverOn(PolicyStore store, FakePolicyFetcher fetcher, FailureHandling onStoreFailure) {
    FakeDnsLookup dns = FakeDnsLookup.create().putTxt("_mta-sts." + DOMAIN.name(), "v=STSv1; id=1;");
    return MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).policyStore(store).clock(clock)
        .ticker(clock.ticker()).executor(Runnable::run).backgroundRecheck(false).onStoreFailure(onStoreFailure)
        .build();
  }

  @Test
  @DisplayName("CAC-30: two resolvers share one Redis: what one fetched, the other serves without a fetch")
  void twoResolversShareOneRedis() {
    FakePolicyFetcher fetcherA = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    FakePolicyFetcher fetcherB = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    MtaStsResolver a = resolverOn(store(), fetcherA, FailureHandling.DEFER);
    MtaStsResolver b = resolverOn(store(), fetcherB, FailureHandling.DEFER);

    PolicyResolution fetched = a.resolve(DOMAIN).toCompletableFuture().join();
    assertThat(fetched).isInstanceOfSatisfying(PolicyResolution.Active.class,
        r -> assertThat(r.source()).isEqualTo(PolicySource.FETCHED));
    PolicyResolution served = b.resolve(DOMAIN).toCompletableFuture().join();
    assertThat(served).isInstanceOfSatisfying(PolicyResolution.Active.class, r -> {
      assertThat(r.source()).isEqualTo(PolicySource.CACHED);
      assertThat(r.fetchedAt()).isEqualTo(((PolicyResolution.Active) fetched).fetchedAt());
    });
    assertThat(fetcherA.fetches(DOMAIN.name())).isEqualTo(1);
    assertThat(fetcherB.fetches(DOMAIN.name())).isZero();

    // CAC-30: the resolver's in-memory cache stands in front of the store: a cached resolve makes
    // no Redis round trip.
    assertThat(storeCommandCalls()).as("the counter sees the store's commands").isPositive();
    redis.command("CONFIG", "RESETSTAT");
    for (int i = 0; i < 10; i++) {
      assertThat(b.resolve(DOMAIN).toCompletableFuture().join()).isInstanceOf(PolicyResolution.Active.class);
    }
    assertThat(storeCommandCalls()).isZero();
  }

  /** How many commands a store sends (EVAL, DEL, SCAN) since the last CONFIG RESETSTAT. */
  static long storeCommandCalls() {
    String stats = redis.command("INFO", "commandstats");
    return stats.lines().filter(l -> l.startsWith("cmdstat_eval:") || l.startsWith("cmdstat_del:")
            || l.startsWith("cmdstat_scan:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("^[^:]+:calls=(\\d+),.*", "$1"))).sum();
  }

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {2, 3})
  @DisplayName("CAC-35: N resolvers on one Redis resolving one cold domain at once cause one fetch")
  void nodesResolvingOneColdDomainAtOnceCauseOneFetch(int nodes) {
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    Gate gate = fetcher.hold(DOMAIN.name());
    redis.command("DEL", prefix + DOMAIN.name()); // each run starts cold: the runs share one prefix
    Set<Integer> toldToWait = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<PolicyResolution>> results = new ArrayList<>();
    results.add(resolverOn(store(), fetcher, FailureHandling.DEFER).resolve(DOMAIN).toCompletableFuture());
    awaitTrue(() -> gate.waiting() == 1, "the first node's fetch is in flight");
    for (int i = 1; i < nodes; i++) {
      int node = i;
      results.add(resolverOn(noting(store(), () -> toldToWait.add(node)), fetcher, FailureHandling.DEFER)
          .resolve(DOMAIN).toCompletableFuture());
    }
    // Every other node is waiting for the first (or, without a lease, fetched on its own: the count
    // below says so) before the first node's fetch ends.
    awaitTrue(() -> toldToWait.size() == nodes - 1 || gate.waiting() > 1, "every node asked for the fetch lease");
    gate.release();

    List<PolicyResolution> resolved = results.stream().map(RedisPolicyStoreIT::await).toList();
    assertThat(fetcher.fetches(DOMAIN.name())).isEqualTo(1);
    assertThat(resolved.get(0)).isInstanceOfSatisfying(PolicyResolution.Active.class,
        r -> assertThat(r.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(resolved.subList(1, nodes)).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(
        PolicyResolution.Active.class, a -> {
          assertThat(a.source()).isEqualTo(PolicySource.CACHED);
          assertThat(a.trace().rule()).isEqualTo("CAC-35");
          assertThat(a.fetchedAt()).isEqualTo(((PolicyResolution.Active) resolved.get(0)).fetchedAt());
        }));
    // Released after the save: no lease is left behind.
    assertThat(redis.command("EXISTS", prefix + "!lease:{" + DOMAIN.name() + "}")).isEqualTo("0");
  }

  @Test
  @DisplayName("CAC-35, CAC-36: when the holder's fetch fails, it releases the lease, and the waiting node backs off at once")
  void aFailedFetchFreesTheLeaseAndHoldsTheWaitingNodeBack() {
    FakePolicyFetcher failing = FakePolicyFetcher.create().fail(DOMAIN.name(), FetchFailure.CONNECT_FAILED);
    Gate gate = failing.hold(DOMAIN.name());
    Set<Integer> toldToWait = ConcurrentHashMap.newKeySet();
    CompletableFuture<PolicyResolution> first = resolverOn(store(), failing, FailureHandling.DEFER).resolve(DOMAIN)
        .toCompletableFuture();
    awaitTrue(() -> gate.waiting() == 1, "the first node's fetch is in flight");
    FakePolicyFetcher working = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    // The default lease, 15 s: far longer than this test may take.
    CompletableFuture<PolicyResolution> second = resolverOn(noting(store(), () -> toldToWait.add(2)), working,
        FailureHandling.DEFER).resolve(DOMAIN).toCompletableFuture();
    awaitTrue(() -> !toldToWait.isEmpty() || working.fetches(DOMAIN.name()) > 0, "the second node waits");
    long start = System.nanoTime();
    gate.release();
    assertThat(await(first)).isInstanceOf(PolicyResolution.NoPolicy.class);
    // CAC-36: the first node's failure holds the fleet back: the policy host is not asked again.
    assertThat(await(second)).isInstanceOfSatisfying(PolicyResolution.NoPolicy.class, n -> {
      assertThat(n.reason()).isEqualTo(dev.mtasts.resolver.NoPolicyReason.FETCH_BACKOFF);
      assertThat(n.trace().rule()).isEqualTo("CAC-36");
    });
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000L);
    assertThat(working.fetches(DOMAIN.name())).isZero();
    assertThat(redis.command("EXISTS", prefix + "!lease:{" + DOMAIN.name() + "}")).isEqualTo("0");
  }

  /** A node's store that calls {@code onHeldElsewhere} whenever the node is told to wait. */
  static PolicyStore noting(RedisPolicyStore store, Runnable onHeldElsewhere) {
    return new ForwardingPolicyStore(store) {
      @Override
      public CompletionStage<FetchLease> acquireFetch(PolicyDomain domain, String policyId, Duration lease) {
        return store.acquireFetch(domain, policyId, lease).thenApply(l -> {
          if (l instanceof FetchLease.HeldElsewhere) {
            onHeldElsewhere.run();
          }
          return l;
        });
      }
    };
  }

  @Test
  @DisplayName("CAC-35: a node that dies holding the lease delays the others by at most the lease")
  void aNodeThatDiesHoldingTheLeaseDelaysOthersByAtMostTheLease() {
    Duration lease = Duration.ofMillis(1000);
    // The "dead" node: takes the lease and never releases it.
    assertThat(await(store().acquireFetch(DOMAIN, "1", lease))).isInstanceOf(FetchLease.Granted.class);
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve(DOMAIN.name(), POLICY);
    long start = System.nanoTime();
    PolicyResolution r = await(resolverOn(store(), fetcher, FailureHandling.DEFER).resolve(DOMAIN));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r).isInstanceOfSatisfying(PolicyResolution.Active.class,
        a -> assertThat(a.source()).isEqualTo(PolicySource.FETCHED));
    assertThat(fetcher.fetches(DOMAIN.name())).isEqualTo(1);
    assertThat(tookMillis).as("waited for the lease, and no longer").isBetween(800L, lease.toMillis() + 1500L);
  }

  @Test
  @DisplayName("CAC-35: only the holder releases a lease; a loadAll skips lease keys")
  void aLeaseIsReleasedOnlyByItsHolderAndIsNoEntry() {
    RedisPolicyStore store = store();
    FetchLease.Granted first = (FetchLease.Granted) await(store.acquireFetch(DOMAIN, "1", Duration.ofSeconds(30)));
    assertThat(await(store.acquireFetch(DOMAIN, "1", Duration.ofSeconds(30))))
        .isInstanceOfSatisfying(FetchLease.HeldElsewhere.class, h -> assertThat(h.remaining())
            .isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30)));
    assertThat(await(store.loadAll())).isEmpty();
    assertThat(reported).isEmpty();
    // The first lease lapses and a second node takes it: the first node's late release leaves it alone.
    redis.command("DEL", prefix + "!lease:{" + DOMAIN.name() + "}");
    FetchLease second = await(store.acquireFetch(DOMAIN, "1", Duration.ofSeconds(30)));
    assertThat(second).isInstanceOf(FetchLease.Granted.class);
    await(first.release());
    assertThat(await(store.acquireFetch(DOMAIN, "1", Duration.ofSeconds(30)))).isInstanceOf(FetchLease.HeldElsewhere.class);
    await(((FetchLease.Granted) second).release());
    assertThat(await(store.acquireFetch(DOMAIN, "1", Duration.ofSeconds(30)))).isInstanceOf(FetchLease.Granted.class);
  }

  /** Waits on a timer (no sleep) until a condition holds, or fails after WAIT. */
  static void awaitTrue(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)).join();
    }
  }

  @Test
  @DisplayName("CAC-34: after SIGKILL and a restart with appendfsync always, no acknowledged policy is lost")
  void noAcknowledgedPolicyIsLostToSigkill() throws IOException {
    try (RedisServer durable = RedisServer.builder().appendFsyncAlways().start()) {
      RedisPolicyStore store = store(durable, Duration.ofSeconds(5));
      List<StoredPolicy> acknowledged = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        StoredPolicy e = entry(PolicyDomain.of("k" + i + ".example"), "id" + i, NOW.minusSeconds(i));
        await(store.save(e));
        acknowledged.add(e);
      }
      durable.kill();
      assertThat(failureOf(store.load(DOMAIN))).isInstanceOf(RedisStoreException.class);
      durable.restart();

      assertThat(await(store(durable, Duration.ofSeconds(5)).loadAll())).containsExactlyInAnyOrderElementsOf(acknowledged);
      // The first store reconnects on its own.
      assertThat(awaitSuccess(() -> store.load(acknowledged.get(7).domain()))).contains(acknowledged.get(7));
      closeAll(); // before the server goes, so that no client tries to reconnect to it
    }
  }

  /** Retries an operation that fails fast while a client reconnects, until it succeeds or WAIT passes. */
  static <T> T awaitSuccess(Supplier<CompletionStage<T>> op) {
    long end = System.nanoTime() + WAIT.toNanos();
    Throwable last = null;
    while (System.nanoTime() < end) {
      CompletableFuture<T> attempt = op.get().toCompletableFuture()
          .thenCompose(v -> CompletableFuture.completedFuture(v));
      try {
        return attempt.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        last = e;
        // Commands are rejected at once while disconnected: wait for the reconnect a little, on a
        // timer rather than a sleep, then ask again.
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)).join();
      }
    }
    throw new AssertionError("did not succeed within " + WAIT, last);
  }

  @Test
  @DisplayName("CAC-33: a full Redis (maxmemory, noeviction) fails a save cleanly; loads still work")
  void aFullRedisFailsASaveCleanly() throws IOException {
    try (RedisServer small = RedisServer.builder().maxMemoryNoEviction(64L << 20).start()) {
      RedisPolicyStore store = store(small, Duration.ofSeconds(5));
      StoredPolicy first = entry(DOMAIN, "1", NOW.minusSeconds(5));
      await(store.save(first));
      small.command("CONFIG", "SET", "maxmemory", "1");

      Throwable failure = failureOf(store.save(entry(DOMAIN, "2", NOW)));
      assertThat(failure).isInstanceOf(RedisStoreException.class).hasMessageContaining("save of " + prefix)
          .hasMessageContaining("OOM");
      // Redis still holds the first entry; this node reads its failed save through until it is written (CAC-37).
      assertThat(await(store(small, Duration.ofSeconds(5)).load(DOMAIN))).contains(first);
      assertThat(store.pendingWrites()).isEqualTo(1);
      assertThat(await(store.load(DOMAIN))).map(StoredPolicy::policyId).contains("2");
      closeAll();
    }
  }

  @Test
  @DisplayName("CAC-33: a store builds while Redis is down; calls fail within the timeout, then work once it is up")
  void aStoreBuildsWhileRedisIsDownAndConnectsOnceItIsUp() throws IOException {
    try (RedisServer late = RedisServer.builder().start()) {
      late.kill();
      RedisPolicyStore store = store(late, Duration.ofMillis(500));
      long start = System.nanoTime();
      assertThat(failureOf(store.load(DOMAIN))).isInstanceOf(RedisStoreException.class)
          .hasMessageContaining("load of " + prefix);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500L + 2000L);

      late.restart();
      StoredPolicy e = entry(DOMAIN, "1", NOW);
      awaitSuccess(() -> store.save(e).thenApply(v -> true));
      assertThat(await(store.load(DOMAIN))).contains(e);
      closeAll(); // before the server goes, so that no client tries to reconnect to it
    }
  }

  @Test
  @DisplayName("CAC-30: a store on your own client works the same, and closing it leaves your client open")
  void aStoreOnYourOwnClientLeavesTheClientOpen() {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.uri());
    try {
      StoredPolicy e = entry(DOMAIN, "1", NOW);
      try (RedisPolicyStore mine = RedisPolicyStore.builder().client(client).keyPrefix(prefix).clock(clock).build()) {
        await(mine.save(e));
      }
      try (RedisPolicyStore again = RedisPolicyStore.builder().client(client).keyPrefix(prefix).clock(clock).build()) {
        assertThat(await(again.load(DOMAIN))).contains(e);
      }
      assertThatThrownBy(() -> RedisPolicyStore.builder().client(client).requestQueueSize(10).build())
          .isInstanceOf(IllegalStateException.class);
    } finally {
      client.shutdown();
    }
  }
}
