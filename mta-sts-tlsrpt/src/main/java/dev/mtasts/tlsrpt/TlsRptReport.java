package dev.mtasts.tlsrpt;

import dev.mtasts.core.internal.Counts;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 8460 aggregate report: the JSON document of §4.4 as a value.
 *
 * <p>Reports built by {@link #of(ReporterIdentity, DailyAggregate, String)} have every member.
 * Reports read by {@link ReportParser} may lack any member but the policy types and the counts,
 * since real senders omit them (RPT-13); such members are {@code null} here.
 *
 * @param organizationName the {@code organization-name} of the sender
 * @param dateRange the {@code date-range}
 * @param contactInfo the {@code contact-info}: an e-mail address of the sender
 * @param reportId the {@code report-id}, unique per report
 * @param policies the {@code policies}, always an array in JSON (RPT-7)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public record TlsRptReport(
    @Nullable String organizationName, @Nullable DateRange dateRange, @Nullable String contactInfo,
    @Nullable String reportId, List<PolicyReport> policies) {

  /**
   * Copies the list.
   *
   * @param organizationName the {@code organizationName} component
   * @param dateRange the {@code dateRange} component
   * @param contactInfo the {@code contactInfo} component
   * @param reportId the {@code reportId} component
   * @param policies the {@code policies} component
   */
  public TlsRptReport {
    policies = List.copyOf(policies);
  }

  /**
   * Creates the report of one policy domain's day.
   *
   * @param reporter who sends the report
   * @param aggregate the counts of the day
   * @param reportId a unique identifier; {@link ReportScheduler} uses the form
   *     {@code <day>.<token>@<submitter>} so that it can also serve as the {@code id-left "@"
   *     id-right} of the mail subject (RPT-21)
   * @return the report
   * @throws IllegalArgumentException if {@code reportId} is blank
   */
  public static TlsRptReport of(ReporterIdentity reporter, DailyAggregate aggregate, String reportId) {
    if (reportId.isBlank()) {
      throw new IllegalArgumentException("report-id must not be blank");
    }
    return new TlsRptReport(reporter.organizationName(), aggregate.dateRange(), reporter.contactInfo(),
        reportId, aggregate.policies());
  }

  /**
   * Returns the total of {@code total-successful-session-count} over all policies.
   *
   * @return the number of successful sessions, saturating at {@link Long#MAX_VALUE} (RPT-51)
   */
  public long totalSuccessfulSessionCount() {
    long n = 0;
    for (PolicyReport p : policies) {
      n = Counts.saturatingAdd(n, p.totalSuccessfulSessionCount());
    }
    return n;
  }

  /**
   * Returns the total of {@code total-failure-session-count} over all policies.
   *
   * @return the number of failed sessions, saturating at {@link Long#MAX_VALUE} (RPT-51)
   */
  public long totalFailureSessionCount() {
    long n = 0;
    for (PolicyReport p : policies) {
      n = Counts.saturatingAdd(n, p.totalFailureSessionCount());
    }
    return n;
  }
}
