package dev.mtasts.tlsrpt;

import dev.mtasts.core.internal.Counts;
import java.util.List;
import java.util.Objects;

/**
 * One element of a report's {@code policies} array (RFC 8460 §4.4): a policy, its session counts
 * and its failure details.
 *
 * <p>Failure types are not exclusive, so the {@code failed-session-count} values need not add up
 * to {@code total-failure-session-count} in reports from others (RPT-7); in reports this library
 * generates they always do.
 *
 * @param policy the {@code policy} object
 * @param totalSuccessfulSessionCount the {@code total-successful-session-count} (RPT-12)
 * @param totalFailureSessionCount the {@code total-failure-session-count} (RPT-12)
 * @param failureDetails the {@code failure-details} entries
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public record PolicyReport(
    ReportPolicy policy, long totalSuccessfulSessionCount, long totalFailureSessionCount,
    List<FailureDetail> failureDetails) {

  /**
   * Validates the counts and copies the list.
   *
   * @param policy the {@code policy} component
   * @param totalSuccessfulSessionCount the {@code totalSuccessfulSessionCount} component
   * @param totalFailureSessionCount the {@code totalFailureSessionCount} component
   * @param failureDetails the {@code failureDetails} component
   * @throws IllegalArgumentException if a count is negative
   */
  public PolicyReport {
    Objects.requireNonNull(policy, "policy");
    failureDetails = List.copyOf(failureDetails);
    if (totalSuccessfulSessionCount < 0 || totalFailureSessionCount < 0) {
      throw new IllegalArgumentException("session counts must not be negative");
    }
  }

  /**
   * Returns the number of sessions counted for this policy.
   *
   * @return successful plus failed sessions, {@link Long#MAX_VALUE} when the sum does not fit
   *     (the counts come from others; RPT-51)
   */
  public long totalSessionCount() {
    return Counts.saturatingAdd(totalSuccessfulSessionCount, totalFailureSessionCount);
  }
}
