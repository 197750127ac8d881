package dev.mtasts.resolver.store;

import dev.mtasts.core.PolicyDomain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Persistence for cached policies, designed so that local and networked stores fit alike.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Every operation is asynchronous; a stage that completes exceptionally means "the store is
 *       unavailable" and the resolver applies its configured store-failure behaviour.
 *   <li>{@link #save} never replaces an entry with one that was fetched earlier
 *       ({@link StoredPolicy#supersedes(StoredPolicy, java.time.Instant)} at the store's clock,
 *       which also lets a real fetch replace an entry dated in the future), so several resolvers
 *       sharing a store converge (CAC-20).
 *   <li>Loads hand out entries clamped to the store's clock ({@link StoredPolicy#clampedTo}).
 *   <li>A write is atomic: after a crash a reader sees the old entry or the new one, never a mix
 *       (nothing is lost: a cached policy survives restarts and failed refreshes).
 *   <li>An entry that cannot be read back is reported, set aside and treated as absent (when it
 *       cannot even be set aside, it is reported and treated as absent each time); it never fails
 *       other entries, a load or a refresh round (CAC-21).
 * </ul>
 */
public interface PolicyStore {

  /**
   * Loads the entry for a domain.
   *
   * @param domain the Policy Domain
   * @return the entry, or empty when none is stored
   */
  CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain);

  /**
   * Stores an entry unless a newer one for the same domain is already stored.
   *
   * @param entry the entry
   * @return a stage that completes when the entry is durable (or was superseded)
   */
  CompletionStage<Void> save(StoredPolicy entry);

  /**
   * Removes the entry for a domain, if any.
   *
   * @param domain the Policy Domain
   * @return a stage that completes when the entry is gone
   */
  CompletionStage<Void> delete(PolicyDomain domain);

  /**
   * Loads every entry, for scheduling proactive refreshes after a restart (CAC-8).
   *
   * @return all entries, in no particular order
   */
  CompletionStage<List<StoredPolicy>> loadAll();

  /**
   * Asks for the right to fetch a domain's policy id now, for {@code lease} at most (CAC-35): a
   * store shared by several nodes grants it to one of them at a time, so that N nodes resolving one
   * cold domain cause one fetch, and a node that dies holding it delays the others by at most
   * {@code lease}. The resolver asks before each fetch of a policy it does not hold; a failure or
   * a missed deadline means "fetch anyway": delivery never waits on the lease.
   *
   * <p>The default, right for a store only this node uses, always grants at once.
   *
   * @param domain the Policy Domain
   * @param policyId the TXT record's id about to be fetched
   * @param lease how long the lease lasts unless released
   * @return {@link FetchLease.Granted} or {@link FetchLease.HeldElsewhere}
   */
  default CompletionStage<FetchLease> acquireFetch(PolicyDomain domain, String policyId, Duration lease) {
    return CompletableFuture.completedStage(FetchLease.local());
  }

  /**
   * Records that this node's fetch of a domain's policy id failed, so that the other nodes sharing
   * the store back off it too (CAC-36, FET-12 across nodes): until {@code backoff} has passed,
   * {@link #acquireFetch} for the same (domain, id) answers {@link FetchLease.BackedOff}; a new id
   * is not affected. The resolver records before it releases the fetch lease, and ignores a failure
   * or a missed deadline here (the fleet then merely fetches again).
   *
   * <p>The default, right for a store only this node uses (the resolver keeps its own back-off in
   * memory), records nothing.
   *
   * @param domain the Policy Domain
   * @param policyId the TXT record's id whose fetch failed
   * @param backoff how long no node should fetch it again
   * @return a stage that completes when the failure is recorded
   */
  default CompletionStage<Void> recordFetchFailure(PolicyDomain domain, String policyId, Duration backoff) {
    return CompletableFuture.completedStage(null);
  }

  /**
   * Returns a store that keeps entries in this JVM's memory only; the resolver's default.
   *
   * @return a new, empty in-memory store on the system clock; see {@link InMemoryPolicyStore#builder()}
   */
  static PolicyStore inMemory() {
    return InMemoryPolicyStore.builder().build();
  }

  /**
   * Returns a store that keeps one file per domain in a directory, written atomically and
   * durably; see {@link FilePolicyStore}.
   *
   * @param directory the directory, created if missing
   * @return the store
   * @throws java.io.UncheckedIOException if the directory cannot be created
   */
  static FilePolicyStore inDirectory(Path directory) {
    return FilePolicyStore.open(directory);
  }
}
