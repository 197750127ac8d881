package dev.mtasts.owner.monitor;

import dev.mtasts.core.internal.Counts;
import java.time.LocalDate;
import java.util.Objects;

/**
 * The TLS sessions that received TLS-RPT reports (RFC 8460 §4.3) counted for one domain on one UTC
 * day: the {@code total-successful-session-count} and {@code total-failure-session-count} summed
 * over every report of that day.
 *
 * @param day the UTC day
 * @param successfulSessions sessions that negotiated TLS as the policy demands, at least 0
 * @param failedSessions sessions that failed, at least 0
 */
public record DailyReportCounts(LocalDate day, long successfulSessions, long failedSessions) {
  /**
   * Validates the components.
   *
   * @param day the {@code day} component
   * @param successfulSessions the {@code successfulSessions} component
   * @param failedSessions the {@code failedSessions} component
   * @throws IllegalArgumentException if a count is negative
   */
  public DailyReportCounts {
    Objects.requireNonNull(day, "day");
    if (successfulSessions < 0 || failedSessions < 0) {
      throw new IllegalArgumentException("session counts are at least 0");
    }
  }

  /**
   * Returns every session counted.
   *
   * @return successful plus failed, saturating at {@link Long#MAX_VALUE}
   */
  public long sessions() {
    return Counts.saturatingAdd(successfulSessions, failedSessions);
  }
}
