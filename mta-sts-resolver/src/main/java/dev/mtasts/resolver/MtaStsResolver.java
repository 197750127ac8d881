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
import dev.mtasts.resolver.store.PolicyStore;
import dev.mtasts.resolver.store.StoredPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
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
 *       {@code none} or with a shorter {@code max_age} (CAC-7).
 *   <li>{@code max_age} is clamped to {@link Builder#maxAgeCap} (CAC-11).
 *   <li>After a failed fetch the same (domain, id) is not fetched again for at least five minutes,
 *       while a new id is fetched at once (FET-12).
 *   <li>Concurrent resolutions of one domain share one TXT lookup and one fetch (single flight).
 *   <li>"No record" answers are cached briefly ({@link Builder#negativeCacheDuration}); the TXT
 *       record of a domain with a valid cached policy is re-checked at most once per
 *       {@link Builder#txtRecheckInterval}, in the background by default (CAC-4).
 *   <li>{@link #recheckBeforeFailure} re-checks the TXT id before a message is failed (CAC-12).
 *   <li>{@link #refreshDue()} re-fetches cached policies daily with jitter, whatever the TXT record
 *       says, reporting failures (CAC-8, CAC-9; not for mode {@code none}) and bodies that changed
 *       under an unchanged id.
 * </ul>
 *
 * <h2>Threads</h2>
 * The resolver starts no threads. Its continuations run on the configured {@link Executor}
 * (default: {@link ForkJoinPool#commonPool()}); proactive refreshes run when
 * {@link #refreshDue()} is called, or on a caller-supplied scheduler via
 * {@link #scheduleRefreshes}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5.1">RFC 8461 §5.1</a>
 */
public final class MtaStsResolver {
  private static final Logger LOG = LoggerFactory.getLogger(MtaStsResolver.class);

  private final DnsLookup dns;
  private final PolicyFetcher fetcher;
  private final PolicyStore store;
  private final InstantSource clock;
  private final Executor executor;
  private final MtaStsListener[] listeners;
  private final long recheckMillis;
  private final boolean backgroundRecheck;
  private final long negativeMillis;
  private final long backoffMillis;
  private final long maxAgeCapSeconds;
  private final long refreshMillis;
  private final long jitterMillis;
  private final long refreshRetryMillis;
  private final FailureHandling onDnsFailure;
  private final FailureHandling onStoreFailure;
  private final @Nullable RandomGenerator random;

  private final ConcurrentHashMap<String, DomainState> states = new ConcurrentHashMap<>();
  private volatile boolean allLoaded;

  private MtaStsResolver(Builder b) {
    this.dns = Objects.requireNonNull(b.dns, "dnsLookup is required");
    this.fetcher = Objects.requireNonNull(b.fetcher, "policyFetcher is required");
    this.store = b.store != null ? b.store : PolicyStore.inMemory();
    this.clock = b.clock != null ? b.clock : InstantSource.system();
    this.executor = b.executor != null ? b.executor : ForkJoinPool.commonPool();
    this.listeners = b.listeners.toArray(new MtaStsListener[0]);
    this.recheckMillis = millis(b.txtRecheckInterval, Duration.ofMinutes(5));
    this.backgroundRecheck = b.backgroundRecheck == null || b.backgroundRecheck;
    this.negativeMillis = millis(b.negativeCacheDuration, Duration.ofMinutes(5));
    this.backoffMillis = millis(b.fetchBackoff, Duration.ofMinutes(5));
    this.maxAgeCapSeconds = b.maxAgeCap != null ? b.maxAgeCap.getSeconds() : MtaStsPolicy.MAX_MAX_AGE.getSeconds();
    this.refreshMillis = millis(b.refreshInterval, Duration.ofDays(1));
    this.jitterMillis = millis(b.refreshJitter, Duration.ofHours(1));
    this.refreshRetryMillis = millis(b.refreshRetryInterval, Duration.ofHours(1));
    this.onDnsFailure = b.onDnsFailure != null ? b.onDnsFailure : FailureHandling.DELIVER_WITHOUT_POLICY;
    this.onStoreFailure = b.onStoreFailure != null ? b.onStoreFailure : FailureHandling.DEFER;
    this.random = b.random;
    if (jitterMillis * 2 > refreshMillis) {
      throw new IllegalStateException("refreshJitter must be at most half of refreshInterval");
    }
  }

  private static long millis(@Nullable Duration d, Duration fallback) {
    return (d != null ? d : fallback).toMillis();
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
    DomainState s = states.get(domain.name());
    if (s == null) {
      s = states.computeIfAbsent(domain.name(), k -> new DomainState(domain));
    }
    return fastOrSlow(s);
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
   * failed permanently because of an {@code enforce} policy (CAC-12, APP-4).
   *
   * @param domain the Policy Domain
   * @return the fresh resolution
   */
  public CompletionStage<PolicyResolution> recheckBeforeFailure(PolicyDomain domain) {
    DomainState s = states.computeIfAbsent(domain.name(), k -> new DomainState(domain));
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

  private CompletionStage<PolicyResolution> fastOrSlow(DomainState s) {
    DomainState.Hot h = s.hot;
    if (h != null && clock.millis() < h.untilMillis()) {
      emit(h.event());
      return h.stage();
    }
    return slowPath(s);
  }

  private CompletionStage<PolicyResolution> slowPath(DomainState s) {
    long now = clock.millis();
    CompletableFuture<PolicyResolution> f;
    PolicyResolution served = null;
    synchronized (s) {
      DomainState.Hot h = s.hot;
      if (h != null && now < h.untilMillis()) {
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
    start(s, f, false);
    return f.minimalCompletionStage();
  }

  private void start(DomainState s, CompletableFuture<PolicyResolution> f, boolean recheck) {
    try {
      executor.execute(() -> {
        CompletionStage<Decision> decision;
        try {
          decision = discover(s, recheck);
        } catch (RuntimeException e) {
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
        s.hot = d.hotUntilMillis > 0 ? DomainState.Hot.of(d.hotUntilMillis, asServedFromCache(d.resolution)) : null;
      }
      if (recheck) {
        s.recheckInflight = null;
      } else {
        s.inflight = null;
      }
    }
    if (d == null) {
      LOG.error("MTA-STS resolution of {} failed unexpectedly", s.domain, t);
      f.completeExceptionally(t != null ? t : new IllegalStateException("no decision"));
      return;
    }
    emit(new MtaStsEvent.Resolved(d.resolution));
    f.complete(d.resolution);
  }

  /**
   * The answer later calls get from the fast path: a freshly fetched policy is, for them, the
   * cached one (CAC-3); other answers are served as they were decided.
   */
  private PolicyResolution asServedFromCache(PolicyResolution r) {
    if (r instanceof PolicyResolution.Active a && a.source() == PolicySource.FETCHED) {
      return new PolicyResolution.Active(a.domain(), a.policy(), a.policyId(), a.policyText(), a.fetchedAt(),
          a.expiresAt(), PolicySource.CACHED, new ResolutionTrace(a.trace().txt(), CacheState.VALID, null, "CAC-3",
              "the valid cached policy; its TXT id was confirmed within the re-check interval"));
    }
    return r;
  }

  /** A resolution and until when it may be served without work (0: not at all). */
  private record Decision(PolicyResolution resolution, long hotUntilMillis) {}

  private CompletionStage<Decision> discover(DomainState s, boolean recheck) {
    return ensureLoaded(s).thenComposeAsync(storeOk -> {
      Instant now = clock.instant();
      long nowMillis = now.toEpochMilli();
      DomainState.Entry entry;
      synchronized (s) {
        entry = s.entry;
      }
      CacheState cache = entry == null ? (storeOk ? CacheState.EMPTY : CacheState.UNAVAILABLE)
          : entry.validAt(nowMillis) ? CacheState.VALID : CacheState.EXPIRED;
      if (cache == CacheState.UNAVAILABLE && onStoreFailure == FailureHandling.DEFER) {
        ResolutionTrace trace = new ResolutionTrace(TxtCheck.NOT_CHECKED, cache, null, "CAC-6",
            "the policy store is unavailable, so a cached policy may be unseen; deferring");
        return CompletableFuture.completedStage(new Decision(new PolicyResolution.Deferred(s.domain,
            DeferReason.STORE_UNAVAILABLE, "the MTA-STS policy store is unavailable", trace), 0));
      }
      return lookupTxt(s.domain).thenComposeAsync(
          txt -> decide(s, entry, cache, txt, recheck, now), executor);
    }, executor);
  }

  private CompletionStage<Decision> decide(DomainState s, DomainState.@Nullable Entry entry, CacheState cache,
      TxtResult txt, boolean recheck, Instant now) {
    long nowMillis = now.toEpochMilli();
    boolean valid = cache == CacheState.VALID;
    PolicyDomain domain = s.domain;
    switch (txt.check.status()) {
      case FOUND -> {
        String id = Objects.requireNonNull(txt.check.id());
        if (valid && entry.stored().policyId().equals(id)) {
          return done(fromEntry(domain, entry, PolicySource.CACHED, new ResolutionTrace(txt.check, cache, null,
              "CAC-3", "the TXT id matches the valid cached policy; no fetch needed")), hotUntil(entry, nowMillis));
        }
        Long blockedUntil;
        synchronized (s) {
          blockedUntil = s.backoffUntil == null ? null : s.backoffUntil.get(id);
        }
        if (blockedUntil != null && nowMillis < blockedUntil) {
          String why = "a fetch of policy id " + id + " failed recently; not retried before "
              + Instant.ofEpochMilli(blockedUntil);
          if (valid) {
            return done(fromEntry(domain, entry, PolicySource.CACHED_AFTER_FAILURE,
                new ResolutionTrace(txt.check, cache, null, "FET-12", why + "; the valid cached policy stays in use")),
                hotUntil(entry, nowMillis));
          }
          return done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.FETCH_BACKOFF,
              new ResolutionTrace(txt.check, cache, null, "FET-12", why)), 0);
        }
        FetchReason reason = recheck ? FetchReason.RECHECK : FetchReason.DISCOVERY;
        return fetch(domain).thenComposeAsync(outcome -> afterFetch(s, entry, cache, txt.check, id, outcome,
            reason, now), executor);
      }
      case DNS_FAILURE -> {
        emit(new MtaStsEvent.TxtLookupFailed(domain, Objects.requireNonNull(txt.failure), valid));
        if (valid) {
          return done(fromEntry(domain, entry, PolicySource.CACHED_AFTER_FAILURE, new ResolutionTrace(txt.check,
              cache, null, "CAC-6", "DNS failed; the valid cached policy stays in use")), hotUntil(entry, nowMillis));
        }
        if (onDnsFailure == FailureHandling.DEFER) {
          return done(new PolicyResolution.Deferred(domain, DeferReason.DNS_FAILURE, txt.check.detail(),
              new ResolutionTrace(txt.check, cache, null, "CAC-5",
                  "DNS failed and nothing is cached; configured to defer")), 0);
        }
        return done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.DNS_FAILURE, new ResolutionTrace(
            txt.check, cache, null, "CAC-5", "DNS failed and nothing is cached; delivering without MTA-STS")), 0);
      }
      default -> {
        // NO_RECORD, MULTIPLE_RECORDS, INVALID_RECORD: no usable record (TXT-7).
        if (valid) {
          return done(fromEntry(domain, entry, PolicySource.CACHED_AFTER_FAILURE, new ResolutionTrace(txt.check,
              cache, null, "TXT-13", "no usable TXT record, but a valid policy is cached and stays in use")),
              hotUntil(entry, nowMillis));
        }
        NoPolicyReason reason = switch (txt.check.status()) {
          case MULTIPLE_RECORDS -> NoPolicyReason.MULTIPLE_RECORDS;
          case INVALID_RECORD -> NoPolicyReason.INVALID_RECORD;
          default -> NoPolicyReason.NO_RECORD;
        };
        return done(new PolicyResolution.NoPolicy(domain, reason, new ResolutionTrace(txt.check, cache, null,
            "TXT-7", "no usable _mta-sts record and no valid cached policy")),
            negativeMillis > 0 ? nowMillis + negativeMillis : 0);
      }
    }
  }

  private CompletionStage<Decision> afterFetch(DomainState s, DomainState.@Nullable Entry previous,
      CacheState cache, TxtCheck txt, String id, PolicyFetchOutcome outcome, FetchReason reason, Instant now) {
    long nowMillis = now.toEpochMilli();
    PolicyDomain domain = s.domain;
    boolean valid = cache == CacheState.VALID;
    if (outcome instanceof PolicyFetchOutcome.Failed failed) {
      synchronized (s) {
        if (s.backoffUntil == null) {
          s.backoffUntil = new HashMap<>(2);
        }
        // Ids come and go; forget the backoffs that are over so the map stays small.
        s.backoffUntil.values().removeIf(until -> until <= nowMillis);
        s.backoffUntil.put(id, nowMillis + backoffMillis);
      }
      emit(new MtaStsEvent.PolicyFetchFailed(domain, reason, failed, valid ? previous.stored() : null, now));
      LOG.info("MTA-STS policy fetch for {} (id {}) failed: {} {}", domain, id, failed.reason(), failed.message());
      if (valid) {
        return done(fromEntry(domain, previous, PolicySource.CACHED_AFTER_FAILURE, new ResolutionTrace(txt, cache,
            outcome, "CAC-6", "the fetch failed; the valid cached policy stays in use")), hotUntil(previous, nowMillis));
      }
      return done(new PolicyResolution.NoPolicy(domain, NoPolicyReason.FETCH_FAILED, new ResolutionTrace(txt,
          cache, outcome, "CAC-5", "the fetch failed and nothing is cached; delivering without MTA-STS")), 0);
    }
    PolicyFetchOutcome.Fetched fetched = (PolicyFetchOutcome.Fetched) outcome;
    emit(new MtaStsEvent.PolicyFetched(domain, reason, fetched, now));
    DomainState.Entry entry = adopt(s, id, fetched, now);
    if (previous != null && previous.stored().policyId().equals(id) && !previous.policy().equals(entry.policy())) {
      driftDetected(domain, id, previous.policy(), entry.policy());
    }
    String rule = previous != null ? "CAC-7" : "CAC-2";
    String explanation = previous == null ? "no policy was cached; fetched and cached it"
        : valid ? "the TXT id changed; the fetched policy replaces the cached one"
        : "the cached policy had expired; fetched a fresh one";
    PolicyResolution r = fromEntry(domain, entry, PolicySource.FETCHED, new ResolutionTrace(txt, cache, outcome,
        rule, explanation));
    return save(domain, entry.stored()).thenApply(v -> new Decision(r, hotUntil(entry, nowMillis)));
  }

  private DomainState.Entry adopt(DomainState s, String id, PolicyFetchOutcome.Fetched fetched, Instant now) {
    MtaStsPolicy policy = fetched.policy();
    long lifetime = Math.min(policy.maxAgeSeconds(), maxAgeCapSeconds);
    StoredPolicy stored = new StoredPolicy(s.domain, id, new String(fetched.body(), StandardCharsets.UTF_8),
        now, now.plusSeconds(lifetime));
    DomainState.Entry entry = new DomainState.Entry(stored, policy, stored.expiresAt().toEpochMilli());
    synchronized (s) {
      if (s.entry == null || !s.entry.stored().fetchedAt().isAfter(now)) {
        s.entry = entry;
        s.loaded = true;
        s.nextRefreshMillis = nextRefresh(now.toEpochMilli(), entry.expiresMillis());
      }
    }
    return entry;
  }

  private void driftDetected(PolicyDomain domain, String id, MtaStsPolicy previous, MtaStsPolicy current) {
    LOG.warn("MTA-STS policy of {} changed without a new id ({}): {} -> {}", domain, id, previous, current);
    emit(new MtaStsEvent.PolicyChangedWithoutNewId(domain, id, previous, current));
  }

  private CompletionStage<Void> save(PolicyDomain domain, StoredPolicy stored) {
    CompletionStage<Void> saved;
    try {
      saved = store.save(stored);
    } catch (RuntimeException e) {
      saved = CompletableFuture.failedStage(e);
    }
    return saved.handle((v, t) -> {
      if (t != null) {
        LOG.warn("Could not save the MTA-STS policy of {}: {}", domain, t.toString());
        emit(new MtaStsEvent.StoreFailed(domain, "save", unwrap(t)));
      }
      return null;
    });
  }

  private long hotUntil(DomainState.Entry entry, long nowMillis) {
    if (recheckMillis <= 0) {
      return 0;
    }
    return Math.min(nowMillis + recheckMillis, entry.expiresMillis());
  }

  /**
   * When to re-fetch a policy fetched at {@code fromMillis}: after the refresh interval, but never
   * later than half its lifetime, so that a short {@code max_age} is refreshed well before it
   * expires (CAC-8, §10.2), with the jitter scaled down accordingly.
   */
  private long nextRefresh(long fromMillis, long expiresMillis) {
    long interval = Math.min(refreshMillis, Math.max(0, (expiresMillis - fromMillis) / 2));
    long spread = Math.min(jitterMillis, interval / 4);
    RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
    long jitter = spread == 0 ? 0 : r.nextLong(-spread, spread + 1);
    return fromMillis + interval + jitter;
  }

  private static CompletionStage<Decision> done(PolicyResolution r, long hotUntilMillis) {
    return CompletableFuture.completedStage(new Decision(r, hotUntilMillis));
  }

  private static PolicyResolution fromEntry(PolicyDomain domain, DomainState.Entry e, PolicySource source,
      ResolutionTrace trace) {
    if (e.policy().mode() == MtaStsMode.NONE) {
      return new PolicyResolution.NoPolicy(domain, NoPolicyReason.MODE_NONE, new ResolutionTrace(trace.txt(),
          trace.cache(), trace.fetch(), "CAC-10", trace.explanation() + "; the policy's mode is none"));
    }
    StoredPolicy st = e.stored();
    return new PolicyResolution.Active(domain, e.policy(), st.policyId(), st.policyText(), st.fetchedAt(),
        st.expiresAt(), source, trace);
  }

  /** Loads the stored entry once; completes with false when the store failed. */
  private CompletionStage<Boolean> ensureLoaded(DomainState s) {
    synchronized (s) {
      if (s.loaded) {
        return CompletableFuture.completedStage(Boolean.TRUE);
      }
    }
    CompletionStage<Optional<StoredPolicy>> loading;
    try {
      loading = store.load(s.domain);
    } catch (RuntimeException e) {
      loading = CompletableFuture.failedStage(e);
    }
    return loading.handle((stored, t) -> {
      if (t != null) {
        LOG.warn("Could not load the MTA-STS policy of {} from the store: {}", s.domain, t.toString());
        emit(new MtaStsEvent.StoreFailed(s.domain, "load", unwrap(t)));
        return Boolean.FALSE;
      }
      install(s, stored.orElse(null));
      return Boolean.TRUE;
    });
  }

  private void install(DomainState s, @Nullable StoredPolicy stored) {
    DomainState.Entry entry = null;
    if (stored != null) {
      try {
        entry = new DomainState.Entry(stored, stored.parsePolicy(), stored.expiresAt().toEpochMilli());
      } catch (MtaStsParseException e) {
        LOG.warn("Ignoring the unreadable stored MTA-STS policy of {}: {}", s.domain, e.getMessage());
      }
    }
    synchronized (s) {
      if (s.loaded) {
        return;
      }
      s.loaded = true;
      if (entry != null && (s.entry == null || s.entry.stored().fetchedAt().isBefore(stored.fetchedAt()))) {
        s.entry = entry;
        s.nextRefreshMillis = nextRefresh(stored.fetchedAt().toEpochMilli(), entry.expiresMillis());
      }
    }
  }

  /** The TXT lookup result, classified. */
  private record TxtResult(TxtCheck check, DnsOutcome.@Nullable TemporaryFailure<String> failure) {}

  private CompletionStage<TxtResult> lookupTxt(PolicyDomain domain) {
    String name = domain.stsRecordName();
    CompletionStage<DnsOutcome<String>> lookup;
    try {
      lookup = dns.txt(name);
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedStage(e);
    }
    return lookup.handle((outcome, t) -> {
      if (t != null) {
        // The SPI promises never to fail exceptionally; if one does, it is still only a DNS failure.
        outcome = new DnsOutcome.TemporaryFailure<>(name, DnsFailure.NETWORK_ERROR,
            "the DNS lookup failed: " + unwrap(t), unwrap(t));
      }
      return classify(outcome);
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

  private CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain) {
    CompletionStage<PolicyFetchOutcome> fetching;
    try {
      fetching = fetcher.fetch(domain);
    } catch (RuntimeException e) {
      fetching = CompletableFuture.failedStage(e);
    }
    return fetching.handle((outcome, t) -> {
      if (t != null) {
        Throwable cause = unwrap(t);
        return new PolicyFetchOutcome.Failed(domain.policyUri(), FetchFailure.IO_ERROR,
            "the policy fetcher failed: " + cause, 0, Duration.ZERO, null, List.of(), cause);
      }
      return outcome;
    });
  }

  /**
   * Re-fetches every cached policy whose refresh is due, whatever the TXT record says (CAC-8),
   * and reports failures (CAC-9). Policies in mode {@code none} are not refreshed. The first call
   * also loads every stored entry, so that refreshes continue after a restart. Each call also
   * forgets in-memory state that holds nothing valid (expired policies, old "no record" answers),
   * so memory follows the domains in use; call it periodically, or use {@link #scheduleRefreshes}.
   *
   * @return what was done
   */
  public CompletionStage<RefreshSummary> refreshDue() {
    return ensureAllLoaded().thenComposeAsync(v -> {
      long now = clock.millis();
      List<CompletableFuture<Integer>> refreshes = new ArrayList<>();
      for (DomainState s : states.values()) {
        DomainState.Entry entry;
        synchronized (s) {
          entry = s.entry;
          if (isStale(s, now)) {
            // Nothing valid to keep and nothing in flight: the store (if any) still has the entry.
            states.remove(s.domain.name(), s);
            continue;
          }
          if (entry == null || s.refreshing || entry.policy().mode() == MtaStsMode.NONE
              || !entry.validAt(now) || s.nextRefreshMillis > now) {
            continue;
          }
          s.refreshing = true;
        }
        refreshes.add(refresh(s, entry).toCompletableFuture());
      }
      return CompletableFuture.allOf(refreshes.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
        int[] counts = new int[3];
        for (CompletableFuture<Integer> r : refreshes) {
          counts[r.join()]++;
        }
        return new RefreshSummary(refreshes.size(), counts[0], counts[1], counts[2]);
      });
    }, executor);
  }

  /** Whether a domain's state holds nothing worth keeping in memory; called under its lock. */
  private static boolean isStale(DomainState s, long now) {
    DomainState.Hot h = s.hot;
    boolean hotExpired = h == null || h.untilMillis() <= now;
    boolean noValidEntry = s.entry == null || !s.entry.validAt(now);
    boolean noBackoff = s.backoffUntil == null || s.backoffUntil.values().stream().allMatch(t -> t <= now);
    return noValidEntry && hotExpired && noBackoff && s.inflight == null && s.recheckInflight == null && !s.refreshing;
  }

  /** Completes with 0 (unchanged), 1 (changed without new id) or 2 (failed). */
  private CompletionStage<Integer> refresh(DomainState s, DomainState.Entry previous) {
    Instant now = clock.instant();
    PolicyDomain domain = s.domain;
    return fetch(domain).thenComposeAsync(outcome -> {
      if (outcome instanceof PolicyFetchOutcome.Failed failed) {
        Duration left = Duration.ofMillis(previous.expiresMillis() - now.toEpochMilli());
        synchronized (s) {
          s.refreshing = false;
          s.nextRefreshMillis = now.toEpochMilli() + refreshRetryMillis;
        }
        emit(new MtaStsEvent.PolicyFetchFailed(domain, FetchReason.REFRESH, failed, previous.stored(), now));
        LOG.warn("Proactive refresh of the MTA-STS policy of {} failed ({} {}); the cached policy expires in {}",
            domain, failed.reason(), failed.message(), left);
        emit(new MtaStsEvent.RefreshFailed(domain, previous.stored(), failed, left));
        return CompletableFuture.completedStage(2);
      }
      PolicyFetchOutcome.Fetched fetched = (PolicyFetchOutcome.Fetched) outcome;
      emit(new MtaStsEvent.PolicyFetched(domain, FetchReason.REFRESH, fetched, now));
      String id = previous.stored().policyId();
      DomainState.Entry entry = adopt(s, id, fetched, now);
      boolean changed = !previous.policy().equals(entry.policy());
      if (changed) {
        driftDetected(domain, id, previous.policy(), entry.policy());
      }
      synchronized (s) {
        s.refreshing = false;
        // The cached answer still names the old fetch time; let the next call rebuild it.
        s.hot = null;
      }
      return save(domain, entry.stored()).thenApply(x -> changed ? 1 : 0);
    }, executor);
  }

  private CompletionStage<Void> ensureAllLoaded() {
    if (allLoaded) {
      return CompletableFuture.completedStage(null);
    }
    CompletionStage<List<StoredPolicy>> loading;
    try {
      loading = store.loadAll();
    } catch (RuntimeException e) {
      loading = CompletableFuture.failedStage(e);
    }
    return loading.handle((all, t) -> {
      if (t != null) {
        LOG.warn("Could not list the MTA-STS policy store; refreshing only policies in memory: {}", t.toString());
        return null;
      }
      for (StoredPolicy stored : all) {
        DomainState s = states.computeIfAbsent(stored.domain().name(), k -> new DomainState(stored.domain()));
        install(s, stored);
      }
      allLoaded = true;
      return null;
    });
  }

  /**
   * Runs {@link #refreshDue()} periodically on a scheduler the caller owns.
   *
   * @param scheduler the scheduler
   * @param period the time between the end of one round and the start of the next
   * @return the scheduled task; cancel it to stop
   */
  public ScheduledFuture<?> scheduleRefreshes(ScheduledExecutorService scheduler, Duration period) {
    Objects.requireNonNull(scheduler, "scheduler");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive, not " + period);
    }
    return scheduler.scheduleWithFixedDelay(() -> {
      try {
        refreshDue().toCompletableFuture().join();
      } catch (RuntimeException e) {
        LOG.error("MTA-STS refresh round failed", e);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void emit(MtaStsEvent event) {
    for (MtaStsListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.warn("MTA-STS listener {} failed on {}", l, event.getClass().getSimpleName(), e);
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
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

    private Builder() {}

    private static <T> T once(@Nullable Object current, T value, String name) {
      Objects.requireNonNull(value, name);
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
      return value;
    }

    private static Duration nonNegative(Duration d, String name) {
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative: " + d);
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
      this.dns = once(this.dns, dns, "dnsLookup");
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
      this.fetcher = once(this.fetcher, fetcher, "policyFetcher");
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
      this.store = once(this.store, store, "policyStore");
      return this;
    }

    /**
     * Sets the clock; default {@link InstantSource#system()}.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder instantSource(InstantSource clock) {
      this.clock = once(this.clock, clock, "instantSource");
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
      this.executor = once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Adds a listener for decisions, fetches, refreshes and failures.
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
      this.txtRecheckInterval = once(this.txtRecheckInterval, nonNegative(interval, "txtRecheckInterval"),
          "txtRecheckInterval");
      return this;
    }

    /**
     * Sets whether a due TXT re-check runs in the background while the valid cached policy is
     * served (CAC-4; default {@code true}) or makes the caller wait.
     *
     * @param background {@code true} to re-check in the background
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder backgroundRecheck(boolean background) {
      this.backgroundRecheck = once(this.backgroundRecheck, background, "backgroundRecheck");
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
      this.negativeCacheDuration = once(this.negativeCacheDuration, nonNegative(duration, "negativeCacheDuration"),
          "negativeCacheDuration");
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
      if (backoff.compareTo(Duration.ofMinutes(5)) < 0) {
        throw new IllegalArgumentException("fetchBackoff must be at least 5 minutes (RFC 8461 §3.3), not " + backoff);
      }
      this.fetchBackoff = once(this.fetchBackoff, backoff, "fetchBackoff");
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
      if (cap.isNegative() || cap.isZero() || cap.compareTo(MtaStsPolicy.MAX_MAX_AGE) > 0) {
        throw new IllegalArgumentException("maxAgeCap must be positive and at most 31557600 s, not " + cap);
      }
      this.maxAgeCap = once(this.maxAgeCap, cap, "maxAgeCap");
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
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("refreshInterval must be positive, not " + interval);
      }
      this.refreshInterval = once(this.refreshInterval, interval, "refreshInterval");
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
      this.refreshJitter = once(this.refreshJitter, nonNegative(jitter, "refreshJitter"), "refreshJitter");
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
      if (interval.compareTo(Duration.ofMinutes(5)) < 0) {
        throw new IllegalArgumentException("refreshRetryInterval must be at least 5 minutes, not " + interval);
      }
      this.refreshRetryInterval = once(this.refreshRetryInterval, interval, "refreshRetryInterval");
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
      this.onDnsFailure = once(this.onDnsFailure, handling, "onDnsFailureWithoutCache");
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
      this.onStoreFailure = once(this.onStoreFailure, handling, "onStoreFailure");
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
      this.random = once(this.random, random, "random");
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
