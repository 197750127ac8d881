package dev.mtasts.tlsrpt;

import java.util.Optional;

/**
 * The {@code policy-type} of a report's policy (RFC 8460 §4.4).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public enum PolicyType {
  /** A DANE policy: the TLSA records of the MX (RFC 7672). */
  TLSA("tlsa"),
  /** An MTA-STS policy (RFC 8461). */
  STS("sts"),
  /** Neither policy was found for the domain: opportunistic TLS. */
  NO_POLICY_FOUND("no-policy-found");

  private final String token;

  PolicyType(String token) {
    this.token = token;
  }

  /**
   * Returns the value as written in a report.
   *
   * @return {@code "tlsa"}, {@code "sts"} or {@code "no-policy-found"}
   */
  public String token() {
    return token;
  }

  /**
   * Looks a policy type up by its report value, case-sensitively.
   *
   * @param token a value such as {@code "sts"}
   * @return the policy type, or empty for an unknown value
   */
  public static Optional<PolicyType> fromToken(String token) {
    for (PolicyType t : values()) {
      if (t.token.equals(token)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return token;
  }
}
