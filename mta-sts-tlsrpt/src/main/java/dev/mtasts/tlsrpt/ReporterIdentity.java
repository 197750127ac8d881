package dev.mtasts.tlsrpt;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.tlsrpt.internal.Texts;
import java.util.Objects;

/**
 * Who sends the reports: the {@code organization-name} and {@code contact-info} of every report,
 * and the submitter domain derived from the latter.
 *
 * <pre>{@code
 * ReporterIdentity me = new ReporterIdentity("Example Mail", "tlsrpt-noreply@mail.example.net");
 * me.submitter();  // "mail.example.net"
 * }</pre>
 *
 * @param organizationName the {@code organization-name}, such as {@code "Example Mail Inc."}
 * @param contactInfo the {@code contact-info}: an e-mail address (RFC 5322 addr-spec, ASCII)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public record ReporterIdentity(String organizationName, String contactInfo) {

  /**
   * Validates the components.
   *
   * @param organizationName the {@code organizationName} component
   * @param contactInfo the {@code contactInfo} component
   * @throws IllegalArgumentException if the name is blank or longer than 255 characters, or the
   *     contact is not an ASCII {@code local@domain} address with a valid domain
   */
  public ReporterIdentity {
    Objects.requireNonNull(organizationName, "organizationName");
    Objects.requireNonNull(contactInfo, "contactInfo");
    if (organizationName.isBlank() || !Texts.clean(organizationName).equals(organizationName)) {
      throw new IllegalArgumentException(
          "organization-name must be non-blank text of at most 255 characters without control characters");
    }
    if (!Texts.isAsciiAddrSpec(contactInfo)) {
      throw new IllegalArgumentException("contact-info must be an ASCII e-mail address local@domain, not '"
          + contactInfo + "'");
    }
    PolicyDomain.of(contactInfo.substring(contactInfo.lastIndexOf('@') + 1));
  }

  /**
   * Returns the submitter: the domain of {@code contact-info}, which the {@code TLS-Report-Submitter}
   * header and the {@code sender} part of the file name must equal (RPT-16, RPT-20).
   *
   * @return the lower-case domain
   */
  public String submitter() {
    return PolicyDomain.of(contactInfo.substring(contactInfo.lastIndexOf('@') + 1)).name();
  }
}
