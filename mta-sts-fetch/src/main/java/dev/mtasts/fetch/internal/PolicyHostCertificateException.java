package dev.mtasts.fetch.internal;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import java.security.cert.CertificateException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link DnsIdTrustManager} to abort the handshake; carries the precise reason and the
 * leaf certificate, which JSSE keeps as the cause of the {@code SSLHandshakeException} so the
 * fetch can report both.
 */
public final class PolicyHostCertificateException extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final FetchFailure reason;
  private final transient @Nullable CertificateSummary certificate;

  /**
   * Creates the exception.
   *
   * @param reason one of the certificate failures
   * @param message what was wrong, for a person
   * @param certificate the leaf certificate
   * @param cause the PKIX failure, when there is one
   */
  public PolicyHostCertificateException(FetchFailure reason, String message,
      @Nullable CertificateSummary certificate, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.certificate = certificate;
  }

  /**
   * Returns why the certificate was refused.
   *
   * @return {@code CERTIFICATE_EXPIRED}, {@code CERTIFICATE_NOT_TRUSTED} or
   *     {@code CERTIFICATE_NAME_MISMATCH}
   */
  public FetchFailure reason() {
    return reason;
  }

  /**
   * Returns the leaf certificate the server presented.
   *
   * @return its summary, or {@code null} after deserialization
   */
  public @Nullable CertificateSummary certificate() {
    return certificate;
  }
}
