package dev.mtasts.resolver.delivery;

/**
 * What a delivery attempt to one MX host must demand of TLS.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5">RFC 8461 §5</a>
 */
public enum TlsRequirement {
  /** No policy applies: opportunistic TLS, any certificate. */
  OPPORTUNISTIC,
  /** Mode {@code testing}: try STARTTLS and validate, report failures, deliver anyway (APP-2). */
  STS_TESTING,
  /** Mode {@code enforce}: STARTTLS, a PKIX-valid certificate and a matching name, or skip (APP-1). */
  STS_ENFORCE,
  /** The caller's DANE validation governs this host; MTA-STS checks are not applied (APP-6). */
  DANE,
  /** The host must not be used: not allowed by the enforced policy, or DANE failed (APP-1, APP-6). */
  NOT_ALLOWED
}
