package dev.mtasts.owner.monitor;

import dev.mtasts.core.PolicyDomain;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where {@link MtaStsMonitor} reads what the TLS-RPT reports a domain received say (RFC 8460
 * §4): per UTC day, the sessions that succeeded and failed. The monitor uses them for
 * {@link AlertCode#READY_FOR_ENFORCE} and {@link AlertCode#REPORT_FAILURE_SPIKE}; without a
 * source, neither fires. The caller supplies it (a TLS-RPT inbox, a database, a test's map).
 *
 * <p>Contract (MON-38): bounded in time (the monitor also applies its check deadline); a failure completes
 * the stage exceptionally, and the monitor then keeps the report-derived alerts as they were.
 */
@FunctionalInterface
public interface ReportSource {

  /**
   * Returns the counts of the days from {@code from} to {@code to}, both included.
   *
   * @param domain the Policy Domain
   * @param from the first UTC day
   * @param to the last UTC day
   * @return one entry per day that had reports, in any order; a day without an entry had no
   *     report; at most one entry per day (later entries for a day are ignored)
   */
  CompletionStage<List<DailyReportCounts>> dailyCounts(PolicyDomain domain, LocalDate from, LocalDate to);
}
