package dev.mtasts.tlsrpt.internal;

/** The member names of the RFC 8460 §4.4 JSON report. */
public final class JsonFields {
  /** {@code organization-name}. */
  public static final String ORGANIZATION_NAME = "organization-name";
  /** {@code date-range}. */
  public static final String DATE_RANGE = "date-range";
  /** {@code start-datetime}. */
  public static final String START_DATETIME = "start-datetime";
  /** {@code end-datetime}. */
  public static final String END_DATETIME = "end-datetime";
  /** {@code contact-info}. */
  public static final String CONTACT_INFO = "contact-info";
  /** {@code report-id}. */
  public static final String REPORT_ID = "report-id";
  /** {@code policies}. */
  public static final String POLICIES = "policies";
  /** {@code policy}. */
  public static final String POLICY = "policy";
  /** {@code policy-type}. */
  public static final String POLICY_TYPE = "policy-type";
  /** {@code policy-string}. */
  public static final String POLICY_STRING = "policy-string";
  /** {@code policy-domain}. */
  public static final String POLICY_DOMAIN = "policy-domain";
  /** {@code mx-host}. */
  public static final String MX_HOST = "mx-host";
  /** {@code summary}. */
  public static final String SUMMARY = "summary";
  /** {@code total-successful-session-count}. */
  public static final String TOTAL_SUCCESSFUL = "total-successful-session-count";
  /** {@code total-failure-session-count}. */
  public static final String TOTAL_FAILURE = "total-failure-session-count";
  /** {@code failure-details}. */
  public static final String FAILURE_DETAILS = "failure-details";
  /** {@code result-type}. */
  public static final String RESULT_TYPE = "result-type";
  /** {@code sending-mta-ip}. */
  public static final String SENDING_MTA_IP = "sending-mta-ip";
  /** {@code receiving-mx-hostname}. */
  public static final String RECEIVING_MX_HOSTNAME = "receiving-mx-hostname";
  /** {@code receiving-mx-helo}. */
  public static final String RECEIVING_MX_HELO = "receiving-mx-helo";
  /** {@code receiving-ip}. */
  public static final String RECEIVING_IP = "receiving-ip";
  /** {@code failed-session-count}. */
  public static final String FAILED_SESSION_COUNT = "failed-session-count";
  /** {@code additional-information}. */
  public static final String ADDITIONAL_INFORMATION = "additional-information";
  /** {@code failure-reason-code}. */
  public static final String FAILURE_REASON_CODE = "failure-reason-code";
  /** The draft-23 misspelling of {@code failure-reason-code}, accepted when parsing (RPT-13). */
  public static final String FAILURE_ERROR_CODE = "failure-error-code";
  /** The schema placeholder name of {@code additional-information}, accepted when parsing. */
  public static final String ADDITIONAL_INFO_URI = "additional-info-uri";

  private JsonFields() {}
}
