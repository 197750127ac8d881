package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.resolver.store.StoredPolicy;
import java.util.HashMap;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Everything the resolver knows about one domain. Mutable fields are guarded by the instance
 * lock, except {@link #hot}, which the lock-free fast path reads, and {@link #lastUsed}, which it
 * writes.
 *
 * <p>Every time kept here is a reading of the resolver's monotonic ticker (nanoseconds), never of
 * the wall clock, so that a clock step cannot stretch or shorten a lifetime (CAC-16). Tick values
 * are compared by subtraction ({@link #before}), as {@link System#nanoTime()} requires.
 */
final class DomainState {
  final PolicyDomain domain;

  /** The answer to return without any work while the ticker is before {@code hot.untilTick}. */
  volatile @Nullable Hot hot;

  /**
   * When the domain was last asked for: an approximate LRU stamp for the memory cap (SEC-23),
   * written without a lock by the fast path; a stale read only makes eviction less exact. A
   * {@link #stamp} of the ticker, in units of about a second, so that it takes four bytes
   * (SEC-45).
   */
  int lastUsed;

  boolean loaded;
  /** Set once this state has been dropped from the resolver's map; it no longer counts. */
  boolean evicted;
  @Nullable Entry entry;
  @Nullable CompletableFuture<PolicyResolution> inflight;
  @Nullable CompletableFuture<PolicyResolution> recheckInflight;
  boolean refreshing;
  /** When the cached entry is due for its proactive refresh; meaningful while {@link #entry} is set. */
  long nextRefreshTick;
  /** Per policy id: no fetch before this tick after a failed one (FET-12). */
  @Nullable HashMap<String, Long> backoffUntil;
  /** The per-domain rate limit on new policy ids (SEC-24): when the window opened, fetches in it. */
  long rateWindowStart;
  int rateCount;

  DomainState(PolicyDomain domain, long now) {
    this.domain = domain;
    this.lastUsed = stamp(now);
  }

  /**
   * The LRU stamp of a tick: 2^30 ns (1.07 s) units, wrapping after 146 years; stamps are
   * compared by subtraction, so the wrap is harmless.
   */
  static int stamp(long tick) {
    return (int) (tick >> 30);
  }

  /** Whether tick {@code a} lies before tick {@code b}; safe across the ticker's overflow. */
  static boolean before(long a, long b) {
    return a - b < 0;
  }

  /** Whether anything is running for this domain; in-flight states are never evicted. */
  boolean busy() {
    return inflight != null || recheckInflight != null || refreshing;
  }

  /** How many bytes of policy text this state holds, as the memory cap counts them. */
  long bytes() {
    return entry == null ? 0 : entry.bytes();
  }

  /**
   * A cached policy with its parsed form and its lifetime on the ticker.
   *
   * @param stored the entry as stored, its fetch time clamped to the clock (CAC-16)
   * @param policy the parsed policy
   * @param expiresTick the tick at which it stops being valid
   * @param adoptedTick the tick at which this resolver adopted it; orders entries whatever the
   *     wall clock said when they were fetched
   */
  record Entry(StoredPolicy stored, MtaStsPolicy policy, long expiresTick, long adoptedTick) {
    boolean validAt(long tick) {
      return before(tick, expiresTick);
    }

    long bytes() {
      return stored.policyText().length();
    }
  }

  /**
   * A ready answer, itself the completed stage that the fast path returns, so that a cached
   * resolve allocates nothing and a cached domain holds one object for it (SEC-45). It cannot be
   * changed: {@code obtrudeValue} and {@code obtrudeException} throw, and every other way of
   * completing it is a no-op on a completed future; dependent stages are plain futures.
   */
  static final class Hot extends CompletableFuture<PolicyResolution> {
    /** The answer is served without work while the ticker is before this tick. */
    final long untilTick;
    /** The event the fast path sends; {@code null} when the resolver has no listener. */
    final MtaStsEvent.@Nullable Resolved event;

    Hot(long untilTick, PolicyResolution resolution, boolean withEvent) {
      super();
      this.untilTick = untilTick;
      this.event = withEvent ? new MtaStsEvent.Resolved(resolution) : null;
      super.complete(resolution);
    }

    /** Returns the answer; never null, as the constructor completes with it. */
    PolicyResolution resolution() {
      return Objects.requireNonNull(getNow(null));
    }

    @Override
    public boolean complete(PolicyResolution value) {
      return false;
    }

    @Override
    public void obtrudeValue(PolicyResolution value) {
      throw new UnsupportedOperationException("a cached MTA-STS answer cannot be changed");
    }

    @Override
    public void obtrudeException(Throwable ex) {
      throw new UnsupportedOperationException("a cached MTA-STS answer cannot be changed");
    }
  }
}
