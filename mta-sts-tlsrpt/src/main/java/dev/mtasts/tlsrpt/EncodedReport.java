package dev.mtasts.tlsrpt;

import dev.mtasts.core.PolicyDomain;
import java.util.Arrays;
import java.util.Objects;

/**
 * A report ready for delivery: the gzip-compressed JSON (RPT-18), its file name and the domains
 * the delivery needs.
 *
 * @param report the report
 * @param policyDomain the policy domain of every policy in the report, for the {@code rua} lookup
 *     and the {@code TLS-Report-Domain} header field
 * @param submitter the domain of the report's {@code contact-info}, for the
 *     {@code TLS-Report-Submitter} header field (RPT-20)
 * @param uniqueId the {@code unique-id} of the file name: letters and digits
 * @param fileName the RFC 8460 §5.1 file name,
 *     {@code <submitter>!<policy-domain>!<begin>!<end>!<unique-id>.json.gz} (RPT-16, RPT-17)
 * @param content the gzip-compressed JSON, of media type {@value ReportJson#MEDIA_TYPE_GZIP}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.1">RFC 8460 §5.1</a>
 */
public record EncodedReport(
    TlsRptReport report, PolicyDomain policyDomain, String submitter, String uniqueId, String fileName,
    byte[] content) {

  /**
   * Validates the components and copies the content.
   *
   * @param report the {@code report} component
   * @param policyDomain the {@code policyDomain} component
   * @param submitter the {@code submitter} component
   * @param uniqueId the {@code uniqueId} component
   * @param fileName the {@code fileName} component
   * @param content the {@code content} component
   * @throws IllegalArgumentException if {@code uniqueId} is not 1 to 64 ASCII letters and digits
   */
  public EncodedReport {
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(policyDomain, "policyDomain");
    Objects.requireNonNull(submitter, "submitter");
    Objects.requireNonNull(fileName, "fileName");
    checkUniqueId(uniqueId);
    content = content.clone();
  }

  /**
   * Encodes a generated report: gzip-compresses its JSON and names the file (RPT-16, RPT-17).
   *
   * @param report a report with every top-level member, whose policies all belong to one domain
   * @param uniqueId the {@code unique-id} of the file name: 1 to 64 ASCII letters and digits
   * @return the encoded report
   * @throws IllegalArgumentException if the report has no policy, policies of several or unnamed
   *     domains, misses a top-level member, or {@code uniqueId} is invalid
   */
  public static EncodedReport encode(TlsRptReport report, String uniqueId) {
    checkUniqueId(uniqueId);
    if (report.policies().isEmpty()) {
      throw new IllegalArgumentException("a report to deliver has at least one policy");
    }
    String domain = report.policies().get(0).policy().policyDomain();
    for (PolicyReport p : report.policies()) {
      if (domain == null || !domain.equals(p.policy().policyDomain())) {
        throw new IllegalArgumentException("every policy of a report must name the same policy domain");
      }
    }
    PolicyDomain pd = PolicyDomain.of(Objects.requireNonNull(domain, "policy-domain"));
    String contact = Objects.requireNonNull(report.contactInfo(), "contact-info");
    String submitter = new ReporterIdentity(
        Objects.requireNonNull(report.organizationName(), "organization-name"), contact).submitter();
    DateRange range = Objects.requireNonNull(report.dateRange(), "date-range");
    String fileName = submitter + "!" + pd.name() + "!" + range.start().getEpochSecond() + "!"
        + range.end().getEpochSecond() + "!" + uniqueId + ".json.gz";
    return new EncodedReport(report, pd, submitter, uniqueId, fileName, ReportJson.toGzip(report));
  }

  private static void checkUniqueId(String uniqueId) {
    if (uniqueId.isEmpty() || uniqueId.length() > 64 || !uniqueId.chars().allMatch(
        c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      throw new IllegalArgumentException("unique-id must be 1 to 64 ASCII letters and digits (RFC 8460 §5.1), not '"
          + uniqueId + "'");
    }
  }

  /**
   * Returns a copy of the compressed report.
   *
   * @return the gzip bytes
   */
  @Override
  public byte[] content() {
    return content.clone();
  }

  /**
   * Returns the media type of {@link #content()}.
   *
   * @return {@value ReportJson#MEDIA_TYPE_GZIP} (RPT-29)
   */
  public String mediaType() {
    return ReportJson.MEDIA_TYPE_GZIP;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncodedReport e && report.equals(e.report) && policyDomain.equals(e.policyDomain)
        && submitter.equals(e.submitter) && uniqueId.equals(e.uniqueId) && fileName.equals(e.fileName)
        && Arrays.equals(content, e.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(report, policyDomain, submitter, uniqueId, fileName, Arrays.hashCode(content));
  }

  @Override
  public String toString() {
    return "EncodedReport[fileName=" + fileName + ", reportId=" + report.reportId() + ", bytes="
        + content.length + "]";
  }
}
