package dev.mtasts.tlsrpt.inbox;

import java.util.List;

/**
 * What the inbox read: the reports, one per report-id, and the inputs it skipped.
 *
 * @param reports the reports, in the order read, each sender's report-id once (RPT-41, RPT-54)
 * @param rejected the inputs that held no usable report, with the reason
 * @param duplicates how many reports were dropped because a report of the same sender with the same
 *     report-id was already kept
 */
public record InboxResult(List<ReceivedReport> reports, List<RejectedInput> rejected, int duplicates) {
  /**
   * Copies the lists.
   *
   * @param reports the {@code reports} component
   * @param rejected the {@code rejected} component
   * @param duplicates the {@code duplicates} component
   */
  public InboxResult {
    reports = List.copyOf(reports);
    rejected = List.copyOf(rejected);
    if (duplicates < 0) {
      throw new IllegalArgumentException("duplicates must not be negative");
    }
  }
}
