package dev.mtasts.resolver.store;

import dev.mtasts.core.PolicyDomain;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A {@link PolicyStore} that hands every call to another store, to be subclassed by decorators
 * (as Guava's {@code Forwarding*} classes): override one method to change that operation, or
 * {@link #forward} to change them all (log, count, time, hold or fail every call).
 *
 * <p>Every method of {@link PolicyStore} is forwarded, the defaulted ones too: a decorator that
 * implements {@code PolicyStore} by hand and forgets {@link #acquireFetch} or
 * {@link #recordFetchFailure} silently falls back to the interface's node-local defaults, and a
 * fleet sharing a Redis store then fetches once per node and ignores the others' back-off
 * (CAC-35, CAC-36). The contract of {@link PolicyStore} (atomic writes, convergent saves,
 * clamped loads) is the delegate's; this class adds no state, no thread and no lock.
 *
 * <pre>{@code
 * PolicyStore down = new ForwardingPolicyStore(PolicyStore.inMemory()) {
 *   @Override
 *   protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
 *     return CompletableFuture.failedStage(new IOException("store down"));
 *   }
 * };
 * PolicyStore counted = new ForwardingPolicyStore(redisStore) {
 *   @Override
 *   public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
 *     loads.incrementAndGet();
 *     return super.load(domain);
 *   }
 * };
 * }</pre>
 */
public abstract class ForwardingPolicyStore implements PolicyStore {
  private final PolicyStore delegate;

  /**
   * Creates a store that forwards to {@code delegate}.
   *
   * @param delegate the store that does the work
   */
  protected ForwardingPolicyStore(PolicyStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /**
   * Returns the store that every call is forwarded to.
   *
   * @return the delegate
   */
  protected final PolicyStore delegate() {
    return delegate;
  }

  /**
   * Makes one forwarded call; every method of this class goes through here. The default calls
   * {@code call}; override it to act on every operation alike.
   *
   * @param operation the {@link PolicyStore} method's name: {@code load}, {@code save},
   *     {@code delete}, {@code loadAll}, {@code acquireFetch} or {@code recordFetchFailure}, as in
   *     {@link dev.mtasts.resolver.MtaStsEvent.StoreFailed#operation()}
   * @param call calls the delegate's method
   * @param <T> the operation's result
   * @return the operation's stage
   */
  protected <T> CompletionStage<T> forward(String operation, Supplier<CompletionStage<T>> call) {
    return call.get();
  }

  @Override
  public CompletionStage<Optional<StoredPolicy>> load(PolicyDomain domain) {
    return forward("load", () -> delegate.load(domain));
  }

  @Override
  public CompletionStage<Void> save(StoredPolicy entry) {
    return forward("save", () -> delegate.save(entry));
  }

  @Override
  public CompletionStage<Void> delete(PolicyDomain domain) {
    return forward("delete", () -> delegate.delete(domain));
  }

  @Override
  public CompletionStage<List<StoredPolicy>> loadAll() {
    return forward("loadAll", delegate::loadAll);
  }

  @Override
  public CompletionStage<FetchLease> acquireFetch(PolicyDomain domain, String policyId, Duration lease) {
    return forward("acquireFetch", () -> delegate.acquireFetch(domain, policyId, lease));
  }

  @Override
  public CompletionStage<Void> recordFetchFailure(PolicyDomain domain, String policyId, Duration backoff) {
    return forward("recordFetchFailure", () -> delegate.recordFetchFailure(domain, policyId, backoff));
  }

  @Override
  public String toString() {
    return "ForwardingPolicyStore[" + delegate + "]";
  }
}
