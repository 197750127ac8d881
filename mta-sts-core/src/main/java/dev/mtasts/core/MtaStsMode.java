package dev.mtasts.core;

import java.util.Optional;

/**
 * The {@code mode} of an MTA-STS policy.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-5">RFC 8461 §5</a>
 */
public enum MtaStsMode {
  /** Senders must not deliver to MX hosts that fail MX matching or certificate validation. */
  ENFORCE("enforce"),
  /** Senders report failures (TLS-RPT) but deliver anyway. */
  TESTING("testing"),
  /** The domain has no active policy. */
  NONE("none");

  private final String token;

  MtaStsMode(String token) {
    this.token = token;
  }

  /**
   * Returns the value as written in a policy file.
   *
   * @return {@code "enforce"}, {@code "testing"} or {@code "none"}
   */
  public String token() {
    return token;
  }

  /**
   * Looks a mode up by its policy-file value; the match is case-sensitive (POL-4, POL-6).
   *
   * @param token the value, such as {@code "enforce"}
   * @return the mode, or empty when {@code token} is not exactly one of the three values
   */
  public static Optional<MtaStsMode> fromToken(String token) {
    for (MtaStsMode m : values()) {
      if (m.token.equals(token)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return token;
  }
}
