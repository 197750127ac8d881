package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import java.security.cert.CertificateException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link MtaStsTrustManager} to abort a handshake that an {@code enforce} policy does not
 * allow; carries the classified failure.
 */
public final class MtaStsCertificateException extends CertificateException {
  private static final long serialVersionUID = 1L;

  /** Not serializable itself; the message carries the same information. */
  private final transient TlsFailure failure;

  /**
   * Creates the exception.
   *
   * @param failure the classified failure
   * @param cause the PKIX exception, or {@code null} for a name mismatch
   */
  public MtaStsCertificateException(TlsFailure failure, @Nullable Throwable cause) {
    super(failure.resultType().token() + " (" + failure.reasonCode() + "): " + failure.message(), cause);
    this.failure = Objects.requireNonNull(failure, "failure");
  }

  /**
   * Returns the classified failure.
   *
   * @return the failure, with its RFC 8460 result type
   */
  public TlsFailure failure() {
    return failure;
  }
}
