package dev.mtasts.owner;

import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.tls.TlsFailure;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One MX host as the checker saw it.
 *
 * @param mx the MX record
 * @param coveredByPolicy whether an {@code mx} pattern of the policy matches it (RFC 8461 §4.1);
 *     {@code true} under mode {@code none}, which matches nothing; {@code null} when no policy was
 *     fetched, so there is nothing to match (MXM-13)
 * @param probe what the SMTP probe found, or {@code null} when probing was off
 * @param certificateFailure the verdict on the certificate the host presented, as an enforcing
 *     sender makes it (RFC 8461 §4.2, MXM-13): the PKIX failure if there is one, else the name
 *     mismatch (the certificate not valid for the MX host name, MXM-7); {@code null} when the
 *     certificate is valid for the host, or when there is no certificate to judge
 */
public record MxHostCheck(MxRecord mx, @Nullable Boolean coveredByPolicy, @Nullable SmtpProbeOutcome probe,
    @Nullable TlsFailure certificateFailure) {
  /**
   * Validates the components.
   *
   * @param mx the {@code mx} component
   * @param coveredByPolicy the {@code coveredByPolicy} component
   * @param probe the {@code probe} component
   * @param certificateFailure the {@code certificateFailure} component
   */
  public MxHostCheck {
    Objects.requireNonNull(mx, "mx");
  }
}
