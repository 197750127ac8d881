package dev.mtasts.tlsrpt;

/**
 * Counters that tell how {@link TlsRptRecorder} treated the sessions it was given, including those
 * it could not count in a report because of its memory bounds.
 *
 * @param recordedSessions sessions counted in a report (successes plus failures); like every
 *     counter here, it counts what this instance was given, not the sessions it restored from its
 *     state directory
 * @param ignoredReportDeliveries sessions that delivered reports and were therefore not counted
 *     (RPT-24)
 * @param sessionsOverPolicyLimit sessions not counted because their day already had the maximum
 *     number of distinct policies
 * @param sessionsOverDetailLimit failed sessions counted, but under the coarse
 *     {@link SessionOutcome.Failure#DETAIL_LIMIT_REASON_CODE} entry because their policy or day had
 *     the maximum number of distinct failure details, or the byte budget was spent; they are
 *     included in
 *     {@code recordedSessions}
 * @param lateSessions sessions not counted because their day had already been closed, or the
 *     recorder had been closed
 * @param discardedSessions sessions counted in a day that was dropped unreported because more days
 *     than the maximum were open (nobody closed them)
 * @param openDays the number of days currently open
 * @param sessionsOverByteBudget sessions not counted because their policy was new to its day
 *     while the recorder's byte budget was spent (RPT-31)
 * @param sessionsWithTruncatedPolicy sessions counted under a policy whose {@code policy-string}
 *     and {@code mx-host} values were shortened to {@link TlsRptRecorder#MAX_POLICY_CHARS}
 *     characters (RPT-30); they are included in {@code recordedSessions} unless a limit dropped them
 * @param estimatedBytes the estimated heap bytes the open days' counts take, charged against the
 *     byte budget (RPT-31)
 */
public record RecorderStats(
    long recordedSessions, long ignoredReportDeliveries, long sessionsOverPolicyLimit,
    long sessionsOverDetailLimit, long lateSessions, long discardedSessions, int openDays,
    long sessionsOverByteBudget, long sessionsWithTruncatedPolicy, long estimatedBytes) {

  /**
   * Validates the counters.
   *
   * @param recordedSessions the {@code recordedSessions} component
   * @param ignoredReportDeliveries the {@code ignoredReportDeliveries} component
   * @param sessionsOverPolicyLimit the {@code sessionsOverPolicyLimit} component
   * @param sessionsOverDetailLimit the {@code sessionsOverDetailLimit} component
   * @param lateSessions the {@code lateSessions} component
   * @param discardedSessions the {@code discardedSessions} component
   * @param openDays the {@code openDays} component
   * @param sessionsOverByteBudget the {@code sessionsOverByteBudget} component
   * @param sessionsWithTruncatedPolicy the {@code sessionsWithTruncatedPolicy} component
   * @param estimatedBytes the {@code estimatedBytes} component
   * @throws IllegalArgumentException if a counter is negative
   */
  public RecorderStats {
    if (recordedSessions < 0 || ignoredReportDeliveries < 0 || sessionsOverPolicyLimit < 0
        || sessionsOverDetailLimit < 0 || lateSessions < 0 || discardedSessions < 0 || openDays < 0
        || sessionsOverByteBudget < 0 || sessionsWithTruncatedPolicy < 0 || estimatedBytes < 0) {
      throw new IllegalArgumentException("counters must not be negative");
    }
  }
}
