package dev.mtasts.resolver.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The answer of {@link PolicyStore#acquireFetch}: whether this node may fetch a domain's policy now
 * or another node sharing the store is fetching it (CAC-35). RFC 8461 §3.2 and §5.1 let senders
 * share a cache; the lease extends the resolver's single flight across them, so that N nodes
 * resolving one cold domain at once cause one fetch. A store that records failed fetches
 * ({@link PolicyStore#recordFetchFailure}) answers {@link BackedOff} while a node's recent failure
 * of the same (domain, id) holds the whole fleet back (CAC-36).
 */
public sealed interface FetchLease permits FetchLease.Granted, FetchLease.HeldElsewhere, FetchLease.BackedOff {

  /**
   * Returns a lease that needs no release: what a store not shared with other nodes grants.
   *
   * @return the local lease
   */
  static Granted local() {
    return Granted.LOCAL;
  }

  /**
   * This node holds the lease and fetches; it calls {@link #release()} once the fetched policy is
   * saved (or the fetch failed), so the nodes waiting for it stop waiting.
   */
  final class Granted implements FetchLease {
    private static final Granted LOCAL = new Granted(() -> CompletableFuture.completedStage(null));
    private final Supplier<? extends CompletionStage<Void>> release;

    /**
     * Creates a granted lease.
     *
     * @param release gives up the lease (a lease that lapsed meanwhile must be left alone)
     */
    public Granted(Supplier<? extends CompletionStage<Void>> release) {
      this.release = Objects.requireNonNull(release, "release");
    }

    /**
     * Gives up the lease before its end.
     *
     * @return a stage that completes when the lease is released
     */
    public CompletionStage<Void> release() {
      return release.get();
    }
  }

  /**
   * Another node holds the lease and is fetching; this node waits for the entry to appear in the
   * store, at most until the lease ends, then fetches itself.
   *
   * @param remaining how long the other node's lease still runs (zero or more)
   */
  record HeldElsewhere(Duration remaining) implements FetchLease {
    /**
     * Validates the remaining time.
     *
     * @param remaining how long the other node's lease still runs
     * @throws IllegalArgumentException if negative
     */
    public HeldElsewhere {
      Objects.requireNonNull(remaining, "remaining");
      if (remaining.isNegative()) {
        throw new IllegalArgumentException("remaining must not be negative, got " + remaining);
      }
    }
  }

  /**
   * A node sharing the store failed to fetch this (domain, id) recently: no node fetches it again
   * until the back-off ends (CAC-36, FET-12 across nodes). The resolver answers as after its own
   * failed fetch: a valid cached policy stays in use, otherwise there is no policy for now.
   *
   * @param remaining how long the back-off still runs (zero or more)
   */
  record BackedOff(Duration remaining) implements FetchLease {
    /**
     * Validates the remaining time.
     *
     * @param remaining how long the back-off still runs
     * @throws IllegalArgumentException if negative
     */
    public BackedOff {
      Objects.requireNonNull(remaining, "remaining");
      if (remaining.isNegative()) {
        throw new IllegalArgumentException("remaining must not be negative, got " + remaining);
      }
    }
  }
}
