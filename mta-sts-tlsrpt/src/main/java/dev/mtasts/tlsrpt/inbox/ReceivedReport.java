package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.tlsrpt.TlsRptReport;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A report the inbox read, with how it arrived and what its delivery got wrong.
 *
 * @param source where it came from: a file name, with {@code #n} for the n-th message of an mbox
 * @param transport mail or a saved HTTPS submission
 * @param report the report, as the tolerant {@link dev.mtasts.tlsrpt.ReportParser} read it
 * @param reportDomain the {@code TLS-Report-Domain} header value, if any (mail only)
 * @param submitter the {@code TLS-Report-Submitter} header value, if any (mail only)
 * @param dkim the DKIM outcome; {@link DkimResult#NOT_CHECKED} for HTTPS
 * @param findings what the delivery got wrong (RFC 8460 §3, §5.3); the report is kept
 * @param warnings what the parser tolerated in the JSON
 */
public record ReceivedReport(
    String source, Transport transport, TlsRptReport report, @Nullable String reportDomain,
    @Nullable String submitter, DkimResult dkim, List<InboxFinding> findings, List<String> warnings) {

  /** How a report arrived (RFC 8460 §5.3, §5.4). */
  public enum Transport {
    /** A mail: a Maildir or mbox message or an {@code .eml} file. */
    MAIL,
    /** A {@code .json} or {@code .json.gz} file: an HTTPS POST body saved by a web server. */
    HTTPS
  }

  /**
   * Copies the lists.
   *
   * @param source the {@code source} component
   * @param transport the {@code transport} component
   * @param report the {@code report} component
   * @param reportDomain the {@code reportDomain} component
   * @param submitter the {@code submitter} component
   * @param dkim the {@code dkim} component
   * @param findings the {@code findings} component
   * @param warnings the {@code warnings} component
   */
  public ReceivedReport {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(dkim, "dkim");
    findings = List.copyOf(findings);
    warnings = List.copyOf(warnings);
  }

  /**
   * Tells whether RFC 8460 §3 lets a receiver use this report: an HTTPS submission, or a mail
   * whose DKIM signature passed. The inbox keeps the others, marked, and
   * {@link ReportAggregates} leaves them out when asked to (RPT-23).
   *
   * @return {@code true} if the report is authenticated as RFC 8460 §3 requires
   */
  public boolean authenticated() {
    return transport == Transport.HTTPS || dkim.passed();
  }

  /**
   * Tells whether a finding of this code was made.
   *
   * @param code the code
   * @return {@code true} if {@link #findings()} has one
   */
  public boolean has(InboxFinding.Code code) {
    return findings.stream().anyMatch(f -> f.code() == code);
  }
}
