package dev.mtasts.dns.internal;

import dev.mtasts.core.dns.DnsFailure;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;

/**
 * The resolver one lookup sees: once the lookup is over (answered or past its deadline) it sends
 * no more queries, so a CNAME chain still being followed stops instead of running on unobserved.
 *
 * <p>It also records whether every response of the lookup (one per CNAME followed) carried the AD
 * bit, which dnsjava's {@code LookupSession} does not expose: the lookup is authenticated only if
 * all were (RFC 4035 §3.2.3, RFC 6840 §5.7).
 */
public final class LookupGate extends ForwardingResolver {
  /** How the resolver below the gate authenticates answers. */
  public enum Dnssec {
    /** Not at all: the AD bit is neither asked for nor read. */
    NONE,
    /** A validating resolver that is trusted: the AD bit is asked for (RFC 6840 §5.7) and read. */
    TRUST_AD,
    /**
     * dnsjava's in-process validator: it sets AD on secure answers, clears it on all others, and
     * answers SERVFAIL to a bogus one, which becomes a {@link DnsFailure#DNSSEC_BOGUS} failure.
     */
    VALIDATOR
  }

  private final Dnssec dnssec;
  private volatile boolean closed;
  private final AtomicInteger responses = new AtomicInteger();
  private final AtomicBoolean allAuthenticated = new AtomicBoolean(true);

  /**
   * Wraps the shared resolver for one lookup, without DNSSEC.
   *
   * @param delegate the shared resolver
   */
  public LookupGate(Resolver delegate) {
    this(delegate, Dnssec.NONE);
  }

  /**
   * Wraps the shared resolver for one lookup.
   *
   * @param delegate the shared resolver
   * @param dnssec how that resolver authenticates answers
   */
  public LookupGate(Resolver delegate, Dnssec dnssec) {
    super(delegate);
    this.dnssec = dnssec;
  }

  /** Stops sending queries. */
  public void close() {
    closed = true;
  }

  /**
   * Tells whether the lookup got at least one response and every response was authenticated.
   *
   * @return whether the lookup's answer is DNSSEC-authenticated
   */
  public boolean authenticated() {
    return dnssec != Dnssec.NONE && responses.get() > 0 && allAuthenticated.get();
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new LookupFailure(DnsFailure.TIMEOUT, "the lookup is over; query not sent"));
    }
    if (dnssec == Dnssec.NONE) {
      return delegate.sendAsync(query, executor);
    }
    Message sent = query;
    if (dnssec == Dnssec.TRUST_AD) {
      sent = query.clone();
      sent.getHeader().setFlag(Flags.AD);
    }
    return delegate.sendAsync(sent, executor).thenCompose(answer -> {
      if (dnssec == Dnssec.VALIDATOR && answer.getRcode() == Rcode.SERVFAIL) {
        // Failures of the servers below fail the stage instead; a SERVFAIL message here can only
        // come from the validator itself.
        String why = DnssecErrors.bogusReason(answer);
        return CompletableFuture.failedFuture(new LookupFailure(DnsFailure.DNSSEC_BOGUS,
            "DNSSEC validation failed" + (why == null ? "" : ": " + why)));
      }
      if (!answer.getHeader().getFlag(Flags.AD)) {
        allAuthenticated.set(false);
      }
      responses.incrementAndGet();
      return CompletableFuture.completedFuture(answer);
    });
  }
}
