package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.resolver.store.StoredPolicy;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Everything the resolver knows about one domain. Mutable fields are guarded by the instance
 * lock, except {@link #hot}, which the lock-free fast path reads.
 */
final class DomainState {
  final PolicyDomain domain;

  /** The answer to return without any work while {@code now < hot.untilMillis}. */
  volatile @Nullable Hot hot;

  boolean loaded;
  @Nullable Entry entry;
  @Nullable CompletableFuture<PolicyResolution> inflight;
  @Nullable CompletableFuture<PolicyResolution> recheckInflight;
  boolean refreshing;
  long nextRefreshMillis = Long.MAX_VALUE;
  /** Per policy id: no fetch before this time after a failed one (FET-12). */
  @Nullable HashMap<String, Long> backoffUntil;

  DomainState(PolicyDomain domain) {
    this.domain = domain;
  }

  /** A cached policy with its parsed form. */
  record Entry(StoredPolicy stored, MtaStsPolicy policy, long expiresMillis) {
    boolean validAt(long nowMillis) {
      return nowMillis < expiresMillis;
    }
  }

  /** A ready answer; the stage and the event are built once so the fast path allocates nothing. */
  record Hot(long untilMillis, PolicyResolution resolution, CompletionStage<PolicyResolution> stage,
      MtaStsEvent.Resolved event) {
    static Hot of(long untilMillis, PolicyResolution resolution) {
      return new Hot(untilMillis, resolution, CompletableFuture.completedStage(resolution),
          new MtaStsEvent.Resolved(resolution));
    }
  }
}
