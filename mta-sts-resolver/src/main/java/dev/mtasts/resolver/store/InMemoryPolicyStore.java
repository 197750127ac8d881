package dev.mtasts.resolver.store;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.Builders;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PolicyStore} in this JVM's memory: nothing survives a restart. Thread-safe; every
 * stage is already complete when returned.
 *
 * <p>Like {@link FilePolicyStore}, it hands out entries clamped to its clock
 * ({@link StoredPolicy#clampedTo}) and replaces entries by
 * {@link StoredPolicy#supersedes(StoredPolicy, Instant)} at its clock (CAC-20).
 *
 * <p>Entries are kept in one open-addressing table keyed by their domain, without a map node
 * per entry: about 4 to 11 bytes per entry beyond the {@link StoredPolicy} itself, which a
 * resolver using this store shares with its own cache (SEC-45). Operations take one lock; they
 * run on cache misses and saves, never on a resolver's cached answers.
 */
public final class InMemoryPolicyStore implements PolicyStore {
  private final EntryTable entries = new EntryTable();
  private final InstantSource clock;

  private InMemoryPolicyStore(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    Instant now = clock.instant();
    StoredPolicy e;
    synchronized (entries) {
      e = entries.get(domain);
    }
    return CompletableFuture.completedStage(e == null ? Optional.empty() : Optional.of(e.clampedTo(now)));
  }

  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    Objects.requireNonNull(entry, "entry");
    Instant now = clock.instant();
    synchronized (entries) {
      StoredPolicy old = entries.get(entry.domain());
      if (old == null || entry.supersedes(old, now)) {
        entries.put(entry);
      }
    }
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    synchronized (entries) {
      entries.remove(domain);
    }
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    Instant now = clock.instant();
    List<StoredPolicy> out;
    synchronized (entries) {
      out = entries.values();
    }
    out.replaceAll(e -> e.clampedTo(now));
    return CompletableFuture.completedStage(out);
  }

  @Override
  public String toString() {
    int size;
    synchronized (entries) {
      size = entries.size();
    }
    return "InMemoryPolicyStore[" + size + " entries]";
  }

  /** Builds an {@link InMemoryPolicyStore}; every option may be set once. */
  public static final class Builder {
    private @Nullable InstantSource clock;

    private Builder() {}

    /**
     * Sets the clock that loads clamp to and saves compare with (CAC-20); default: the system
     * clock.
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
     * Creates the store, empty.
     *
     * @return the store
     */
    public InMemoryPolicyStore build() {
      return new InMemoryPolicyStore(clock != null ? clock : InstantSource.system());
    }
  }
}
