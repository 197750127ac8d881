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
 *
 * <p>Bounded (SEC-23): at most {@link Builder#maxEntries} entries (default 100,000) and
 * {@link Builder#maxBytes} of policy text (default 64 MiB, counted as if no text were shared), so
 * that an attacker who makes the resolver look up domain after domain cannot grow it without end.
 * When a new domain does not fit, entries are evicted: of eight sampled, an expired one, otherwise
 * the one that expires first. An evicted policy is forgotten as after a restart; a store that keeps
 * every policy is {@link FilePolicyStore} (or a shared one such as Redis).
 */
public final class InMemoryPolicyStore implements PolicyStore {
  /** Default {@link Builder#maxEntries}: 100,000, the resolver's default cache size. */
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  /** Default {@link Builder#maxBytes}: 64 MiB, the resolver's default cache byte cap. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  private static final int EVICTION_SAMPLES = 8;

  private final EntryTable entries = new EntryTable();
  private final InstantSource clock;
  private final int maxEntries;
  private final long maxBytes;
  /** Policy text held, in chars (guarded by {@code entries}). */
  private long bytes;
  private int sampleSeed = 0x9E3779B9;

  private InMemoryPolicyStore(InstantSource clock, int maxEntries, long maxBytes) {
    this.clock = clock;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
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
    long size = entry.policyText().length();
    if (size > maxBytes) {
      return CompletableFuture.completedStage(null);
    }
    synchronized (entries) {
      StoredPolicy old = entries.get(entry.domain());
      if (old == null || entry.supersedes(old, now)) {
        if (old != null) {
          entries.remove(old.domain());
          bytes -= old.policyText().length();
        }
        while (entries.size() > 0 && (entries.size() >= maxEntries || bytes + size > maxBytes)) {
          evictOne(now);
        }
        entries.put(entry);
        bytes += size;
      }
    }
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    synchronized (entries) {
      StoredPolicy old = entries.get(domain);
      if (old != null) {
        entries.remove(domain);
        bytes -= old.policyText().length();
      }
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

  /** Evicts one of a few sampled entries: an expired one, otherwise the one that expires first. */
  private void evictOne(Instant now) {
    StoredPolicy victim = null;
    for (int n = 0; n < EVICTION_SAMPLES; n++) {
      // xorshift: any spread will do; the samples only need to differ.
      sampleSeed ^= sampleSeed << 13;
      sampleSeed ^= sampleSeed >>> 17;
      sampleSeed ^= sampleSeed << 5;
      StoredPolicy e = entries.sample(sampleSeed);
      if (e == null) {
        return;
      }
      if (victim == null || e.expiresAt().isBefore(victim.expiresAt())) {
        victim = e;
      }
      if (!victim.isValidAt(now)) {
        break;
      }
    }
    if (victim != null) {
      entries.remove(victim.domain());
      bytes -= victim.policyText().length();
    }
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
    private @Nullable Integer maxEntries;
    private @Nullable Long maxBytes;

    private Builder() {}

    /**
     * Sets the most entries kept (SEC-23); default {@value InMemoryPolicyStore#DEFAULT_MAX_ENTRIES}.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxEntries(int max) {
      this.maxEntries = Builders.once(this.maxEntries, Builders.atLeast(max, 1, "maxEntries"), "maxEntries");
      return this;
    }

    /**
     * Sets the most policy text kept, in characters of the verbatim policies (SEC-23); default
     * 64 MiB. A policy larger than this is not kept.
     *
     * @param max at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder maxBytes(long max) {
      this.maxBytes = Builders.once(this.maxBytes, Builders.atLeast(max, 1L, "maxBytes"), "maxBytes");
      return this;
    }

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
      return new InMemoryPolicyStore(clock != null ? clock : InstantSource.system(),
          maxEntries != null ? maxEntries : DEFAULT_MAX_ENTRIES, maxBytes != null ? maxBytes : DEFAULT_MAX_BYTES);
    }
  }
}
