package dev.mtasts.core.fetch;

import dev.mtasts.core.TlsRptResultType;

/**
 * Why a policy fetch failed, each mapped to the RFC 8460 result type a report carries.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.3">RFC 8460 §4.3</a>
 */
public enum FetchFailure {
  /** The policy host name did not resolve. */
  HOST_NOT_FOUND(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The TCP connection could not be made. */
  CONNECT_FAILED(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The connect timeout or the overall deadline passed (FET-10). */
  TIMEOUT(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The TLS handshake failed for a reason other than the certificate (protocol, cipher). */
  TLS_HANDSHAKE_FAILED(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The certificate chain does not lead to a trusted root (FET-2). */
  CERTIFICATE_NOT_TRUSTED(TlsRptResultType.STS_WEBPKI_INVALID),
  /** The certificate has expired or is not yet valid (FET-2). */
  CERTIFICATE_EXPIRED(TlsRptResultType.STS_WEBPKI_INVALID),
  /** No DNS-ID of the certificate matches {@code mta-sts.<domain>} (FET-3). */
  CERTIFICATE_NAME_MISMATCH(TlsRptResultType.STS_WEBPKI_INVALID),
  /** The server answered with a redirect, which must not be followed (FET-7). */
  REDIRECT(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The status was not 200 (FET-6). */
  HTTP_STATUS(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The media type was not {@code text/plain} (FET-9). */
  CONTENT_TYPE(TlsRptResultType.STS_POLICY_INVALID),
  /** The body was larger than the limit (FET-10). */
  BODY_TOO_LARGE(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The connection failed while the body was read. */
  IO_ERROR(TlsRptResultType.STS_POLICY_FETCH_ERROR),
  /** The body is not a valid policy. */
  INVALID_POLICY(TlsRptResultType.STS_POLICY_INVALID);

  private final TlsRptResultType resultType;

  FetchFailure(TlsRptResultType resultType) {
    this.resultType = resultType;
  }

  /**
   * Returns the RFC 8460 result type for this failure.
   *
   * @return {@code sts-policy-fetch-error}, {@code sts-webpki-invalid} or {@code sts-policy-invalid}
   */
  public TlsRptResultType resultType() {
    return resultType;
  }
}
