package dev.mtasts.core.tls;

import dev.mtasts.core.internal.Text;
import dev.mtasts.core.TlsRptResultType;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A classified TLS failure (certificate, name or MX policy mismatch): the RFC 8460 result type,
 * the {@code failure-reason-code}
 * for the report (RPT-15) and a message.
 *
 * @param resultType the result type
 * @param reasonCode an OpenSSL-style code such as {@code X509_V_ERR_CERT_HAS_EXPIRED}
 * @param message what was wrong, for people
 */
public record TlsFailure(TlsRptResultType resultType, String reasonCode, String message) {

  /** Reason code of a host name mismatch. */
  public static final String HOSTNAME_MISMATCH = "X509_V_ERR_HOSTNAME_MISMATCH";

  /**
   * Validates the components.
   *
   * @param resultType the {@code resultType} component
   * @param reasonCode the {@code reasonCode} component
   * @param message the {@code message} component
   */
  public TlsFailure {
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(reasonCode, "reasonCode");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Classifies an exception from PKIX validation (a trust manager or a TLS handshake).
   *
   * @param failure the exception, with its causes
   * @param chain the chain presented, to tell a self-signed certificate apart; may be empty
   * @return {@code certificate-expired} for expired or not yet valid certificates,
   *     {@code certificate-not-trusted} for path building and chain errors, else
   *     {@code validation-failure}
   */
  public static TlsFailure classify(Throwable failure, X509Certificate[] chain) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED",
            "the certificate has expired: " + Text.message(t));
      }
      if (t instanceof CertificateNotYetValidException) {
        return new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_NOT_YET_VALID",
            "the certificate is not yet valid: " + Text.message(t));
      }
      if (t instanceof CertPathValidatorException v) {
        CertPathValidatorException.Reason reason = v.getReason();
        if (reason == CertPathValidatorException.BasicReason.EXPIRED) {
          return new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED",
              "a certificate in the chain has expired");
        }
        if (reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
          return new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_NOT_YET_VALID",
              "a certificate in the chain is not yet valid");
        }
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
          return new TlsFailure(TlsRptResultType.CERTIFICATE_NOT_TRUSTED, "X509_V_ERR_CERT_REVOKED",
              "a certificate in the chain is revoked");
        }
      }
      if (t instanceof CertPathBuilderException) {
        return notTrusted(chain, t);
      }
    }
    String text = Text.message(failure);
    if (text.contains("PKIX path building failed") || text.contains("unable to find valid certification path")) {
      return notTrusted(chain, failure);
    }
    if (text.contains("PKIX path validation failed")) {
      return new TlsFailure(TlsRptResultType.CERTIFICATE_NOT_TRUSTED, "X509_V_ERR_CERT_CHAIN_INVALID",
          "the certificate chain is invalid: " + text);
    }
    return new TlsFailure(TlsRptResultType.VALIDATION_FAILURE, "X509_V_ERR_UNSPECIFIED",
        "certificate validation failed: " + text);
  }

  /**
   * Describes a certificate whose DNS-IDs do not cover the host (FET-3, MXM-7).
   *
   * @param leaf the leaf certificate
   * @param host the host dialled
   * @return a {@code certificate-host-mismatch} failure naming the names presented
   */
  public static TlsFailure hostMismatch(X509Certificate leaf, String host) {
    var names = CertificateNames.dnsNames(leaf);
    String presented = names.isEmpty()
        ? "no DNS subject alternative name (subject " + leaf.getSubjectX500Principal().getName()
            + "; the CN is not used)"
        : "DNS names " + names;
    return new TlsFailure(TlsRptResultType.CERTIFICATE_HOST_MISMATCH, HOSTNAME_MISMATCH,
        "the certificate is not valid for " + host + ": it has " + presented);
  }

  private static TlsFailure notTrusted(X509Certificate[] chain, Throwable t) {
    boolean selfSigned = chain.length == 1
        && chain[0].getSubjectX500Principal().equals(chain[0].getIssuerX500Principal());
    return new TlsFailure(TlsRptResultType.CERTIFICATE_NOT_TRUSTED,
        selfSigned ? "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT" : "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        (selfSigned ? "the certificate is self-signed" : "the certificate does not chain to a trusted root")
            + ": " + Text.message(t));
  }
}
