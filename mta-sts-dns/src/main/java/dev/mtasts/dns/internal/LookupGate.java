package dev.mtasts.dns.internal;

import dev.mtasts.core.dns.DnsFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Message;
import org.xbill.DNS.Resolver;

/**
 * The resolver one lookup sees: once the lookup is over (answered or past its deadline) it sends
 * no more queries, so a CNAME chain still being followed stops instead of running on unobserved.
 */
public final class LookupGate extends ForwardingResolver {
  private volatile boolean closed;

  /**
   * Wraps the shared resolver for one lookup.
   *
   * @param delegate the shared resolver
   */
  public LookupGate(Resolver delegate) {
    super(delegate);
  }

  /** Stops sending queries. */
  public void close() {
    closed = true;
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new LookupFailure(DnsFailure.TIMEOUT, "the lookup is over; query not sent"));
    }
    return delegate.sendAsync(query, executor);
  }
}
