package dev.mtasts.resolver.store;

import dev.mtasts.core.PolicyDomain;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PolicyStore} in this JVM's memory: nothing survives a restart. Thread-safe; every
 * stage is already complete when returned.
 */
final class InMemoryPolicyStore implements PolicyStore {
  private final ConcurrentHashMap<PolicyDomain, StoredPolicy> entries = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
    return CompletableFuture.completedStage(Optional.ofNullable(entries.get(domain)));
  }

  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    entries.merge(entry.domain(), entry, (old, neu) -> neu.supersedes(old) ? neu : old);
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    entries.remove(domain);
    return CompletableFuture.completedStage(null);
  }

  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    return CompletableFuture.completedStage(List.copyOf(entries.values()));
  }

  @Override
  public String toString() {
    return "InMemoryPolicyStore[" + entries.size() + " entries]";
  }
}
