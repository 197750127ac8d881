package dev.mtasts.resolver;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.resolver.store.StoredPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive refresh rounds of a resolver (CAC-8, CAC-9, CAC-17, CAC-18): which cached policies
 * are due, re-fetching them whatever the TXT record says, reporting failures, and forgetting state
 * that holds nothing valid. The resolve path stays in {@link MtaStsResolver}; this class uses its
 * guarded SPI calls, so every round completes by the fetch and store deadlines (SEC-25).
 */
final class RefreshRounds {
  private static final Logger LOG = LoggerFactory.getLogger(MtaStsResolver.class);

  /** How a refresh of one domain ended, counted in the {@link RefreshSummary}. */
  private enum Result { UNCHANGED, CHANGED, FAILED }

  private final MtaStsResolver r;
  private volatile boolean allLoaded;

  RefreshRounds(MtaStsResolver resolver) {
    this.r = resolver;
  }

  CompletionStage<RefreshSummary> refreshDue() {
    return ensureAllLoaded().thenComposeAsync(v -> {
      long now = r.ticker.getAsLong();
      List<CompletableFuture<Result>> refreshes = new ArrayList<>();
      for (DomainState s : r.states.values()) {
        DomainState.Entry entry;
        synchronized (s) {
          entry = s.entry;
          if (isStale(s, now)) {
            // Nothing valid to keep and nothing in flight: the store (if any) still has the entry.
            r.forget(s);
            continue;
          }
          // CAC-17: mode none is refreshed like any policy; only its alerts are waived (CAC-9).
          if (entry == null || s.refreshing || !entry.validAt(now) || DomainState.before(now, s.nextRefreshTick)) {
            continue;
          }
          s.refreshing = true;
        }
        refreshes.add(refresh(s, entry).toCompletableFuture());
      }
      return CompletableFuture.allOf(refreshes.toArray(new CompletableFuture<?>[0])).thenApply(x -> {
        int[] counts = new int[Result.values().length];
        for (CompletableFuture<Result> f : refreshes) {
          counts[f.join().ordinal()]++;
        }
        return new RefreshSummary(refreshes.size(), counts[Result.UNCHANGED.ordinal()],
            counts[Result.CHANGED.ordinal()], counts[Result.FAILED.ordinal()]);
      });
    }, r.executor);
  }

  /** Whether a domain's state holds nothing worth keeping in memory; called under its lock. */
  private static boolean isStale(DomainState s, long now) {
    DomainState.Hot h = s.hot;
    boolean hotExpired = h == null || !DomainState.before(now, h.untilTick);
    boolean noValidEntry = s.entry == null || !s.entry.validAt(now);
    boolean noBackoff = s.backoffUntil == null
        || s.backoffUntil.values().stream().noneMatch(t -> DomainState.before(now, t));
    return noValidEntry && hotExpired && noBackoff && !s.busy();
  }

  private CompletionStage<Result> refresh(DomainState s, DomainState.Entry previous) {
    Instant now = r.clock.instant();
    long tick = r.ticker.getAsLong();
    PolicyDomain domain = s.domain;
    return r.fetch(domain).thenComposeAsync(outcome -> {
      if (outcome instanceof PolicyFetchOutcome.Failed failed) {
        Duration left = Duration.ofNanos(Math.max(0, previous.expiresTick() - tick));
        synchronized (s) {
          s.refreshing = false;
          s.nextRefreshTick = tick + r.refreshRetryNanos;
        }
        r.emit(new MtaStsEvent.PolicyFetchFailed(domain, FetchReason.REFRESH, failed, previous.stored(), now));
        if (previous.policy().mode() == MtaStsMode.NONE) {
          // CAC-9, CAC-10: no alert for a policy that enforces nothing.
          LOG.info("Proactive refresh of the MTA-STS policy of {} (mode none) failed ({} {})", domain,
              failed.reason(), failed.message());
        } else {
          LOG.warn("Proactive refresh of the MTA-STS policy of {} failed ({} {}); the cached policy expires in {}",
              domain, failed.reason(), failed.message(), Durations.human(left));
          r.emit(new MtaStsEvent.RefreshFailed(domain, previous.stored(), failed, left));
        }
        return CompletableFuture.completedStage(Result.FAILED);
      }
      PolicyFetchOutcome.Fetched fetched = (PolicyFetchOutcome.Fetched) outcome;
      r.emit(new MtaStsEvent.PolicyFetched(domain, FetchReason.REFRESH, fetched, now));
      String id = previous.stored().policyId();
      DomainState.Entry entry = r.adopt(s, id, fetched, now, tick);
      boolean changed = !previous.policy().equals(entry.policy());
      if (changed) {
        r.driftDetected(domain, id, previous.policy(), entry.policy());
      }
      synchronized (s) {
        s.refreshing = false;
        // The cached answer still names the old fetch time; let the next call rebuild it.
        s.hot = null;
      }
      return r.save(domain, entry.stored()).thenApply(x -> changed ? Result.CHANGED : Result.UNCHANGED);
    }, r.executor);
  }

  /** Loads every stored entry once, so that refreshes continue after a restart (CAC-8, CAC-18). */
  @SuppressWarnings("NullAway") // a Void stage completes with null by design
  private CompletionStage<Void> ensureAllLoaded() {
    if (allLoaded) {
      return CompletableFuture.completedStage(null);
    }
    return r.guarded(() -> r.store.loadAll().thenApply(all -> {
      for (StoredPolicy stored : all) {
        r.install(r.state(stored.domain()), stored);
      }
      allLoaded = true;
      return null;
    }), r.storeTimeout, t -> {
      LOG.warn("Could not list the MTA-STS policy store; refreshing only policies in memory: {}", t.toString());
      return null;
    });
  }

  ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Duration period) {
    Objects.requireNonNull(scheduler, "scheduler");
    Builders.positive(period, "period");
    // CAC-18: the first round runs at once, so stored policies are loaded and refreshed at start.
    return scheduler.scheduleWithFixedDelay(() -> {
      try {
        refreshDue().toCompletableFuture().join();
      } catch (RuntimeException | Error e) {
        // A failed round must not cancel the schedule.
        LOG.error("MTA-STS refresh round failed", e);
      }
    }, 0, period.toNanos(), TimeUnit.NANOSECONDS);
  }
}
