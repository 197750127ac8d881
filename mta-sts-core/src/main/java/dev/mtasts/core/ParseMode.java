package dev.mtasts.core;

/**
 * How strictly a policy body is read.
 *
 * @see MtaStsPolicy#lint(byte[], ParseMode)
 */
public enum ParseMode {
  /**
   * RFC 8461 §3.2 exactly: every deviation from the ABNF is an error.
   *
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.2">RFC 8461 §3.2</a>
   */
  STRICT,
  /**
   * For senders: the whitespace-level deviations listed in {@link MtaStsPolicy#parseLenient(byte[])}
   * are tolerated and reported as warnings; every substance error is still an error.
   */
  LENIENT
}
