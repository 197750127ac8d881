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
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link PolicyStore} in this JVM's memory: nothing survives a restart. Thread-safe; every
 * stage is already complete when returned.
 *
 * <p>Like {@link FilePolicyStore}, it hands out entries clamped to its clock
 * ({@link StoredPolicy#clampedTo}) and replaces entries by
 * {@link StoredPolicy#supersedes(StoredPolicy, Instant)} at its clock (CAC-20).
 */
public final class InMemoryPolicyStore implements PolicyStore {
  private final ConcurrentHashMap<PolicyDomain, StoredPolicy> entries = new ConcurrentHashMap<>();
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
    return CompletableFuture.completedStage(Optional.ofNullable(entries.get(domain)).map(e -> e.clampedTo(now)));
  }

  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    Objects.requireNonNull(entry, "entry");
    Instant now = clock.instant();
    entries.merge(entry.domain(), entry, (old, neu) -> neu.supersedes(old, now) ? neu : old);
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    entries.remove(domain);
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    Instant now = clock.instant();
    List<StoredPolicy> out = new ArrayList<>(entries.size());
    entries.values().forEach(e -> out.add(e.clampedTo(now)));
    return CompletableFuture.completedStage(out);
  }

  @Override
  public String toString() {
    return "InMemoryPolicyStore[" + entries.size() + " entries]";
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
