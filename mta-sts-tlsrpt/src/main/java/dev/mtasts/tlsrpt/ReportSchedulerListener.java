package dev.mtasts.tlsrpt;

import java.time.Instant;

/**
 * Hears what {@link ReportScheduler} does with each report, for logs and metrics. Every method
 * has an empty default; exceptions thrown by a listener are logged and otherwise ignored.
 * Methods are called from whatever thread completes the work, never while the scheduler holds its
 * lock.
 */
public interface ReportSchedulerListener {

  /** How the handling of a report ended. */
  enum Outcome {
    /** At least one {@code rua} endpoint accepted the report (RPT-5). */
    DELIVERED,
    /** No endpoint accepted the report before the retry period ended or a permanent failure. */
    NOT_DELIVERED,
    /** The policy domain publishes no valid {@code _smtp._tls} record (RPT-3). */
    NO_TLSRPT_RECORD,
    /** The record lists no {@code rua} URI a configured delivery supports (RPT-4). */
    NO_SUPPORTED_RUA
  }

  /**
   * A day was closed and its report for a domain is waiting for its send time (RPT-8).
   *
   * @param report the report
   * @param sendAt when the first delivery attempt is due
   */
  default void scheduled(EncodedReport report, Instant sendAt) {}

  /**
   * An endpoint accepted the report.
   *
   * @param report the report
   * @param result the delivery result
   */
  default void delivered(EncodedReport report, DeliveryOutcome.Delivered result) {}

  /**
   * A delivery attempt to one endpoint failed.
   *
   * @param report the report
   * @param result the failure
   */
  default void deliveryFailed(EncodedReport report, DeliveryOutcome.Failed result) {}

  /**
   * Some endpoint (or the DNS lookup) failed retryably, and another attempt is scheduled (RPT-27).
   *
   * @param report the report
   * @param at when the next attempt is due
   * @param attempt the number of the next attempt, 2 or more
   */
  default void retryScheduled(EncodedReport report, Instant at, int attempt) {}

  /**
   * The scheduler is done with a report.
   *
   * @param report the report
   * @param outcome how it ended
   * @param detail a human-readable explanation
   */
  default void finished(EncodedReport report, Outcome outcome, String detail) {}
}
