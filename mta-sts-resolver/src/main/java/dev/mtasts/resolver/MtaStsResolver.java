package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TxtRecordSelection;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import dev.mtasts.resolver.store.FetchLease;
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender-side MTA-STS resolver: one call before delivery answers which policy applies to a
 * domain, correctly under every failure and fast on the hot path (RFC 8461 §3 to §5, §10).
 *
 * <pre>{@code
 * MtaStsResolver resolver = MtaStsResolver.builder()
 *     .dnsLookup(DnsjavaLookup.builder().build())
 *     .policyFetcher(HttpPolicyFetcher.builder().build())
 *     .policyStore(PolicyStore.inDirectory(Path.of("/var/lib/mta-sts")))
 *     .build();
 * resolver.scheduleRefreshes(scheduler, Duration.ofMinutes(10));   // the first round runs at once
 *
 * PolicyResolution r = resolver.resolve("example.com").toCompletableFuture().join();
 * if (r instanceof PolicyResolution.Active active && active.isEnforced()) {
 *   // deliver only to MX hosts that match active.policy(), over STARTTLS with PKIX validation
 * }
 * }</pre>
 *
 * <h2>Rules kept</h2>
 * <ul>
 *   <li>A policy is fetched when no valid policy is cached or the TXT id differs from the cached
 *       one (CAC-2); otherwise the cached one is used (CAC-3).
 *   <li>Any DNS, TXT or fetch failure keeps a valid cached policy in use (CAC-6, TXT-13, SEC-3); a
 *       cached policy is replaced only by a successfully fetched valid policy, even one in mode
 *       {@code none} or with a shorter {@code max_age} (CAC-7). A failed fetch while a policy is
 *       kept is logged at WARN: it is the administrator alert of §10.2 (SEC-2).
 *   <li>{@code max_age} is clamped to {@link Builder#maxAgeCap} (CAC-11).
 *   <li>After a failed fetch the same (domain, id) is not fetched again for at least five minutes,
 *       while a new id is fetched at once (FET-12), within the per-domain rate limit of
 *       {@link Builder#fetchRateLimit} (SEC-24).
 *   <li>Concurrent resolutions of one domain share one TXT lookup and one fetch (single flight).
 *       Across nodes sharing a store, a fetch lease ({@link PolicyStore#acquireFetch},
 *       {@link Builder#fetchLease}) lets one node fetch while the others wait for its entry, at
 *       most until the lease ends and within the fetch deadline (CAC-35).
 *   <li>"No record" answers are cached briefly ({@link Builder#negativeCacheDuration}); the TXT
 *       record of a domain with a valid cached policy is re-checked at most once per
 *       {@link Builder#txtRecheckInterval}, in the background by default (CAC-4). A policy kept in
 *       the store applies at once after a restart, while its TXT record is checked in the
 *       background (CAC-18).
 *   <li>{@link #recheckBeforeFailure} re-checks the TXT id before a message is failed (CAC-12).
 *   <li>{@link #refreshDue()} re-fetches cached policies daily with jitter, whatever the TXT record
 *       says, reporting failures (CAC-8, CAC-9), and bodies that changed under an unchanged id.
 *       Policies in mode {@code none} are refreshed too, without alerts (CAC-10, CAC-17).
 * </ul>
 *
 * <h2>Time</h2>
 * Every lifetime the resolver keeps in memory (the TXT re-check, the negative cache, the fetch
 * back-off, the rate-limit window, the cached policy's remaining {@code max_age} and the refresh
 * schedule) is measured on a monotonic ticker ({@link Builder#ticker}, default
 * {@link System#nanoTime()}), so that stepping the wall clock back or forth neither freezes nor
 * empties the cache (CAC-16). The wall clock ({@link Builder#clock}) only dates what is stored and
 * reported. A stored entry whose fetch time lies in the future of the clock is treated as fetched
 * now.
 *
 * <h2>Limits</h2>
 * Everything an attacker can make the resolver hold is capped (SEC-23, SEC-25):
 * <ul>
 *   <li>every call to the store, DNS and the fetcher has a deadline ({@link Builder#storeTimeout}
 *       10 s, {@link Builder#dnsTimeout} 30 s, {@link Builder#fetchTimeout} 60 s); a call that
 *       throws, fails or misses its deadline is a failure of that stage like any other;
 *   <li>domains in memory ({@link Builder#maxCachedDomains}, default 100,000) and policy text in
 *       memory ({@link Builder#maxCachedBytes}, default 64 MiB): beyond either, the least recently
 *       used domains with nothing in flight are dropped from memory (down to 90 % of the cap); the
 *       store keeps their policies, which are loaded again on their next resolution;
 *   <li>fetches in flight ({@link Builder#maxConcurrentFetches}, default 64): further fetches wait
 *       in arrival order; the wait counts against the fetch deadline, so a fetch that cannot start
 *       in time fails as a timeout;
 *   <li>fetches of new policy ids per domain ({@link Builder#fetchRateLimit}, default 3 in a
 *       10-minute window).
 * </ul>
 *
 * <h2>Threads</h2>
 * The resolver starts no threads. Its continuations run on the configured {@link Executor}
 * (default: {@link ForkJoinPool#commonPool()}); proactive refreshes run when
 * {@link #refreshDue()} is called, or on a caller-supplied scheduler via
 * {@link #scheduleRefreshes}. Deadlines use {@link CompletableFuture#orTimeout}, whose timer is the
 * JDK's one shared daemon thread for {@code CompletableFuture} delays (the fetch module times its
 * deadline the same way): it exists once per JVM, whatever the number of resolvers, and only
 * completes the timed-out stage; the resolver's own work then continues on the executor. A
 * scheduler option would add a required lifecycle for no gain in precision.
 *
 * <p>Listeners are called after the caller's future has completed, and whatever they throw
 * ({@link Error}s included) is logged and ignored (SEC-26).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
public final class MtaStsResolver {
  private static final Logger LOG = LoggerFactory.getLogger(MtaStsResolver.class);

  /** Default of {@link Builder#txtRecheckInterval}: 5 minutes. */
  public static final Duration DEFAULT_TXT_RECHECK_INTERVAL = Duration.ofMinutes(5);
  /** Default of {@link Builder#negativeCacheDuration}: 5 minutes. */
  public static final Duration DEFAULT_NEGATIVE_CACHE_DURATION = Duration.ofMinutes(5);
  /** Default of {@link Builder#fetchBackoff}: 5 minutes (FET-12). */
  public static final Duration DEFAULT_FETCH_BACKOFF = Duration.ofMinutes(5);
  /** Default of {@link Builder#refreshInterval}: 1 day (CAC-8). */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofDays(1);
  /** Default of {@link Builder#refreshJitter}: 1 hour. */
  public static final Duration DEFAULT_REFRESH_JITTER = Duration.ofHours(1);
  /** Default of {@link Builder#refreshRetryInterval}: 1 hour. */
  public static final Duration DEFAULT_REFRESH_RETRY_INTERVAL = Duration.ofHours(1);
  /** Default of {@link Builder#storeTimeout}: 10 seconds (SEC-25). */
  public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(10);
  /** Default of {@link Builder#dnsTimeout}: 30 seconds (SEC-25). */
  public static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(30);
  /** Default of {@link Builder#fetchLease}: 15 seconds (CAC-35). */
  public static final Duration DEFAULT_FETCH_LEASE = Duration.ofSeconds(15);
  /** Default of {@link Builder#fetchTimeout}: 60 seconds (SEC-25, FET-10). */
  public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofSeconds(60);
  /** Default of {@link Builder#maxCachedDomains}: 100,000 (SEC-23). */
  public static final int DEFAULT_MAX_CACHED_DOMAINS = 100_000;
  /** Default of {@link Builder#maxCachedBytes}: 64 MiB of policy text (SEC-23). */
  public static final long DEFAULT_MAX_CACHED_BYTES = 64L << 20;
  /** Default of {@link Builder#maxConcurrentFetches}: 64 (SEC-23). */
  public static final int DEFAULT_MAX_CONCURRENT_FETCHES = 64;
  /** Default of {@link Builder#fetchRateLimit}: 3 new policy ids per domain per window (SEC-24). */
  public static final int DEFAULT_FETCH_RATE = 3;
  /** Default window of {@link Builder#fetchRateLimit}: 10 minutes (SEC-24). */
  public static final Duration DEFAULT_FETCH_RATE_WINDOW = Duration.ofMinutes(10);

  /** Ages of stored entries are clamped to this, so that tick arithmetic cannot overflow. */
  private static final long MAX_AGE_NANOS = 2 * MtaStsPolicy.MAX_MAX_AGE.toNanos();

  private final DnsLookup dns;
  private final PolicyFetcher fetcher;
  final PolicyStore store;
  final InstantSource clock;
  final LongSupplier ticker;
  final Executor executor;
  private final MtaStsListener[] listeners;
  private final long recheckNanos;
  private final boolean backgroundRecheck;
  private final long negativeNanos;
  private final long backoffNanos;
  private final long maxAgeCapSeconds;
  private final long refreshNanos;
  private final long jitterNanos;
  final long refreshRetryNanos;
  private final FailureHandling onDnsFailure;
  private final FailureHandling onStoreFailure;
  private final @Nullable RandomGenerator random;
  final Duration storeTimeout;
  private final Duration dnsTimeout;
  private final Duration fetchTimeout;
  private final Duration fetchLease;
  private final long leasePollNanos;
  private final int maxCachedDomains;
  private final long maxCachedBytes;
  private final int rateFetches;
  private final long rateWindowNanos;
  private final Duration rateWindow;

  final ConcurrentHashMap<String, DomainState> states = new ConcurrentHashMap<>();
  private final AtomicLong cachedBytes = new AtomicLong();
  private final ReentrantLock trimming = new ReentrantLock();
  private final FetchSlots fetchSlots;
  /** Equal bodies, TXT checks and cached traces kept once (SEC-44). */
  private final Sharing sharing = new Sharing();
  private final RefreshRounds rounds;

  private MtaStsResolver(Builder b) {
    this.dns = Objects.requireNonNull(b.dns, "dnsLookup is required");
    this.fetcher = Objects.requireNonNull(b.fetcher, "policyFetcher is required");
    this.store = b.store != null ? b.store : PolicyStore.inMemory();
    this.clock = b.clock != null ? b.clock : InstantSource.system();
    this.ticker = b.ticker != null ? b.ticker : System::nanoTime;
    this.executor = b.executor != null ? b.executor : ForkJoinPool.commonPool();
    this.listeners = b.listeners.toArray(new MtaStsListener[0]);
    this.recheckNanos = nanos(b.txtRecheckInterval, DEFAULT_TXT_RECHECK_INTERVAL);
    this.backgroundRecheck = b.backgroundRecheck == null || b.backgroundRecheck;
    this.negativeNanos = nanos(b.negativeCacheDuration, DEFAULT_NEGATIVE_CACHE_DURATION);
    this.backoffNanos = nanos(b.fetchBackoff, DEFAULT_FETCH_BACKOFF);
    this.maxAgeCapSeconds = b.maxAgeCap != null ? b.maxAgeCap.getSeconds() : MtaStsPolicy.MAX_MAX_AGE.getSeconds();
    this.refreshNanos = nanos(b.refreshInterval, DEFAULT_REFRESH_INTERVAL);
    this.jitterNanos = nanos(b.refreshJitter, DEFAULT_REFRESH_JITTER);
    this.refreshRetryNanos = nanos(b.refreshRetryInterval, DEFAULT_REFRESH_RETRY_INTERVAL);
    this.onDnsFailure = b.onDnsFailure != null ? b.onDnsFailure : FailureHandling.DELIVER_WITHOUT_POLICY;
    this.onStoreFailure = b.onStoreFailure != null ? b.onStoreFailure : FailureHandling.DEFER;
    this.random = b.random;
    this.storeTimeout = b.storeTimeout != null ? b.storeTimeout : DEFAULT_STORE_TIMEOUT;
    this.dnsTimeout = b.dnsTimeout != null ? b.dnsTimeout : DEFAULT_DNS_TIMEOUT;
    this.fetchTimeout = b.fetchTimeout != null ? b.fetchTimeout : DEFAULT_FETCH_TIMEOUT;
    this.fetchLease = b.fetchLease != null ? b.fetchLease : DEFAULT_FETCH_LEASE;
    // A twentieth of the lease, from 10 to 100 ms: a waiting node sees the entry soon after it is
    // saved, at a few store round trips per second.
    this.leasePollNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
        Math.min(TimeUnit.MILLISECONDS.toNanos(100), fetchLease.toNanos() / 20));
    this.maxCachedDomains = b.maxCachedDomains != null ? b.maxCachedDomains : DEFAULT_MAX_CACHED_DOMAINS;
    this.maxCachedBytes = b.maxCachedBytes != null ? b.maxCachedBytes : DEFAULT_MAX_CACHED_BYTES;
    this.fetchSlots = new FetchSlots(b.maxConcurrentFetches != null ? b.maxConcurrentFetches : DEFAULT_MAX_CONCURRENT_FETCHES);
    this.rateFetches = b.rateFetches != null ? b.rateFetches : DEFAULT_FETCH_RATE;
    this.rateWindow = b.rateWindow != null ? b.rateWindow : DEFAULT_FETCH_RATE_WINDOW;
    this.rateWindowNanos = rateWindow.toNanos();
    if (jitterNanos * 2 > refreshNanos) {
      throw new IllegalStateException("refreshJitter must be at most half of refreshInterval");
    }
    this.rounds = new RefreshRounds(this);
  }

  private static long nanos(@Nullable Duration d, Duration fallback) {
    return (d != null ? d : fallback).toNanos();
  }

  /**
   * Returns a builder; the DNS lookup and the policy fetcher are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Resolves the policy for a domain given as text.
   *
   * @param domain the Policy Domain, such as {@code example.com} (A-labels or U-labels)
   * @return the resolution; never completes exceptionally for DNS, HTTPS or store failures
   * @throws IllegalArgumentException if {@code domain} is not a valid domain name or is an address
   *     literal (TXT-15)
   */
  public CompletionStage<PolicyResolution> resolve(String domain) {
    DomainState s = states.get(domain);
    if (s == null) {
      return resolve(PolicyDomain.of(domain));
    }
    return fastOrSlow(s);
  }

  /**
   * Resolves the policy for a domain.
   *
   * @param domain the Policy Domain
   * @return the resolution; never completes exceptionally for DNS, HTTPS or store failures
   */
  public CompletionStage<PolicyResolution> resolve(PolicyDomain domain) {
    return fastOrSlow(state(domain));
  }

  /**
   * Resolves and waits; a convenience for code without an asynchronous delivery path.
   *
   * @param domain the Policy Domain
   * @return the resolution
   * @throws IllegalArgumentException if {@code domain} is invalid
   */
  public PolicyResolution resolveSync(String domain) {
    try {
      return resolve(domain).toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e;
    }
  }

  /**
   * Re-checks the TXT record now, and fetches the policy if its id changed, before a message is
   * failed permanently because of an {@code enforce} policy (CAC-12, APP-4). A new id is fetched
   * within the per-domain rate limit (SEC-24); beyond it the cached policy is returned.
   *
   * @param domain the Policy Domain
   * @return the fresh resolution
   */
  public CompletionStage<PolicyResolution> recheckBeforeFailure(PolicyDomain domain) {
    DomainState s = state(domain);
    CompletableFuture<PolicyResolution> f;
    synchronized (s) {
      if (s.recheckInflight != null) {
        return s.recheckInflight.minimalCompletionStage();
      }
      f = new CompletableFuture<>();
      s.recheckInflight = f;
    }
    start(s, f, true);
    return f.minimalCompletionStage();
  }

  /**
   * Returns the cached entry for a domain, if this resolver has one in memory.
   *
   * @param domain the Policy Domain
   * @return the cached entry, valid or not
   */
  public Optional<StoredPolicy> cached(PolicyDomain domain) {
    DomainState s = states.get(domain.name());
    if (s == null) {
      return Optional.empty();
    }
    synchronized (s) {
      return s.entry == null ? Optional.empty() : Optional.of(s.entry.stored());
    }
  }

  /**
   * Tells what the resolver holds in memory now, to compare with its caps (SEC-23).
   *
   * @return the domains and policy bytes in memory and the fetches running and waiting
   */
  public CacheStats cacheStats() {
    return new CacheStats(states.size(), cachedBytes.get(), fetchSlots.running(), fetchSlots.waiting());
  }

  /**
   * Re-fetches every cached policy whose refresh is due, whatever the TXT record says (CAC-8),
   * and reports failures (CAC-9). Policies in mode {@code none} are refreshed too, but their
   * failures raise no alert (CAC-10, CAC-17). The first call also loads every stored entry, so
   * that refreshes continue after a restart. Each call also forgets in-memory state that holds
   * nothing valid (expired policies, old "no record" answers), so memory follows the domains in
   * use; call it periodically, or use {@link #scheduleRefreshes}. Every fetch and store call has
   * its deadline, so the round always completes.
   *
   * @return what was done
   */
  public CompletionStage<RefreshSummary> refreshDue() {
    return rounds.refreshDue();
  }

  /**
   * Runs {@link #refreshDue()} now and then periodically on a scheduler the caller owns; the first
   * round runs at once, so that stored policies are loaded and refreshed right after a restart
   * (CAC-18).
   *
   * @param scheduler the scheduler
   * @param period the time between the end of one round and the start of the next
   * @return the scheduled task; cancel it to stop
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  public ScheduledFuture<?> scheduleRefreshes(ScheduledExecutorService scheduler, Duration period) {
    return rounds.schedule(scheduler, period);
  }

  /** The state of a domain, created (and the memory cap applied) when it is new. */
  DomainState state(PolicyDomain domain) {
    DomainState s = states.get(domain.name());
    if (s == null) {
      s = states.computeIfAbsent(domain.name(), k -> new DomainState(domain, ticker.getAsLong()));
      trimIfOver();
    }
    return s;
  }

  private CompletionStage<PolicyResolution> fastOrSlow(DomainState s) {
    DomainState.Hot h = s.hot;
    if (h != null) {
      long now = ticker.getAsLong();
      if (DomainState.before(now, h.untilTick)) {
        // The stamp changes about once a second, so hot domains do not bounce a cache line.
        int stamp = DomainState.stamp(now);
        if (stamp != s.lastUsed) {
          s.lastUsed = stamp;
        }
        MtaStsEvent.Resolved event = h.event;
        if (event != null) {
          emit(event);
        }
        return h;
      }
    }
    return slowPath(s);
  }

  private CompletionStage<PolicyResolution> slowPath(DomainState s) {
    long now = ticker.getAsLong();
    s.lastUsed = DomainState.stamp(now);
    CompletableFuture<PolicyResolution> f;
    PolicyResolution served = null;
    synchronized (s) {
      DomainState.Hot h = s.hot;
      if (h != null && DomainState.before(now, h.untilTick)) {
        served = h.resolution();
      } else if (backgroundRecheck && s.entry != null && s.entry.validAt(now)) {
        // CAC-4: serve the valid cached policy now; re-check the TXT record in the background.
        served = fromEntry(s.domain, s.entry, PolicySource.CACHED, new ResolutionTrace(TxtCheck.NOT_CHECKED,
            CacheState.VALID, null, "CAC-4", "valid cached policy served while the TXT record is re-checked"));
        if (s.inflight == null) {
          CompletableFuture<PolicyResolution> background = new CompletableFuture<>();
          s.inflight = background;
          start(s, background, false);
        }
      } else if (s.inflight != null) {
        return s.inflight.minimalCompletionStage();
      }
      if (served != null) {
        f = null;
      } else {
        f = new CompletableFuture<>();
        s.inflight = f;
      }
    }
    if (served != null) {
      emit(new MtaStsEvent.Resolved(served));
      return CompletableFuture.completedStage(served);
    }
    CompletableFuture<PolicyResolution> created = Objects.requireNonNull(f); // set whenever nothing was served
    start(s, created, false);
    return created.minimalCompletionStage();
  }

  private void start(DomainState s, CompletableFuture<PolicyResolution> f, boolean recheck) {
    try {
      executor.execute(() -> {
        CompletionStage<Decision> decision;
        try {
          decision = discover(s, recheck, f);
        } catch (RuntimeException | Error e) {
          decision = CompletableFuture.failedStage(e);
        }
        decision.whenComplete((d, t) -> finish(s, f, recheck, d, t));
      });
    } catch (RuntimeException e) {
      finish(s, f, recheck, null, e);
    }
  }

  private void finish(DomainState s, CompletableFuture<PolicyResolution> f, boolean recheck,
      @Nullable Decision d, @Nullable Throwable t) {
    synchronized (s) {
      if (d != null) {
        s.hot = d.hot ? new DomainState.Hot(d.hotUntilTick, shareTrace(asServedFromCache(d.resolution)),
            listeners.length > 0) : null;
      }
      if (recheck) {
        s.recheckInflight = null;
      } else {
        s.inflight = null;
      }
    }
    trimIfOver();
    if (d == null) {
      LOG.error("MTA-STS resolution of {} failed unexpectedly", s.domain, t);
      f.completeExceptionally(t != null ? t : new IllegalStateException("no decision"));
      return;
    }
    // SEC-26: the caller's future completes first; a listener can delay or break nothing.
    if (f.complete(d.resolution)) {
      emit(new MtaStsEvent.Resolved(d.resolution));
    }
  }

  /**
   * The answer later calls get from the fast path: a freshly fetched policy is, for them, the
   * cached one (CAC-3); other answers are served as they were decided, without the fetched body,
   * which the cached entry already holds once.
   */
  private static PolicyResolution asServedFromCache(PolicyResolution r) {
    if (r instanceof PolicyResolution.Active a && a.source() == PolicySource.FETCHED) {
      return a.with(PolicySource.CACHED, new ResolutionTrace(a.trace().txt(), CacheState.VALID, null, "CAC-3",
          "the valid cached policy; its TXT id was confirmed within the re-check interval"));
    }
    ResolutionTrace t = r.trace();
    if (r instanceof PolicyResolution.NoPolicy n && t.fetch() instanceof PolicyFetchOutcome.Fetched) {
      return new PolicyResolution.NoPolicy(n.domain(), n.reason(),
          new ResolutionTrace(t.txt(), t.cache(), null, t.rule(), t.explanation()));
    }
    return r;
  }

  /**
   * The answer with its trace shared with the other domains whose answers were decided the same
   * way (SEC-44); a trace holding a fetch outcome stays the domain's own.
   */
  private PolicyResolution shareTrace(PolicyResolution r) {
    ResolutionTrace t = sharing.trace(r.trace());
    if (t == r.trace()) {
      return r;
    }
    if (r instanceof PolicyResolution.Active a) {
      return a.with(a.source(), t);
    }
    if (r instanceof PolicyResolution.NoPolicy n) {
      return new PolicyResolution.NoPolicy(n.domain(), n.reason(), t);
    }
    PolicyResolution.Deferred d = (PolicyResolution.Deferred) r;
    return new PolicyResolution.Deferred(d.domain(), d.reason(), d.message(), t);
  }

  /** A resolution and, when {@code hot}, the tick until which it may be served without work. */
  private record Decision(PolicyResolution resolution, boolean hot, long hotUntilTick) {}

  private CompletionStage<Decision> discover(DomainState s, boolean recheck, CompletableFuture<PolicyResolution> f) {
    boolean inMemory;
    synchronized (s) {
      inMemory = s.loaded;
    }
    return ensureLoaded(s).thenComposeAsync(storeOk -> {
      Instant now = clock.instant();
      long tick = ticker.getAsLong();
      DomainState.Entry entry;
      synchronized (s) {
        entry = s.entry;
      }
      CacheState cache = entry == null ? (storeOk ? CacheState.EMPTY : CacheState.UNAVAILABLE)
          : entry.validAt(tick) ? CacheState.VALID : CacheState.EXPIRED;
      if (cache == CacheState.UNAVAILABLE && onStoreFailure == FailureHandling.DEFER) {
        ResolutionTrace trace = new ResolutionTrace(TxtCheck.NOT_CHECKED, cache, null, "CAC-6",
            "the policy store is unavailable, so a cached policy may be unseen; deferring");
        return done(new PolicyResolution.Deferred(s.domain, DeferReason.STORE_UNAVAILABLE,
            "the MTA-STS policy store is unavailable", trace));
      }
      if (entry != null && !inMemory && !recheck && backgroundRecheck && cache == CacheState.VALID && !f.isDone()) {
        // CAC-18: a stored policy applies at once (after a restart, or after the domain left memory);
        // the TXT record is checked in the background and its outcome is cached as usual.
        PolicyResolution served = fromEntry(s.domain, entry, PolicySource.CACHED, new ResolutionTrace(
            TxtCheck.NOT_CHECKED, cache, null, "CAC-18",
            "the valid stored policy applies at once while the TXT record is checked"));
        if (f.complete(served)) {
          emit(new MtaStsEvent.Resolved(served));
        }
      }
      return lookupTxt(s.domain).thenComposeAsync(
          txt -> decide(s, entry, cache, txt, recheck, now, tick), executor);
    }, executor);
  }

  private CompletionStage<Decision> decide(DomainState s, DomainState.@Nullable Entry entry, CacheState cache,
      TxtResult txt, boolean recheck, Instant now, long tick) {
    // The cached entry when it may be used, else null: every branch below tests this one value.
    DomainState.@Nullable Entry usable = cache == CacheState.VALID ? entry : null;
    boolean valid = usable != null;
    PolicyDomain domain = s.domain;
    switch (txt.check.status()) {
      case FOUND -> {
        String id = Objects.requireNonNull(txt.check.id());
        if (usable != null && usable.stored().policyId().equals(id)) {
          return cachedDone(fromEntry(domain, usable, PolicySource.CACHED, new ResolutionTrace(txt.check, cache, null,
              "CAC-3", "the TXT id matches the valid cached policy; no fetch needed")), usable, tick);
        }
        Long blockedUntil;
        synchronized (s) {
          blockedUntil = s.backoffUntil == null ? null : s.backoffUntil.get(id);
        }
        if (blockedUntil != null && DomainState.before(tick, blockedUntil)) {
          return backedOff(domain, usable, cache, txt.check, "FET-12", "a fetch of policy id " + id
              + " failed recently; not retried for another " + Durations.human(Duration.ofNanos(blockedUntil - tick)),
              tick);
        }
        boolean newId = entry == null || !entry.stored().policyId().equals(id);
        if (newId && !takeFetchToken(s, tick)) {
          String why = rateFetches + " new policy ids were fetched already in this window of "
              + Durations.human(rateWindow) + "; id " + id + " is not fetched yet";
          if (usable != null) {
            return cachedDone(fromEntry(domain, usable, PolicySource.CACHED_AFTER_FAILURE,
                new ResolutionTrace(txt.check, cache, null, "SEC-24", why + "; the valid cached policy stays in use")),
                usable, tick);
          }
          return done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.FETCH_BACKOFF,
              new ResolutionTrace(txt.check, cache, null, "SEC-24", why)));
        }
        FetchReason reason = recheck ? FetchReason.RECHECK : FetchReason.DISCOVERY;
        return leasedFetch(s, entry, cache, txt.check, id, reason);
      }
      case DNS_FAILURE -> {
        emit(new MtaStsEvent.TxtLookupFailed(domain, Objects.requireNonNull(txt.failure), valid));
        if (usable != null) {
          return cachedDone(fromEntry(domain, usable, PolicySource.CACHED_AFTER_FAILURE, new ResolutionTrace(txt.check,
              cache, null, "CAC-6", "DNS failed; the valid cached policy stays in use")), usable, tick);
        }
        if (onDnsFailure == FailureHandling.DEFER) {
          return done(new PolicyResolution.Deferred(domain, DeferReason.DNS_FAILURE, txt.check.detail(),
              new ResolutionTrace(txt.check, cache, null, "CAC-5",
                  "DNS failed and nothing is cached; configured to defer")));
        }
        return done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.DNS_FAILURE, new ResolutionTrace(
            txt.check, cache, null, "CAC-5", "DNS failed and nothing is cached; delivering without MTA-STS")));
      }
      default -> {
        // NO_RECORD, MULTIPLE_RECORDS, INVALID_RECORD: no usable record (TXT-7).
        if (usable != null) {
          return cachedDone(fromEntry(domain, usable, PolicySource.CACHED_AFTER_FAILURE, new ResolutionTrace(txt.check,
              cache, null, "TXT-13", "no usable TXT record, but a valid policy is cached and stays in use")),
              usable, tick);
        }
        NoPolicyReason reason = switch (txt.check.status()) {
          case MULTIPLE_RECORDS -> NoPolicyReason.MULTIPLE_RECORDS;
          case INVALID_RECORD -> NoPolicyReason.INVALID_RECORD;
          default -> NoPolicyReason.NO_RECORD;
        };
        PolicyResolution none = new PolicyResolution.NoPolicy(domain, reason, new ResolutionTrace(txt.check, cache,
            null, "TXT-7", "no usable _mta-sts record and no valid cached policy"));
        return negativeNanos > 0 ? done(none, tick + negativeNanos) : done(none);
      }
    }
  }

  /** The answer while a fetch of the id is backed off (FET-12; CAC-36 when another node failed it). */
  private CompletionStage<Decision> backedOff(PolicyDomain domain, DomainState.@Nullable Entry usable,
      CacheState cache, TxtCheck txt, String rule, String why, long tick) {
    if (usable != null) {
      return cachedDone(fromEntry(domain, usable, PolicySource.CACHED_AFTER_FAILURE,
          new ResolutionTrace(txt, cache, null, rule, why + "; the valid cached policy stays in use")), usable, tick);
    }
    return done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.FETCH_BACKOFF,
        new ResolutionTrace(txt, cache, null, rule, why)));
  }

  /** The answer when the store says another node's fetch of the id failed recently (CAC-36). */
  private CompletionStage<Decision> backedOffElsewhere(DomainState s, DomainState.@Nullable Entry entry,
      CacheState cache, TxtCheck txt, String id, FetchLease.BackedOff b) {
    return backedOff(s.domain, cache == CacheState.VALID ? entry : null, cache, txt, "CAC-36",
        "a fetch of policy id " + id + " failed on another node sharing the store; no node retries it for another "
            + Durations.human(b.remaining()), ticker.getAsLong());
  }

  /**
   * Fetches a policy id under the store's fetch lease (CAC-35): the node granted it fetches and
   * releases it once the entry is saved (or the fetch failed); a node told that another holds it
   * re-loads the store every {@code leasePollNanos} until an entry with that id appears (served from
   * the store, no fetch), the lease is free again (it takes it and fetches) or the lease ends (then
   * it fetches itself). Asking, waiting (at most half of it) and fetching all
   * fit in one fetch deadline, and a store that fails or misses its deadline on the lease means "fetch now": delivery
   * never waits on the lease. The wait holds no thread (a delayed executor).
   */
  private CompletionStage<Decision> leasedFetch(DomainState s, DomainState.@Nullable Entry entry, CacheState cache,
      TxtCheck txt, String id, FetchReason reason) {
    long deadline = System.nanoTime() + fetchTimeout.toNanos();
    return acquire(s.domain, id, deadline).thenComposeAsync(lease -> {
      if (lease instanceof FetchLease.HeldElsewhere held) {
        // At most half the fetch deadline, so that this node's own fetch keeps the other half.
        long now = System.nanoTime();
        Duration maxWait = Duration.ofNanos(Math.max(0, (deadline - now) / 2));
        long waitUntil = now + (held.remaining().compareTo(maxWait) < 0 ? held.remaining() : maxWait).toNanos();
        return awaitPeer(s, entry, cache, txt, id, reason, waitUntil, deadline);
      }
      if (lease instanceof FetchLease.BackedOff b) {
        return backedOffElsewhere(s, entry, cache, txt, id, b);
      }
      return fetchUnder((FetchLease.Granted) lease, s, entry, cache, txt, id, reason, deadline);
    }, executor);
  }

  /** Asks the store for the fetch lease; a failure or a missed deadline grants it (fetch anyway). */
  private CompletionStage<FetchLease> acquire(PolicyDomain domain, String id, long deadline) {
    return guarded(() -> store.acquireFetch(domain, id, fetchLease), shorter(storeTimeout, deadline), t -> {
      LOG.warn("Could not take the fetch lease of {} from the store; fetching anyway: {}", domain, Text.message(unwrap(t)));
      emit(new MtaStsEvent.StoreFailed(domain, "acquireFetch", t));
      return FetchLease.local();
    });
  }

  /** Fetches under a lease this node holds, unless the store has the entry by now. */
  private CompletionStage<Decision> fetchUnder(FetchLease.Granted granted, DomainState s,
      DomainState.@Nullable Entry entry, CacheState cache, TxtCheck txt, String id, FetchReason reason, long deadline) {
    if (granted == FetchLease.local()) {
      return fetchAndAdopt(s, entry, cache, txt, id, reason, deadline, granted);
    }
    // Another node may have saved and released since this node last looked: look once more.
    return loadPeer(s, id, deadline).thenComposeAsync(found -> {
      if (found.isPresent()) {
        release(s.domain, granted);
        return CompletableFuture.completedStage(fromPeer(s, found.get(), cache, txt));
      }
      return fetchAndAdopt(s, entry, cache, txt, id, reason, deadline, granted);
    }, executor);
  }

  private CompletionStage<Decision> fetchAndAdopt(DomainState s, DomainState.@Nullable Entry entry, CacheState cache,
      TxtCheck txt, String id, FetchReason reason, long deadline, FetchLease.Granted lease) {
    Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    CompletionStage<Decision> d = fetch(s.domain, left).thenComposeAsync(outcome -> afterFetch(s, entry, cache, txt,
        id, outcome, reason, clock.instant(), ticker.getAsLong()), executor);
    if (lease != FetchLease.local()) {
      // After the save: the waiting nodes find the entry as soon as the lease is gone.
      d.whenComplete((v, t) -> release(s.domain, lease));
    }
    return d;
  }

  @SuppressWarnings("NullAway") // a Void stage completes with null by design
  private void release(PolicyDomain domain, FetchLease.Granted lease) {
    guarded(lease::release, storeTimeout, t -> {
      // Harmless: the lease ends on its own.
      LOG.debug("Could not release the fetch lease of {}: {}", domain, Text.message(unwrap(t)));
      return null;
    });
  }

  /** The shorter of a timeout and the time left to a deadline on System.nanoTime, at least 1 ns. */
  private static Duration shorter(Duration timeout, long deadline) {
    return Duration.ofNanos(Math.max(1, Math.min(timeout.toNanos(), deadline - System.nanoTime())));
  }

  /**
   * Waits for another node's fetch: re-loads the store every {@code leasePollNanos} and serves the
   * entry once it has {@code id}; when the holder gave the lease up without saving (its fetch
   * failed), takes it and fetches at once; at {@code waitUntil}, fetches without it.
   */
  private CompletionStage<Decision> awaitPeer(DomainState s, DomainState.@Nullable Entry entry, CacheState cache,
      TxtCheck txt, String id, FetchReason reason, long waitUntil, long deadline) {
    long left = waitUntil - System.nanoTime();
    if (left <= 0) {
      return fetchAndAdopt(s, entry, cache, txt, id, reason, deadline, FetchLease.local());
    }
    Executor later = CompletableFuture.delayedExecutor(Math.min(leasePollNanos, left), TimeUnit.NANOSECONDS, executor);
    return CompletableFuture.supplyAsync(() -> id, later)
        .thenCompose(x -> loadPeer(s, id, deadline))
        .thenCompose(found -> found.isPresent()
            ? CompletableFuture.completedStage(fromPeer(s, found.get(), cache, txt))
            : acquire(s.domain, id, deadline).thenCompose(lease -> lease instanceof FetchLease.Granted g
                ? fetchUnder(g, s, entry, cache, txt, id, reason, deadline)
                : lease instanceof FetchLease.BackedOff b ? backedOffElsewhere(s, entry, cache, txt, id, b)
                : awaitPeer(s, entry, cache, txt, id, reason, waitUntil, deadline)));
  }

  /** The store's entry for the domain when it is valid and has {@code id}; a failure is empty. */
  private CompletionStage<Optional<DomainState.Entry>> loadPeer(DomainState s, String id, long deadline) {
    return guarded(() -> store.load(s.domain).thenApply(stored -> {
      if (stored.isEmpty() || !stored.get().policyId().equals(id)) {
        return Optional.<DomainState.Entry>empty();
      }
      try {
        DomainState.Entry e = fromStore(stored.get());
        return e.validAt(ticker.getAsLong()) ? Optional.of(e) : Optional.<DomainState.Entry>empty();
      } catch (MtaStsParseException e) {
        return Optional.<DomainState.Entry>empty();
      }
    }), shorter(storeTimeout, deadline), t -> Optional.empty());
  }

  /** Adopts the entry another node fetched and saved while this one waited for the lease (CAC-35). */
  private Decision fromPeer(DomainState s, DomainState.Entry found, CacheState cache, TxtCheck txt) {
    synchronized (s) {
      if (s.entry == null || s.entry.stored().fetchedAt().isBefore(found.stored().fetchedAt())) {
        setEntry(s, found);
        s.loaded = true;
        s.nextRefreshTick = nextRefresh(found.adoptedTick(), found.expiresTick());
      }
    }
    trimIfOver();
    return cachedDecision(fromEntry(s.domain, found, PolicySource.CACHED, new ResolutionTrace(txt, cache, null,
        "CAC-35", "another node sharing the store fetched policy id " + found.stored().policyId()
            + " while this one waited for its fetch lease; no fetch needed")), found, ticker.getAsLong());
  }

  /**
   * Takes one of the domain's fetches of a new policy id (SEC-24): at most {@code rateFetches} in
   * a window of {@code rateWindow} that opens with the first of them, so that a TXT id rotating on
   * every lookup cannot turn each resolution into a fetch. Two fields per domain, no history: in
   * any span of one window length there are at most twice that many.
   */
  private boolean takeFetchToken(DomainState s, long tick) {
    synchronized (s) {
      if (s.rateCount == 0 || tick - s.rateWindowStart >= rateWindowNanos) {
        s.rateWindowStart = tick;
        s.rateCount = 1;
        return true;
      }
      if (s.rateCount < rateFetches) {
        s.rateCount++;
        return true;
      }
      return false;
    }
  }

  private CompletionStage<Decision> afterFetch(DomainState s, DomainState.@Nullable Entry previous,
      CacheState cache, TxtCheck txt, String id, PolicyFetchOutcome outcome, FetchReason reason, Instant now,
      long tick) {
    PolicyDomain domain = s.domain;
    // The cached entry when it may still be used, else null.
    DomainState.@Nullable Entry kept = cache == CacheState.VALID ? previous : null;
    boolean valid = kept != null;
    if (outcome instanceof PolicyFetchOutcome.Failed failed) {
      synchronized (s) {
        if (s.backoffUntil == null) {
          s.backoffUntil = new HashMap<>(2);
        }
        // Ids come and go; forget the backoffs that are over so the map stays small.
        s.backoffUntil.values().removeIf(until -> !DomainState.before(tick, until));
        s.backoffUntil.put(id, tick + backoffNanos);
      }
      emit(new MtaStsEvent.PolicyFetchFailed(domain, reason, failed, kept != null ? kept.stored() : null, now));
      CompletionStage<Decision> d;
      if (kept != null) {
        // SEC-2, §10.2: the owner's new policy cannot be fetched while the old one is enforced.
        LOG.warn("MTA-STS policy fetch for {} (id {}) failed: {} {}; the cached policy (id {}) stays in use",
            domain, id, failed.reason(), failed.message(), kept.stored().policyId());
        d = cachedDone(fromEntry(domain, kept, PolicySource.CACHED_AFTER_FAILURE, new ResolutionTrace(txt,
            cache, outcome, "CAC-6", "the fetch failed; the valid cached policy stays in use")), kept, tick);
      } else {
        LOG.info("MTA-STS policy fetch for {} (id {}) failed: {} {}", domain, id, failed.reason(), failed.message());
        d = done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.FETCH_FAILED, new ResolutionTrace(txt,
            cache, outcome, "CAC-5", "the fetch failed and nothing is cached; delivering without MTA-STS")));
      }
      // CAC-36: recorded before the fetch lease is released, so the nodes waiting on it back off too.
      return recordFailure(domain, id).thenCompose(v -> d);
    }
    PolicyFetchOutcome.Fetched fetched = (PolicyFetchOutcome.Fetched) outcome;
    emit(new MtaStsEvent.PolicyFetched(domain, reason, fetched, now));
    DomainState.Entry entry = adopt(s, id, fetched, now, tick);
    if (previous != null && previous.stored().policyId().equals(id) && !previous.policy().equals(entry.policy())) {
      driftDetected(domain, id, previous.policy(), entry.policy());
    }
    String rule = previous != null ? "CAC-7" : "CAC-2";
    String explanation = previous == null ? "no policy was cached; fetched and cached it"
        : valid ? "the TXT id changed; the fetched policy replaces the cached one"
        : "the cached policy had expired; fetched a fresh one";
    PolicyResolution r = fromEntry(domain, entry, PolicySource.FETCHED, new ResolutionTrace(txt, cache, outcome,
        rule, explanation));
    return save(domain, entry.stored()).thenApply(v -> cachedDecision(r, entry, tick));
  }

  /**
   * Makes a fetched policy the domain's entry, unless an entry adopted later (on the ticker) is
   * already there; the wall clock does not order them, as it may have been stepped (CAC-16).
   */
  DomainState.Entry adopt(DomainState s, String id, PolicyFetchOutcome.Fetched fetched, Instant now, long tick) {
    // SEC-44: a body other domains were served too is kept once, with its parsed form.
    Sharing.Policy shared = sharing.fetched(fetched.body(), fetched.policy());
    MtaStsPolicy policy = shared.policy();
    long lifetime = Math.min(policy.maxAgeSeconds(), maxAgeCapSeconds);
    StoredPolicy stored = new StoredPolicy(s.domain, id, shared.text(), now, now.plusSeconds(lifetime));
    long lifetimeNanos = TimeUnit.SECONDS.toNanos(lifetime);
    DomainState.Entry entry = new DomainState.Entry(stored, policy, tick + lifetimeNanos, tick);
    synchronized (s) {
      if (s.entry == null || !DomainState.before(tick, s.entry.adoptedTick())) {
        setEntry(s, entry);
        s.loaded = true;
        s.nextRefreshTick = nextRefresh(tick, entry.expiresTick());
      }
    }
    trimIfOver();
    return entry;
  }

  /** Replaces a domain's entry and keeps the byte count of the memory cap; called under its lock. */
  private void setEntry(DomainState s, DomainState.Entry entry) {
    long delta = entry.bytes() - s.bytes();
    s.entry = entry;
    if (!s.evicted) {
      cachedBytes.addAndGet(delta);
    }
  }

  /** Drops a domain's state from memory (the store keeps its policy); called under its lock. */
  void forget(DomainState s) {
    if (!s.evicted && states.remove(s.domain.name(), s)) {
      s.evicted = true;
      cachedBytes.addAndGet(-s.bytes());
    }
  }

  /**
   * Applies the memory caps (SEC-23): when over either, drops the least recently used domains that
   * have nothing in flight until both are at 90 %, so that the sort is paid once per tenth of the
   * cap. One thread trims at a time; the others go on, as the cap is soft by that margin.
   */
  private void trimIfOver() {
    if (states.size() <= maxCachedDomains && cachedBytes.get() <= maxCachedBytes) {
      return;
    }
    if (!trimming.tryLock()) {
      return;
    }
    try {
      long now = ticker.getAsLong();
      // Ages are read once: the fast path keeps writing the stamps while the sort runs.
      record Aged(long age, DomainState state) {}
      List<Aged> byAge = new ArrayList<>(states.size());
      for (DomainState s : states.values()) {
        byAge.add(new Aged(DomainState.stamp(now) - s.lastUsed, s));
      }
      byAge.sort(Comparator.comparingLong(Aged::age).reversed());
      int domainTarget = maxCachedDomains - maxCachedDomains / 10;
      long byteTarget = maxCachedBytes - maxCachedBytes / 10;
      for (Aged a : byAge) {
        if (states.size() <= domainTarget && cachedBytes.get() <= byteTarget) {
          break;
        }
        DomainState s = a.state();
        synchronized (s) {
          if (!s.busy()) {
            forget(s);
          }
        }
      }
    } finally {
      trimming.unlock();
    }
  }

  void driftDetected(PolicyDomain domain, String id, MtaStsPolicy previous, MtaStsPolicy current) {
    LOG.warn("MTA-STS policy of {} changed without a new id ({}): {} -> {}", domain, id, previous, current);
    emit(new MtaStsEvent.PolicyChangedWithoutNewId(domain, id, previous, current));
  }

  /** Tells the store about a failed fetch (CAC-36); a failure of the store only costs a refetch. */
  @SuppressWarnings("NullAway") // a Void stage completes with null by design
  private CompletionStage<Void> recordFailure(PolicyDomain domain, String id) {
    return guarded(() -> store.recordFetchFailure(domain, id, Duration.ofNanos(backoffNanos)), storeTimeout, t -> {
      LOG.debug("Could not record the failed fetch of {} (id {}) in the store: {}", domain, id, Text.message(unwrap(t)));
      emit(new MtaStsEvent.StoreFailed(domain, "recordFetchFailure", t));
      return null;
    });
  }

  @SuppressWarnings("NullAway") // a Void stage completes with null by design
  CompletionStage<Void> save(PolicyDomain domain, StoredPolicy stored) {
    return guarded(() -> store.save(stored), storeTimeout, t -> {
      LOG.warn("Could not save the MTA-STS policy of {}: {}", domain, Text.message(unwrap(t)));
      emit(new MtaStsEvent.StoreFailed(domain, "save", t));
      return null;
    });
  }

  private Decision cachedDecision(PolicyResolution r, DomainState.Entry entry, long tick) {
    if (recheckNanos <= 0) {
      return new Decision(r, false, 0);
    }
    long until = tick + recheckNanos;
    return new Decision(r, true, DomainState.before(entry.expiresTick(), until) ? entry.expiresTick() : until);
  }

  private CompletionStage<Decision> cachedDone(PolicyResolution r, DomainState.Entry entry, long tick) {
    return CompletableFuture.completedStage(cachedDecision(r, entry, tick));
  }

  /**
   * When to re-fetch a policy fetched at {@code fromTick}: after the refresh interval, but never
   * later than half its lifetime, so that a short {@code max_age} is refreshed well before it
   * expires (CAC-8, §10.2), with the jitter scaled down accordingly.
   */
  long nextRefresh(long fromTick, long expiresTick) {
    long interval = Math.min(refreshNanos, Math.max(0, (expiresTick - fromTick) / 2));
    long spread = Math.min(jitterNanos, interval / 4);
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    long jitter = spread == 0 ? 0 : r.nextLong(-spread, spread + 1);
    return fromTick + interval + jitter;
  }

  private static CompletionStage<Decision> done(PolicyResolution r) {
    return CompletableFuture.completedStage(new Decision(r, false, 0));
  }

  private static CompletionStage<Decision> done(PolicyResolution r, long hotUntilTick) {
    return CompletableFuture.completedStage(new Decision(r, true, hotUntilTick));
  }

  private static PolicyResolution fromEntry(PolicyDomain domain, DomainState.Entry e, PolicySource source,
      ResolutionTrace trace) {
    if (e.policy().mode() == MtaStsMode.NONE) {
      return new PolicyResolution.NoPolicy(domain, NoPolicyReason.MODE_NONE, new ResolutionTrace(trace.txt(),
          trace.cache(), trace.fetch(), "CAC-10", trace.explanation() + "; the policy's mode is none"));
    }
    return new PolicyResolution.Active(e, source, trace);
  }

  /** Loads the stored entry once; completes with false when the store failed or missed its deadline. */
  private CompletionStage<Boolean> ensureLoaded(DomainState s) {
    synchronized (s) {
      if (s.loaded) {
        return CompletableFuture.completedStage(Boolean.TRUE);
      }
    }
    return guarded(() -> store.load(s.domain).thenApply(stored -> {
      install(s, stored.orElse(null));
      return Boolean.TRUE;
    }), storeTimeout, t -> {
      LOG.warn("Could not load the MTA-STS policy of {} from the store: {}", s.domain, Text.message(unwrap(t)));
      emit(new MtaStsEvent.StoreFailed(s.domain, "load", t));
      return Boolean.FALSE;
    });
  }

  /**
   * Installs an entry read from the store, unless the domain was loaded already. Its remaining
   * lifetime moves onto the ticker; a fetch time in the future of the clock (the clock was stepped
   * back since) counts as "fetched now", so that the entry lives its {@code max_age} and no longer
   * (CAC-16).
   */
  void install(DomainState s, @Nullable StoredPolicy stored) {
    DomainState.Entry entry = null;
    if (stored != null) {
      try {
        entry = fromStore(stored);
      } catch (MtaStsParseException e) {
        LOG.warn("Ignoring the unreadable stored MTA-STS policy of {}: {}", s.domain, e.getMessage());
      }
    }
    synchronized (s) {
      if (s.loaded) {
        return;
      }
      s.loaded = true;
      if (entry != null && (s.entry == null || s.entry.stored().fetchedAt().isBefore(entry.stored().fetchedAt()))) {
        setEntry(s, entry);
        s.nextRefreshTick = nextRefresh(entry.adoptedTick(), entry.expiresTick());
      }
    }
    trimIfOver();
  }

  /**
   * An entry read from the store, its body shared with the domains holding an equal one (SEC-44).
   *
   * @throws MtaStsParseException if the stored text is not a valid policy
   */
  private DomainState.Entry fromStore(StoredPolicy stored) {
    Sharing.Policy shared = sharing.stored(stored);
    StoredPolicy st = shared.text() == stored.policyText() ? stored
        : new StoredPolicy(stored.domain(), stored.policyId(), shared.text(), stored.fetchedAt(), stored.expiresAt());
    return fromStore(st, shared.policy());
  }

  private DomainState.Entry fromStore(StoredPolicy stored, MtaStsPolicy policy) {
    Instant now = clock.instant();
    long tick = ticker.getAsLong();
    StoredPolicy st = stored;
    if (st.fetchedAt().isAfter(now)) {
      Duration lifetime = Duration.between(st.fetchedAt(), st.expiresAt());
      st = new StoredPolicy(st.domain(), st.policyId(), st.policyText(), now, now.plus(lifetime));
    }
    long cap = TimeUnit.SECONDS.toNanos(maxAgeCapSeconds);
    long age = clampNanos(Duration.between(st.fetchedAt(), now));
    long remaining = Math.min(clampNanos(Duration.between(now, st.expiresAt())), cap);
    return new DomainState.Entry(st, policy, tick + remaining, tick - age);
  }

  private static long clampNanos(Duration d) {
    if (d.compareTo(Duration.ofNanos(MAX_AGE_NANOS)) > 0) {
      return MAX_AGE_NANOS;
    }
    if (d.compareTo(Duration.ofNanos(-MAX_AGE_NANOS)) < 0) {
      return -MAX_AGE_NANOS;
    }
    return d.toNanos();
  }

  /** The TXT lookup result, classified. */
  private record TxtResult(TxtCheck check, DnsOutcome.@Nullable TemporaryFailure<String> failure) {}

  private CompletionStage<TxtResult> lookupTxt(PolicyDomain domain) {
    String name = domain.stsRecordName();
    // The SPI promises never to fail exceptionally; if one does, or misses the deadline, it is
    // still only a DNS failure.
    return guarded(() -> dns.txt(name), dnsTimeout, t -> new DnsOutcome.TemporaryFailure<>(name,
        t instanceof TimeoutException ? DnsFailure.TIMEOUT : DnsFailure.NETWORK_ERROR,
        "the DNS lookup failed: " + t.getMessage(), t)).thenApply(outcome -> {
          TxtResult r = classify(outcome);
          // SEC-44: domains publishing the same record (CNAMEs of a provider's) share the check.
          TxtCheck shared = sharing.txt(r.check);
          return shared == r.check ? r : new TxtResult(shared, r.failure);
        });
  }

  private static TxtResult classify(DnsOutcome<String> outcome) {
    if (outcome instanceof DnsOutcome.TemporaryFailure<String> f) {
      return new TxtResult(new TxtCheck(TxtStatus.DNS_FAILURE, null, f.reason() + ": " + f.message()), f);
    }
    if (outcome instanceof DnsOutcome.Records<String> records) {
      TxtRecordSelection<MtaStsRecord> sel = MtaStsRecord.select(records.records());
      if (sel instanceof TxtRecordSelection.Found<MtaStsRecord> found) {
        return new TxtResult(new TxtCheck(TxtStatus.FOUND, found.record().id(), found.text()), null);
      }
      if (sel instanceof TxtRecordSelection.MultipleRecords<MtaStsRecord> m) {
        return new TxtResult(new TxtCheck(TxtStatus.MULTIPLE_RECORDS, null, m.records().size()
            + " records begin with v=STSv1: " + m.records()), null);
      }
      if (sel instanceof TxtRecordSelection.InvalidRecord<MtaStsRecord> inv) {
        return new TxtResult(new TxtCheck(TxtStatus.INVALID_RECORD, null, "invalid record '" + inv.text() + "': "
            + inv.problems()), null);
      }
      return new TxtResult(new TxtCheck(TxtStatus.NO_RECORD, null, "no TXT record begins with v=STSv1"), null);
    }
    String what = outcome instanceof DnsOutcome.NoSuchName ? "NXDOMAIN" : "no TXT records (NODATA)";
    return new TxtResult(new TxtCheck(TxtStatus.NO_RECORD, null, what + " at " + outcome.name()), null);
  }

  /**
   * Fetches a policy within the cap on fetches in flight (SEC-23) and the fetch deadline, which
   * also bounds the wait for a slot (SEC-25).
   */
  CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain) {
    return fetch(domain, fetchTimeout);
  }

  private CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain, Duration deadline) {
    FetchSlots.Slot slot = fetchSlots.acquire();
    CompletionStage<PolicyFetchOutcome> outcome = guarded(() -> slot.ready.isDone() ? fetcher.fetch(domain)
        : slot.ready.thenComposeAsync(x -> fetchSlots.released(slot)
            // The deadline passed while it waited: nobody wants this fetch any more.
            ? new CompletableFuture<PolicyFetchOutcome>() : fetcher.fetch(domain), executor), deadline,
        t -> PolicyFetchOutcome.Failed.of(domain.policyUri(),
            t instanceof TimeoutException ? FetchFailure.TIMEOUT : FetchFailure.IO_ERROR,
            "the policy fetch failed: " + Text.message(t), t));
    outcome.whenComplete((o, t) -> fetchSlots.release(slot));
    return outcome;
  }

  /**
   * The one way the resolver calls its SPIs (store, DNS, fetcher; SEC-25): a call that throws,
   * returns no stage, fails, or misses {@code deadline} becomes {@code onFailure}'s value, the
   * SPI's own way of saying it failed, so no stage of a resolution can wedge a domain. A timeout
   * reaches {@code onFailure} as a {@link TimeoutException} naming the deadline. The result
   * completes on the executor, as the deadline's timer thread must not run resolver work.
   */
  <T> CompletionStage<T> guarded(Supplier<? extends @Nullable CompletionStage<T>> call, Duration deadline,
      Function<Throwable, T> onFailure) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      CompletionStage<T> stage = call.get();
      if (stage == null) {
        result.completeExceptionally(new IllegalStateException("the SPI returned no stage"));
      } else {
        stage.whenComplete((v, t) -> {
          if (t != null) {
            result.completeExceptionally(unwrap(t));
          } else {
            result.complete(v);
          }
        });
      }
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
    }
    if (!result.isDone()) {
      result.orTimeout(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    return result.handleAsync((v, t) -> {
      if (t == null) {
        return v;
      }
      Throwable cause = unwrap(t);
      if (cause instanceof TimeoutException) {
        cause = new TimeoutException("no answer within " + Durations.human(deadline));
      }
      return onFailure.apply(cause);
    }, executor);
  }

  /** Sends an event to every listener, isolating each from whatever it throws (SEC-26). */
  void emit(MtaStsEvent event) {
    for (MtaStsListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (Throwable e) {
        LOG.warn("MTA-STS listener {} failed on {}", l, event.getClass().getSimpleName(), e);
      }
    }
  }

  static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /**
   * Configures a resolver; every option may be set once, and invalid values fail at once.
   */
  public static final class Builder {
    private @Nullable DnsLookup dns;
    private @Nullable PolicyFetcher fetcher;
    private @Nullable PolicyStore store;
    private @Nullable InstantSource clock;
    private @Nullable LongSupplier ticker;
    private @Nullable Executor executor;
    private final List<MtaStsListener> listeners = new ArrayList<>();
    private @Nullable Duration txtRecheckInterval;
    private @Nullable Boolean backgroundRecheck;
    private @Nullable Duration negativeCacheDuration;
    private @Nullable Duration fetchBackoff;
    private @Nullable Duration maxAgeCap;
    private @Nullable Duration refreshInterval;
    private @Nullable Duration refreshJitter;
    private @Nullable Duration refreshRetryInterval;
    private @Nullable FailureHandling onDnsFailure;
    private @Nullable FailureHandling onStoreFailure;
    private @Nullable RandomGenerator random;
    private @Nullable Duration storeTimeout;
    private @Nullable Duration fetchLease;
    private @Nullable Duration dnsTimeout;
    private @Nullable Duration fetchTimeout;
    private @Nullable Integer maxCachedDomains;
    private @Nullable Long maxCachedBytes;
    private @Nullable Integer maxConcurrentFetches;
    private @Nullable Integer rateFetches;
    private @Nullable Duration rateWindow;

    private Builder() {}

    private static Duration atLeastFiveMinutes(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(Duration.ofMinutes(5)) < 0) {
        throw new IllegalArgumentException(name + " must be at least " + Durations.human(Duration.ofMinutes(5))
            + " (RFC 8461 §3.3), not " + Durations.human(d));
      }
      return d;
    }

    /**
     * Sets the DNS lookup (required).
     *
     * @param dns the lookup, such as {@code DnsjavaLookup} from {@code mta-sts-dns}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder dnsLookup(DnsLookup dns) {
      this.dns = Builders.once(this.dns, dns, "dnsLookup");
      return this;
    }

    /**
     * Sets the policy fetcher (required).
     *
     * @param fetcher the fetcher, such as {@code HttpPolicyFetcher} from {@code mta-sts-fetch}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder policyFetcher(PolicyFetcher fetcher) {
      this.fetcher = Builders.once(this.fetcher, fetcher, "policyFetcher");
      return this;
    }

    /**
     * Sets where policies are kept; default {@link PolicyStore#inMemory()}.
     *
     * @param store the store
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder policyStore(PolicyStore store) {
      this.store = Builders.once(this.store, store, "policyStore");
      return this;
    }

    /**
     * Sets the wall clock, which dates fetched policies ({@code fetchedAt}, {@code expiresAt}) and
     * events; default {@link InstantSource#system()}. Lifetimes are measured on the
     * {@link #ticker} instead (CAC-16).
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Sets the monotonic source on which every in-memory lifetime is measured (CAC-16): the TXT
     * re-check, the negative cache, the fetch back-off, the rate-limit window, the cached policy's
     * remaining {@code max_age} and the refresh schedule. Default {@link System#nanoTime()}; tests
     * pass a manual one.
     *
     * @param nanos a source of nanoseconds that never goes back (differences are what count)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder ticker(LongSupplier nanos) {
      this.ticker = Builders.once(this.ticker, nanos, "ticker");
      return this;
    }

    /**
     * Sets the executor that runs the resolver's continuations; default
     * {@link ForkJoinPool#commonPool()}.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Adds a listener for decisions, fetches, refreshes and failures; may be called several times.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder addListener(MtaStsListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets how long a TXT answer is trusted on the hot path before it is looked up again;
     * default 5 minutes. {@link Duration#ZERO} looks it up on every resolution.
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder txtRecheckInterval(Duration interval) {
      this.txtRecheckInterval = Builders.once(this.txtRecheckInterval,
          Builders.nonNegative(interval, "txtRecheckInterval"), "txtRecheckInterval");
      return this;
    }

    /**
     * Sets whether a due TXT re-check runs in the background while the valid cached policy is
     * served (CAC-4, CAC-18; default {@code true}) or makes the caller wait.
     *
     * @param background {@code true} to re-check in the background
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder backgroundRecheck(boolean background) {
      this.backgroundRecheck = Builders.once(this.backgroundRecheck, background, "backgroundRecheck");
      return this;
    }

    /**
     * Sets how long "no usable record" is remembered for a domain with nothing cached; default 5
     * minutes, {@link Duration#ZERO} to disable.
     *
     * @param duration the duration
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder negativeCacheDuration(Duration duration) {
      this.negativeCacheDuration = Builders.once(this.negativeCacheDuration,
          Builders.nonNegative(duration, "negativeCacheDuration"), "negativeCacheDuration");
      return this;
    }

    /**
     * Sets how long a (domain, id) is not fetched again after a failed fetch; default and minimum
     * 5 minutes (FET-12).
     *
     * @param backoff the backoff
     * @return this builder
     * @throws IllegalArgumentException if shorter than 5 minutes
     * @throws IllegalStateException if already set
     */
    public Builder fetchBackoff(Duration backoff) {
      this.fetchBackoff = Builders.once(this.fetchBackoff, atLeastFiveMinutes(backoff, "fetchBackoff"),
          "fetchBackoff");
      return this;
    }

    /**
     * Limits the fetches of new policy ids per domain (SEC-24, FET-12 allows rate limiting): at
     * most {@code fetches} in a window of length {@code window} that opens with the first of them
     * (so at most twice that in any span of that length); default 3 in 10 minutes. A TXT id that
     * changes beyond the limit is not fetched: the valid cached policy stays in use, or the domain
     * has no policy for now ({@link NoPolicyReason#FETCH_BACKOFF}), and the trace names SEC-24.
     * Fetches of the cached id (expiry, refreshes) are not counted.
     *
     * @param fetches how many new ids may be fetched per window
     * @param window the window
     * @return this builder
     * @throws IllegalArgumentException if {@code fetches} is below 1 or {@code window} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder fetchRateLimit(int fetches, Duration window) {
      this.rateFetches = Builders.once(this.rateFetches, Builders.atLeast(fetches, 1, "fetchRateLimit"),
          "fetchRateLimit");
      this.rateWindow = Builders.positive(window, "fetchRateLimit window");
      return this;
    }

    /**
     * Caps how long a fetched policy is cached, whatever its {@code max_age} says (CAC-11); default
     * and maximum 31557600 seconds.
     *
     * @param cap the cap
     * @return this builder
     * @throws IllegalArgumentException if not positive or above 31557600 seconds
     * @throws IllegalStateException if already set
     */
    public Builder maxAgeCap(Duration cap) {
      Builders.positive(cap, "maxAgeCap");
      if (cap.compareTo(MtaStsPolicy.MAX_MAX_AGE) > 0) {
        throw new IllegalArgumentException("maxAgeCap must be at most " + Durations.human(MtaStsPolicy.MAX_MAX_AGE)
            + ", not " + Durations.human(cap));
      }
      this.maxAgeCap = Builders.once(this.maxAgeCap, cap, "maxAgeCap");
      return this;
    }

    /**
     * Sets how often cached policies are re-fetched (CAC-8); default 1 day.
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder refreshInterval(Duration interval) {
      this.refreshInterval = Builders.once(this.refreshInterval, Builders.positive(interval, "refreshInterval"),
          "refreshInterval");
      return this;
    }

    /**
     * Sets the random spread around each refresh time, so that refreshes of many domains do not
     * line up; default 1 hour, at most half the refresh interval.
     *
     * @param jitter the jitter
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder refreshJitter(Duration jitter) {
      this.refreshJitter = Builders.once(this.refreshJitter, Builders.nonNegative(jitter, "refreshJitter"),
          "refreshJitter");
      return this;
    }

    /**
     * Sets when a failed refresh is tried again; default 1 hour, minimum 5 minutes (FET-12).
     *
     * @param interval the interval
     * @return this builder
     * @throws IllegalArgumentException if shorter than 5 minutes
     * @throws IllegalStateException if already set
     */
    public Builder refreshRetryInterval(Duration interval) {
      this.refreshRetryInterval = Builders.once(this.refreshRetryInterval,
          atLeastFiveMinutes(interval, "refreshRetryInterval"), "refreshRetryInterval");
      return this;
    }

    /**
     * Sets the fetch lease asked of a shared store before each fetch (CAC-35,
     * {@link PolicyStore#acquireFetch}); default 15 seconds. While another node holds it, this
     * node waits for that node's entry at most this long (and half of {@link #fetchTimeout}), then
     * fetches itself; so a node that dies holding it delays the others by at most this much. Make it
     * longer than a typical fetch.
     *
     * @param lease a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder fetchLease(Duration lease) {
      this.fetchLease = Builders.once(this.fetchLease, Builders.positive(lease, "fetchLease"), "fetchLease");
      return this;
    }

    /**
     * Sets the deadline of each policy store call ({@code load}, {@code save}, {@code loadAll});
     * default 10 seconds. A call past it is a store failure (SEC-25).
     *
     * @param timeout the deadline
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder storeTimeout(Duration timeout) {
      this.storeTimeout = Builders.once(this.storeTimeout, Builders.positive(timeout, "storeTimeout"),
          "storeTimeout");
      return this;
    }

    /**
     * Sets the deadline of each TXT lookup; default 30 seconds, a backstop behind the DNS lookup's
     * own timeouts. A lookup past it is a DNS failure ({@link DnsFailure#TIMEOUT}, SEC-25).
     *
     * @param timeout the deadline
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder dnsTimeout(Duration timeout) {
      this.dnsTimeout = Builders.once(this.dnsTimeout, Builders.positive(timeout, "dnsTimeout"), "dnsTimeout");
      return this;
    }

    /**
     * Sets the deadline of each policy fetch, the wait for a free fetch slot included; default 60
     * seconds (FET-10 suggests one minute). A fetch past it is a fetch failure
     * ({@link FetchFailure#TIMEOUT}, SEC-25).
     *
     * @param timeout the deadline
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder fetchTimeout(Duration timeout) {
      this.fetchTimeout = Builders.once(this.fetchTimeout, Builders.positive(timeout, "fetchTimeout"),
          "fetchTimeout");
      return this;
    }

    /**
     * Caps the domains held in memory (SEC-23); default 100,000. Beyond it the least recently used
     * domains with nothing in flight leave memory; the store keeps their policies.
     *
     * @param domains the cap
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxCachedDomains(int domains) {
      this.maxCachedDomains = Builders.once(this.maxCachedDomains,
          Builders.atLeast(domains, 1, "maxCachedDomains"), "maxCachedDomains");
      return this;
    }

    /**
     * Caps the policy text held in memory, counted in characters of the policy bodies (SEC-23);
     * default 64 MiB. Beyond it the least recently used domains with nothing in flight leave
     * memory; the store keeps their policies.
     *
     * @param bytes the cap
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxCachedBytes(long bytes) {
      this.maxCachedBytes = Builders.once(this.maxCachedBytes, Builders.atLeast(bytes, 1L, "maxCachedBytes"),
          "maxCachedBytes");
      return this;
    }

    /**
     * Caps the policy fetches in flight (SEC-23); default 64. Further fetches wait in arrival order,
     * and the wait counts against {@link #fetchTimeout}.
     *
     * @param fetches the cap
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxConcurrentFetches(int fetches) {
      this.maxConcurrentFetches = Builders.once(this.maxConcurrentFetches,
          Builders.atLeast(fetches, 1, "maxConcurrentFetches"), "maxConcurrentFetches");
      return this;
    }

    /**
     * Sets what to do when DNS fails and nothing is cached; default
     * {@link FailureHandling#DELIVER_WITHOUT_POLICY}, as RFC 8461 §3.3 does for a failed fetch.
     *
     * @param handling the behaviour
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder onDnsFailureWithoutCache(FailureHandling handling) {
      this.onDnsFailure = Builders.once(this.onDnsFailure, handling, "onDnsFailureWithoutCache");
      return this;
    }

    /**
     * Sets what to do when the policy store cannot be read for a domain not in memory; default
     * {@link FailureHandling#DEFER}, because delivering could ignore a cached {@code enforce}
     * policy and reopen the trust-on-first-use window.
     *
     * @param handling the behaviour
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder onStoreFailure(FailureHandling handling) {
      this.onStoreFailure = Builders.once(this.onStoreFailure, handling, "onStoreFailure");
      return this;
    }

    /**
     * Sets the random source for refresh jitter; default {@link ThreadLocalRandom}.
     *
     * @param random a thread-safe generator
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder random(RandomGenerator random) {
      this.random = Builders.once(this.random, random, "random");
      return this;
    }

    /**
     * Builds the resolver.
     *
     * @return the resolver
     * @throws NullPointerException if the DNS lookup or the policy fetcher is missing
     * @throws IllegalStateException if the refresh jitter exceeds half the refresh interval
     */
    public MtaStsResolver build() {
      return new MtaStsResolver(this);
    }
  }
}
