package dev.mtasts.core.fetch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a policy or MX host presented: enough to report and check a certificate without keeping
 * the certificate itself.
 *
 * @param subject the subject distinguished name (RFC 2253)
 * @param issuer the issuer distinguished name
 * @param dnsNames the DNS-ID subject alternative names, in certificate order
 * @param notBefore start of validity
 * @param notAfter end of validity
 * @param sha256Fingerprint the SHA-256 of the DER encoding, lower-case hex
 */
public record CertificateSummary(
    String subject, String issuer, List<String> dnsNames, Instant notBefore, Instant notAfter,
    String sha256Fingerprint) {

  /**
   * Copies the names and checks the components.
   *
   * @param subject the {@code subject} component
   * @param issuer the {@code issuer} component
   * @param dnsNames the {@code dnsNames} component
   * @param notBefore the {@code notBefore} component
   * @param notAfter the {@code notAfter} component
   * @param sha256Fingerprint the {@code sha256Fingerprint} component
   */
  public CertificateSummary {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    Objects.requireNonNull(sha256Fingerprint, "sha256Fingerprint");
    dnsNames = List.copyOf(dnsNames);
  }

  /**
   * Returns the time left until the certificate expires; negative once it has.
   *
   * @param now the current time
   * @return {@code notAfter - now}
   */
  public Duration timeToExpiry(Instant now) {
    return Duration.between(now, notAfter);
  }
}
