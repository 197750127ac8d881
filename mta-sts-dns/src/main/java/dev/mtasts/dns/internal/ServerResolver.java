package dev.mtasts.dns.internal;

import dev.mtasts.core.dns.DnsFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;

/**
 * Guards the resolver of one server: a query timeout enforced by this module, bounds on the size
 * and record count of each answer, and a failure for every RCODE other than NOERROR and NXDOMAIN.
 *
 * <p>dnsjava checks its own query timeouts on the selector thread's idle tick (one second by
 * default, and only while no socket is ready), so they can be late by a second or more under load.
 * This guard fails the query on time; dnsjava's own timeout, set to the same value, then closes the
 * abandoned socket on its next tick. The timeout covers one query to one server, including the TCP
 * retry of a truncated UDP answer.
 *
 * <p>dnsjava's {@code LookupSession} only looks at the RCODE when the answer section is empty, and
 * reports REFUSED and the other codes as one generic exception; checking here keeps SERVFAIL,
 * REFUSED and the rest apart, and lets {@code ExtendedResolver} ask the next server. A SERVFAIL
 * with an extended DNS error from 6 (DNSSEC Bogus) to 12 (RFC 8914) is a
 * {@link DnsFailure#DNSSEC_BOGUS} failure.
 *
 * <p>Every completion is handed over to the executor, so dnsjava's shared selector thread never
 * runs this module's code or the caller's callbacks.
 */
public final class ServerResolver extends ForwardingResolver {
  private final Scheduling scheduling;
  private final Duration queryTimeout;
  private final int maxAnswerSize;
  private final int maxRecords;

  /**
   * Wraps the resolver of one server.
   *
   * @param delegate dnsjava's resolver of one server
   * @param scheduling the executor and timer
   * @param queryTimeout how long one query may take
   * @param maxAnswerSize the largest answer accepted, in bytes
   * @param maxRecords the most records accepted in the answer section
   */
  public ServerResolver(Resolver delegate, Scheduling scheduling, Duration queryTimeout,
      int maxAnswerSize, int maxRecords) {
    super(delegate);
    this.scheduling = scheduling;
    this.queryTimeout = queryTimeout;
    this.maxAnswerSize = maxAnswerSize;
    this.maxRecords = maxRecords;
  }

  @Override
  public CompletionStage<Message> sendAsync(Message query, Executor executor) {
    CompletableFuture<Message> guarded = new CompletableFuture<>();
    CompletableFuture<CompletionStage<Message>> sent = new CompletableFuture<>();
    Runnable cancelTimer = scheduling.schedule(queryTimeout, () -> {
      guarded.completeExceptionally(new LookupFailure(DnsFailure.TIMEOUT, "no answer from "
          + delegate + " within " + queryTimeout));
      // Lets the transport close the abandoned socket now rather than at its own timeout.
      sent.thenAccept(stage -> stage.toCompletableFuture().cancel(false));
    });
    CompletionStage<Message> raw;
    try {
      raw = delegate.sendAsync(query, executor);
    } catch (RuntimeException e) {
      raw = CompletableFuture.failedFuture(e);
    }
    sent.complete(raw);
    raw.whenComplete((answer, error) -> {
      cancelTimer.run();
      scheduling.execute(() -> {
        Throwable problem = error != null ? error : check(answer);
        if (problem != null) {
          guarded.completeExceptionally(problem);
        } else {
          guarded.complete(answer);
        }
      });
    });
    return guarded;
  }

  private @Nullable LookupFailure check(Message answer) {
    if (!answer.getHeader().getFlag(Flags.QR)) {
      // A query is no answer (RFC 5452 §9.1, SEC-13); the UDP transport already drops these,
      // this catches them over TCP.
      return new LookupFailure(DnsFailure.MALFORMED_ANSWER,
          delegate + " sent a message with QR=0 (a query, not a response)");
    }
    int rcode = answer.getRcode();
    if (rcode == Rcode.SERVFAIL) {
      // A validating resolver says why with an extended DNS error (RFC 8914): bogus is not
      // "the server is failing", and DANE must tell them apart.
      String bogus = DnssecErrors.bogusReason(answer);
      if (bogus != null) {
        return new LookupFailure(DnsFailure.DNSSEC_BOGUS,
            delegate + " answered SERVFAIL, DNSSEC validation failed: " + bogus);
      }
    }
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      DnsFailure reason = switch (rcode) {
        case Rcode.SERVFAIL -> DnsFailure.SERVFAIL;
        case Rcode.REFUSED -> DnsFailure.REFUSED;
        default -> DnsFailure.OTHER_RCODE;
      };
      return new LookupFailure(
          reason, delegate + " answered " + Rcode.string(rcode) + " (RCODE " + rcode + ")");
    }
    if (answer.numBytes() > maxAnswerSize) {
      return new LookupFailure(DnsFailure.ANSWER_TOO_LARGE, "the answer from " + delegate
          + " has " + answer.numBytes() + " bytes; the limit is " + maxAnswerSize);
    }
    int records = answer.getSection(Section.ANSWER).size();
    if (records > maxRecords) {
      return new LookupFailure(DnsFailure.ANSWER_TOO_LARGE, "the answer from " + delegate
          + " has " + records + " records; the limit is " + maxRecords);
    }
    return null;
  }
}
