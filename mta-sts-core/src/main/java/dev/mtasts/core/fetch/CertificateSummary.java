package dev.mtasts.core.fetch;

import dev.mtasts.core.tls.CertificateNames;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

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
   * Summarizes a certificate.
   *
   * @param certificate the certificate, usually the leaf a server presented
   * @return its subject and issuer in RFC 2253 form, its DNS-IDs (as
   *     {@link CertificateNames#dnsNames(X509Certificate)} reads them), its validity and the SHA-256 of
   *     its DER encoding
   * @throws IllegalArgumentException if the certificate cannot be DER-encoded
   */
  public static CertificateSummary of(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    byte[] der;
    try {
      der = certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("the certificate cannot be DER-encoded: " + e.getMessage(), e);
    }
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(der);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    return new CertificateSummary(
        certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
        certificate.getIssuerX500Principal().getName(X500Principal.RFC2253),
        CertificateNames.dnsNames(certificate),
        certificate.getNotBefore().toInstant(),
        certificate.getNotAfter().toInstant(),
        HexFormat.of().formatHex(digest));
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
