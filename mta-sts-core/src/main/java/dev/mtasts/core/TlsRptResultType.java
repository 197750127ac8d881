package dev.mtasts.core;

/**
 * The result types of RFC 8460 §4.3 (IANA "STARTTLS Validation Result Types"), so that every
 * failure this library reports maps to exactly one value a TLS-RPT report can carry.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.3">RFC 8460 §4.3</a>
 */
public enum TlsRptResultType {
  /** The MX did not offer or accept STARTTLS. */
  STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
  /** No DNS-ID of the certificate matches the MX host or the policy. */
  CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
  /** The certificate has expired. */
  CERTIFICATE_EXPIRED("certificate-expired"),
  /** The chain does not lead to a trusted root, or is otherwise broken. */
  CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
  /** Any other failure. */
  VALIDATION_FAILURE("validation-failure"),
  /** No TLSA record in the RRset was usable (DANE). */
  TLSA_INVALID("tlsa-invalid"),
  /** DNSSEC validation failed (DANE). */
  DNSSEC_INVALID("dnssec-invalid"),
  /** Local policy requires DANE, but the MX has no usable TLSA records. */
  DANE_REQUIRED("dane-required"),
  /** The MTA-STS policy could not be fetched. */
  STS_POLICY_FETCH_ERROR("sts-policy-fetch-error"),
  /** The MTA-STS policy failed validation. */
  STS_POLICY_INVALID("sts-policy-invalid"),
  /** The policy host could not be authenticated with PKIX. */
  STS_WEBPKI_INVALID("sts-webpki-invalid");

  private final String token;

  TlsRptResultType(String token) {
    this.token = token;
  }

  /**
   * Returns the value as written in a report's {@code result-type} field.
   *
   * @return a string such as {@code "sts-policy-fetch-error"}
   */
  public String token() {
    return token;
  }

  /**
   * Looks a result type up by its report value.
   *
   * @param token a value such as {@code "certificate-expired"}
   * @return the result type
   * @throws IllegalArgumentException if the value is not registered
   */
  public static TlsRptResultType fromToken(String token) {
    for (TlsRptResultType t : values()) {
      if (t.token.equals(token)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown TLS-RPT result type '" + token + "'");
  }

  @Override
  public String toString() {
    return token;
  }
}
