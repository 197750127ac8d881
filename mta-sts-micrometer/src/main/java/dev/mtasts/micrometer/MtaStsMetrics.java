package dev.mtasts.micrometer;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.resolver.CacheStats;
import dev.mtasts.resolver.DeferReason;
import dev.mtasts.resolver.FetchReason;
import dev.mtasts.resolver.MtaStsEvent;
import dev.mtasts.resolver.MtaStsListener;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.NoPolicyReason;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.RefreshSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer metrics for an {@link MtaStsResolver}: what it answered, how its cache serves, what
 * its policy fetches (RFC 8461 §3.3) and TXT lookups (§3.1) return, and how its proactive refresh
 * rounds (§3.3, §10.2) go. Failures are tagged with their RFC 8460 §4.3 result type, the one a
 * TLS-RPT report would carry.
 *
 * <pre>{@code
 * MtaStsMetrics metrics = MtaStsMetrics.create();
 * MtaStsResolver resolver = MtaStsResolver.builder()
 *     ...
 *     .addListener(metrics)          // counts every event of this resolver
 *     .build();
 * metrics.observe(resolver);         // the cache gauges and refresh rounds read this resolver
 * metrics.bindTo(registry);          // any number of registries, before or after events
 * metrics.scheduleRefreshes(scheduler, Duration.ofMinutes(10));   // instead of the resolver's own
 * }</pre>
 *
 * <h2>Meters</h2>
 * Every meter also carries the common tags given to {@link Builder#tags}.
 * <table>
 *   <caption>Meters registered by {@link #bindTo}</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th><th>Counts</th></tr>
 *   <tr><td>{@code mtasts.resolutions}</td><td>counter</td>
 *       <td>{@code outcome} ({@code enforce}, {@code testing}, {@code no-policy}, {@code deferred}),
 *       {@code reason} (the {@link NoPolicyReason} or {@link DeferReason}, such as
 *       {@code no-record}, {@code mode-none}, {@code dns-failure}; {@code none} for a policy),
 *       {@code source} ({@code fetched}, {@code cached}, {@code cached-after-failure}; {@code none}
 *       without a policy)</td>
 *       <td>every answer of the resolver, cached answers included (RFC 8461 §5)</td></tr>
 *   <tr><td>{@code mtasts.cache.gets}</td><td>counter</td><td>{@code result} ({@code hit},
 *       {@code miss})</td>
 *       <td>answers with a policy: a hit was served by the cached policy (§3.3, source
 *       {@code cached} or {@code cached-after-failure}), a miss fetched it. Answers without a
 *       policy count in neither.</td></tr>
 *   <tr><td>{@code mtasts.cache.size}</td><td>gauge</td><td></td>
 *       <td>domains with state in memory ({@link CacheStats#domains()})</td></tr>
 *   <tr><td>{@code mtasts.cache.bytes}</td><td>gauge (bytes)</td><td></td>
 *       <td>policy text in memory ({@link CacheStats#bytes()})</td></tr>
 *   <tr><td>{@code mtasts.fetches.running}, {@code mtasts.fetches.waiting}</td><td>gauges</td>
 *       <td></td><td>policy fetches in flight, and waiting for a slot</td></tr>
 *   <tr><td>{@code mtasts.fetches}</td><td>counter</td>
 *       <td>{@code reason} ({@code discovery}, {@code recheck}, {@code refresh}), {@code result}
 *       ({@code success} or the RFC 8460 result type: {@code sts-policy-fetch-error},
 *       {@code sts-policy-invalid}, {@code sts-webpki-invalid}), {@code failure} (the
 *       {@link FetchFailure}, such as {@code certificate-expired}; {@code none} on success)</td>
 *       <td>completed policy fetches (§3.3)</td></tr>
 *   <tr><td>{@code mtasts.txt.lookup.failures}</td><td>counter</td>
 *       <td>{@code failure} (the {@link DnsFailure}, such as {@code servfail}, {@code timeout}),
 *       {@code cached} ({@code true} when a valid cached policy stayed in use)</td>
 *       <td>temporary failures of the {@code _mta-sts} TXT lookup (§3.1, §5.1)</td></tr>
 *   <tr><td>{@code mtasts.store.errors}</td><td>counter</td>
 *       <td>{@code operation} ({@code load}, {@code save}, {@code load-all},
 *       {@code acquire-fetch}, {@code other})</td>
 *       <td>failures of the policy store</td></tr>
 *   <tr><td>{@code mtasts.refresh.rounds}</td><td>function timer</td>
 *       <td>{@code outcome} ({@code completed}, {@code failed})</td>
 *       <td>refresh rounds run through {@link #refreshDue()} or {@link #scheduleRefreshes}, and
 *       their total duration</td></tr>
 *   <tr><td>{@code mtasts.refresh.policies}</td><td>counter</td>
 *       <td>{@code result} ({@code unchanged}, {@code changed}, {@code failed})</td>
 *       <td>policies re-fetched by those rounds ({@link RefreshSummary})</td></tr>
 *   <tr><td>{@code mtasts.refresh.failures}</td><td>counter</td>
 *       <td>{@code result} (the RFC 8460 result type)</td>
 *       <td>refreshes that failed while an {@code enforce} or {@code testing} policy is cached:
 *       the ones to alert on before the policy expires (§10.2)</td></tr>
 *   <tr><td>{@code mtasts.policy.changed.without.new.id}</td><td>counter</td><td></td>
 *       <td>re-fetched policies that changed while the TXT id stayed the same (§3.1)</td></tr>
 * </table>
 *
 * <h2>Bounded tags</h2>
 * Every tag value comes from a fixed set known when the class loads (the enums above, all
 * registered by {@link #bindTo} up front), never from the network: a domain name, which whoever
 * sends mail to an MTA chooses, is never a tag, so no sender can grow the number of time series.
 *
 * <h2>Cost</h2>
 * {@link #onEvent} is called on the resolver's hot path, for cached answers too. It allocates
 * nothing and takes no lock: it picks a {@link LongAdder} by the ordinals of the event's enums and
 * increments it, one atomic update per event ({@code mtasts.cache.gets} is read from the
 * resolution counters). The meters read the adders only when the registry publishes. It never throws:
 * every enum constant has its slot (arrays are sized by {@code values()}), and an unknown store
 * operation counts as {@code other}.
 *
 * <p>The counters count every event of every resolver this object listens to, from the moment it
 * is added, bound to a registry or not; one object per resolver keeps the gauges meaningful.
 */
public final class MtaStsMetrics implements MeterBinder, MtaStsListener {
  private static final Logger LOG = LoggerFactory.getLogger(MtaStsMetrics.class);

  /** The store operations the resolver names in {@link MtaStsEvent.StoreFailed}, and "other". */
  private static final String[] STORE_OPERATIONS = {"load", "save", "loadAll", "acquireFetch"};

  private static final int MODES = MtaStsMode.values().length;
  private static final int SOURCES = PolicySource.values().length;
  private static final int NO_POLICY_BASE = MODES * SOURCES;
  private static final int DEFERRED_BASE = NO_POLICY_BASE + NoPolicyReason.values().length;
  /** The fetch slots of one reason: success, then one per {@link FetchFailure}. */
  private static final int FETCH_RESULTS = 1 + FetchFailure.values().length;

  private final Tags commonTags;
  private final LongSupplier ticker;
  private volatile @Nullable MtaStsResolver resolver;

  private final Family resolutions;
  private final Family fetches;
  private final Family txtFailures;
  private final Family storeErrors;
  private final Family refreshPolicies;
  private final Family refreshFailures;
  private final Family policyDrift;
  /** Refresh rounds by outcome: completed, failed. */
  private final Rounds[] rounds = {new Rounds(), new Rounds()};

  private MtaStsMetrics(Builder b) {
    this.commonTags = b.tags != null ? b.tags : Tags.empty();
    this.ticker = b.ticker != null ? b.ticker : System::nanoTime;

    resolutions = new Family("mtasts.resolutions", "MTA-STS resolutions answered, cached answers included",
        DEFERRED_BASE + DeferReason.values().length);
    for (MtaStsMode mode : MtaStsMode.values()) {
      if (mode == MtaStsMode.NONE) {
        continue; // a mode-none policy is answered as NoPolicy(MODE_NONE), never as a policy
      }
      for (PolicySource source : PolicySource.values()) {
        resolutions.tag(mode.ordinal() * SOURCES + source.ordinal(),
            Tags.of("outcome", mode.token(), "reason", "none", "source", token(source)));
      }
    }
    for (NoPolicyReason reason : NoPolicyReason.values()) {
      resolutions.tag(NO_POLICY_BASE + reason.ordinal(),
          Tags.of("outcome", "no-policy", "reason", token(reason), "source", "none"));
    }
    for (DeferReason reason : DeferReason.values()) {
      resolutions.tag(DEFERRED_BASE + reason.ordinal(),
          Tags.of("outcome", "deferred", "reason", token(reason), "source", "none"));
    }

    fetches = new Family("mtasts.fetches", "MTA-STS policy fetches, by RFC 8460 result type",
        FetchReason.values().length * FETCH_RESULTS);
    for (FetchReason reason : FetchReason.values()) {
      int base = reason.ordinal() * FETCH_RESULTS;
      fetches.tag(base, Tags.of("reason", token(reason), "result", "success", "failure", "none"));
      for (FetchFailure failure : FetchFailure.values()) {
        fetches.tag(base + 1 + failure.ordinal(), Tags.of("reason", token(reason),
            "result", failure.resultType().token(), "failure", token(failure)));
      }
    }

    txtFailures = new Family("mtasts.txt.lookup.failures", "Temporary failures of the _mta-sts TXT lookup",
        DnsFailure.values().length * 2);
    for (DnsFailure failure : DnsFailure.values()) {
      txtFailures.tag(failure.ordinal() * 2, Tags.of("failure", token(failure), "cached", "false"));
      txtFailures.tag(failure.ordinal() * 2 + 1, Tags.of("failure", token(failure), "cached", "true"));
    }

    storeErrors = new Family("mtasts.store.errors", "Failures of the MTA-STS policy store",
        STORE_OPERATIONS.length + 1);
    for (int i = 0; i < STORE_OPERATIONS.length; i++) {
      storeErrors.tag(i, Tags.of("operation", kebab(STORE_OPERATIONS[i])));
    }
    storeErrors.tag(STORE_OPERATIONS.length, Tags.of("operation", "other"));

    refreshPolicies = new Family("mtasts.refresh.policies",
        "Policies re-fetched by proactive refresh rounds, by result", 3);
    refreshPolicies.tag(0, Tags.of("result", "unchanged"));
    refreshPolicies.tag(1, Tags.of("result", "changed"));
    refreshPolicies.tag(2, Tags.of("result", "failed"));

    refreshFailures = new Family("mtasts.refresh.failures",
        "Proactive refreshes that failed while an enforce or testing policy is cached", TlsRptResultType.values().length);
    for (FetchFailure failure : FetchFailure.values()) {
      TlsRptResultType type = failure.resultType();
      refreshFailures.tag(type.ordinal(), Tags.of("result", type.token()));
    }

    policyDrift = new Family("mtasts.policy.changed.without.new.id",
        "Re-fetched policies that changed while the TXT id stayed the same", 1);
    policyDrift.tag(0, Tags.empty());
  }

  /**
   * Returns metrics with no common tags, timed on {@link System#nanoTime()}.
   *
   * @return new metrics, counting nothing yet
   */
  public static MtaStsMetrics create() {
    return builder().build();
  }

  /**
   * Returns a builder for metrics with common tags or another ticker.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Names the resolver whose {@link MtaStsResolver#cacheStats()} the gauges read and whose refresh
   * rounds {@link #refreshDue()} runs. Until then the gauges read {@code NaN}. The resolver is
   * built with this object as a listener first, hence this separate step.
   *
   * @param resolver the resolver this object listens to
   * @return this object
   * @throws IllegalStateException if another resolver was observed already
   */
  public synchronized MtaStsMetrics observe(MtaStsResolver resolver) {
    Builders.once(this.resolver == resolver ? null : this.resolver, resolver, "observed resolver");
    this.resolver = resolver;
    return this;
  }

  /**
   * Registers the meters listed in the class description with a registry; may be called for
   * several registries, which then show the same counts.
   *
   * @param registry the registry
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    for (Family f : new Family[] {resolutions, fetches, txtFailures, storeErrors, refreshPolicies,
        refreshFailures, policyDrift}) {
      f.register(registry, commonTags);
    }
    for (boolean hit : new boolean[] {true, false}) {
      FunctionCounter.builder("mtasts.cache.gets", this, m -> m.cacheGets(hit))
          .description("MTA-STS answers with a policy: served by the cached policy (hit) or fetched (miss)")
          .tags(commonTags).tag("result", hit ? "hit" : "miss")
          .register(registry);
    }
    gauge(registry, "mtasts.cache.size", "Domains with MTA-STS state in memory", null, CacheStats::domains);
    gauge(registry, "mtasts.cache.bytes", "MTA-STS policy text in memory", BaseUnits.BYTES, CacheStats::bytes);
    gauge(registry, "mtasts.fetches.running", "MTA-STS policy fetches in flight", null, CacheStats::fetchesRunning);
    gauge(registry, "mtasts.fetches.waiting", "MTA-STS policy fetches waiting for a slot", null,
        CacheStats::fetchesWaiting);
    String[] outcomes = {"completed", "failed"};
    for (int i = 0; i < outcomes.length; i++) {
      FunctionTimer.builder("mtasts.refresh.rounds", rounds[i], x -> x.count.sum(), x -> x.nanos.doubleValue(),
              TimeUnit.NANOSECONDS)
          .description("Proactive MTA-STS refresh rounds and their duration")
          .tags(commonTags).tag("outcome", outcomes[i])
          .register(registry);
    }
  }

  private void gauge(MeterRegistry registry, String name, String description, @Nullable String unit,
      ToLongFunction<CacheStats> stat) {
    Gauge.builder(name, this, m -> m.read(stat))
        .description(description)
        .baseUnit(unit)
        .tags(commonTags)
        .register(registry);
  }

  /**
   * Cache hits or misses, read from the resolution counters by source: counting them apart would
   * cost the hot path a second atomic update per answer.
   */
  private double cacheGets(boolean hits) {
    long n = 0;
    for (MtaStsMode mode : MtaStsMode.values()) {
      for (PolicySource source : PolicySource.values()) {
        if ((source != PolicySource.FETCHED) == hits) {
          n += resolutions.sum(mode.ordinal() * SOURCES + source.ordinal());
        }
      }
    }
    return n;
  }

  /** One statistic of the observed resolver, or NaN before {@link #observe}. */
  private double read(ToLongFunction<CacheStats> stat) {
    MtaStsResolver r = resolver;
    return r == null ? Double.NaN : stat.applyAsLong(r.cacheStats());
  }

  /**
   * Counts one event of the resolver; allocates nothing and never throws.
   *
   * @param event the event
   */
  @Override
  public void onEvent(MtaStsEvent event) {
    if (event instanceof MtaStsEvent.Resolved r) {
      resolved(r.resolution());
    } else if (event instanceof MtaStsEvent.PolicyFetched f) {
      fetches.increment(f.reason().ordinal() * FETCH_RESULTS);
    } else if (event instanceof MtaStsEvent.PolicyFetchFailed f) {
      fetches.increment(f.reason().ordinal() * FETCH_RESULTS + 1 + f.outcome().reason().ordinal());
    } else if (event instanceof MtaStsEvent.RefreshFailed f) {
      refreshFailures.increment(f.failure().resultType().ordinal());
    } else if (event instanceof MtaStsEvent.TxtLookupFailed f) {
      txtFailures.increment(f.failure().reason().ordinal() * 2 + (f.cachedPolicyInUse() ? 1 : 0));
    } else if (event instanceof MtaStsEvent.StoreFailed f) {
      storeErrors.increment(storeOperation(f.operation()));
    } else if (event instanceof MtaStsEvent.PolicyChangedWithoutNewId) {
      policyDrift.increment(0);
    }
  }

  private void resolved(PolicyResolution resolution) {
    if (resolution instanceof PolicyResolution.Active a) {
      resolutions.increment(a.policy().mode().ordinal() * SOURCES + a.source().ordinal());
    } else if (resolution instanceof PolicyResolution.NoPolicy n) {
      resolutions.increment(NO_POLICY_BASE + n.reason().ordinal());
    } else if (resolution instanceof PolicyResolution.Deferred d) {
      resolutions.increment(DEFERRED_BASE + d.reason().ordinal());
    }
  }

  private static int storeOperation(String operation) {
    for (int i = 0; i < STORE_OPERATIONS.length; i++) {
      if (STORE_OPERATIONS[i].equals(operation)) {
        return i;
      }
    }
    return STORE_OPERATIONS.length;
  }

  /**
   * Runs one proactive refresh round of the observed resolver ({@link MtaStsResolver#refreshDue()},
   * RFC 8461 §3.3, §10.2) and records it: its duration in {@code mtasts.refresh.rounds}, its
   * summary in {@code mtasts.refresh.policies}.
   *
   * @return the round's summary, as the resolver returns it
   * @throws IllegalStateException if no resolver was {@linkplain #observe observed}
   */
  public CompletionStage<RefreshSummary> refreshDue() {
    MtaStsResolver r = resolver;
    if (r == null) {
      throw new IllegalStateException("no resolver observed; call observe(resolver) first");
    }
    long start = ticker.getAsLong();
    CompletionStage<RefreshSummary> round;
    try {
      round = r.refreshDue();
    } catch (RuntimeException e) {
      round = CompletableFuture.failedStage(e);
    }
    return round.whenComplete((summary, failure) -> recordRound(summary, ticker.getAsLong() - start));
  }

  private void recordRound(@Nullable RefreshSummary summary, long nanos) {
    Rounds r = rounds[summary != null ? 0 : 1];
    r.count.increment();
    r.nanos.add(Math.max(0, nanos));
    if (summary != null) {
      refreshPolicies.add(0, summary.unchanged());
      refreshPolicies.add(1, summary.changedWithoutNewId());
      refreshPolicies.add(2, summary.failed());
    }
  }

  /**
   * Runs {@link #refreshDue()} now and then periodically on a scheduler the caller owns, like
   * {@link MtaStsResolver#scheduleRefreshes} (which it replaces) with each round recorded.
   *
   * @param scheduler the scheduler
   * @param period the time between the end of one round and the start of the next
   * @return the scheduled task; cancel it to stop
   * @throws IllegalArgumentException if {@code period} is not positive
   * @throws IllegalStateException if no resolver was {@linkplain #observe observed}
   */
  public ScheduledFuture<?> scheduleRefreshes(ScheduledExecutorService scheduler, Duration period) {
    Builders.positive(period, "period");
    if (resolver == null) {
      throw new IllegalStateException("no resolver observed; call observe(resolver) first");
    }
    return scheduler.scheduleWithFixedDelay(() -> {
      try {
        refreshDue().toCompletableFuture().join();
      } catch (RuntimeException e) {
        // Recorded as a failed round already; a failed round must not cancel the schedule.
        LOG.error("MTA-STS refresh round failed", e);
      }
    }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static String token(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** {@code loadAll} to {@code load-all}: the store operations in the tag style of the others. */
  private static String kebab(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /**
   * The counters of one meter name: one adder per slot, and the tags of the slots that are
   * registered (a slot without tags can never be incremented, such as a mode-none policy).
   */
  private static final class Family {
    private final String name;
    private final String description;
    private final LongAdder[] adders;
    private final @Nullable Tags[] tags;

    Family(String name, String description, int slots) {
      this.name = name;
      this.description = description;
      this.adders = new LongAdder[slots];
      this.tags = new Tags[slots];
      for (int i = 0; i < slots; i++) {
        adders[i] = new LongAdder();
      }
    }

    void tag(int slot, Tags slotTags) {
      tags[slot] = slotTags;
    }

    void increment(int slot) {
      adders[slot].increment();
    }

    void add(int slot, long n) {
      adders[slot].add(n);
    }

    long sum(int slot) {
      return adders[slot].sum();
    }

    void register(MeterRegistry registry, Iterable<Tag> common) {
      for (int i = 0; i < adders.length; i++) {
        Tags t = tags[i];
        if (t != null) {
          FunctionCounter.builder(name, adders[i], LongAdder::doubleValue)
              .description(description)
              .tags(common)
              .tags(t)
              .register(registry);
        }
      }
    }
  }

  /** The refresh rounds of one outcome: how many, and their total duration in nanoseconds. */
  private static final class Rounds {
    final LongAdder count = new LongAdder();
    final LongAdder nanos = new LongAdder();
  }

  /** Configures {@link MtaStsMetrics}; every option may be set once. */
  public static final class Builder {
    private @Nullable Tags tags;
    private @Nullable LongSupplier ticker;

    private Builder() {}

    /**
     * Sets tags added to every meter, such as the name of the MTA or of the resolver when a
     * process has several; they must be of bounded cardinality too.
     *
     * @param tags the common tags
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Builders.once(this.tags, Tags.of(tags), "tags");
      return this;
    }

    /**
     * Sets the monotonic clock that times refresh rounds, in nanoseconds; default
     * {@link System#nanoTime()}.
     *
     * @param nanos the ticker
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder ticker(LongSupplier nanos) {
      this.ticker = Builders.once(this.ticker, nanos, "ticker");
      return this;
    }

    /**
     * Builds the metrics.
     *
     * @return new metrics, counting nothing yet
     */
    public MtaStsMetrics build() {
      return new MtaStsMetrics(this);
    }
  }
}
