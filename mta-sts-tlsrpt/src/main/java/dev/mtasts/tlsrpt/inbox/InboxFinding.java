package dev.mtasts.tlsrpt.inbox;

import java.util.Objects;

/**
 * Something wrong with how a report was delivered, found by the inbox's checks; the report is kept
 * and marked (the report body is authoritative, RFC 8460 §5.6).
 *
 * @param code the kind of problem
 * @param message what was found, for a person (quotes the mail: escape before printing)
 */
public record InboxFinding(Code code, String message) {
  /** The kinds of problem, each with the checklist rule it applies. */
  public enum Code {
    /** No {@code TLS-Report-Domain} header field (RFC 8460 §5.3, RPT-20). */
    MISSING_REPORT_DOMAIN("RPT-20"),
    /** No {@code TLS-Report-Submitter} header field (RFC 8460 §5.3, RPT-20). */
    MISSING_REPORT_SUBMITTER("RPT-20"),
    /** {@code TLS-Report-Domain} is none of the report's policy domains (RPT-38). */
    REPORT_DOMAIN_MISMATCH("RPT-38"),
    /** {@code TLS-Report-Submitter} matches neither the contact-info nor the organization (RPT-39). */
    SUBMITTER_MISMATCH("RPT-39"),
    /** The subject does not have the form of RFC 8460 §5.3 (RPT-21). */
    SUBJECT_FORM("RPT-21"),
    /** The message is not {@code multipart/report; report-type=tlsrpt} (RPT-19). */
    NOT_MULTIPART_REPORT("RPT-19"),
    /** The report part has another media type than {@code application/tlsrpt+gzip} or {@code +json} (RPT-36). */
    REPORT_MEDIA_TYPE("RPT-36"),
    /** The mail carries no DKIM signature (RFC 8460 §3, RPT-23). */
    DKIM_MISSING("RPT-23"),
    /** The DKIM signature failed or breaks RFC 8460 §3 (RPT-22, RPT-23). */
    DKIM_FAILED("RPT-22"),
    /**
     * The counts are not believable: more than {@value ReportInbox#MAX_PLAUSIBLE_SESSIONS} sessions
     * in one policy, or one failure detail counting more sessions than the policy's total failures
     * (RPT-52). The report is still counted, with sums that saturate (RPT-51).
     */
    COUNTS_IMPLAUSIBLE("RPT-52"),
    /**
     * The {@code date-range} starts before RFC 8460 was published (2018-09-01) or more than a day
     * after the reading time, runs longer than {@value ReportInbox#MAX_DATE_RANGE_DAYS} days, or ends
     * before it starts (RPT-55). The report is not counted.
     */
    DATE_RANGE_IMPLAUSIBLE("RPT-55"),
    /**
     * A {@code policy-domain} is no valid domain name ({@link dev.mtasts.core.PolicyDomain#of}, RPT-56).
     * That policy is not counted; the report's other policies are.
     */
    POLICY_DOMAIN_INVALID("RPT-56");

    private final String checklistId;

    Code(String checklistId) {
      this.checklistId = checklistId;
    }

    /**
     * The checklist rule this finding applies.
     *
     * @return an ID such as {@code RPT-20}
     */
    public String checklistId() {
      return checklistId;
    }
  }

  /**
   * Validates the components.
   *
   * @param code the {@code code} component
   * @param message the {@code message} component
   */
  public InboxFinding {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
