package dev.mtasts.core;

import dev.mtasts.core.internal.Escapes;

/**
 * Makes text that came from the network (TXT values, header values, status lines, EHLO names,
 * certificate names, report fields) safe to show on a terminal or to write to a log.
 *
 * <p>A domain that publishes {@code ESC ] 0 ; title BEL} in its TXT record must not be able to set
 * a window title, clear a screen or forge a log line. Every character that a terminal or a log
 * reader could act on is replaced by a visible escape: C0 controls and DEL ({@code \t}, {@code \r},
 * {@code \n}, {@code \e}, others as {@code \x1f}), C1 controls ({@code \u0085}), the Unicode line
 * and paragraph separators, the byte order mark, the bidirectional overrides and isolates (which
 * reorder what a reader sees, CVE-2021-42574) and unpaired surrogates. Everything else, non-ASCII
 * letters included, is kept as it is. JSON output does not need this: its encoder escapes control
 * characters already.
 *
 * <p>Every method is pure and thread-safe; the work is linear in the input and the output is
 * bounded by the {@code maxChars} argument where one is given.
 */
public final class SafeText {
  private SafeText() {}

  /**
   * Escapes every character that a terminal or a log could act on.
   *
   * @param s text from the network
   * @return the text with each such character replaced by a visible escape
   */
  public static String escape(CharSequence s) {
    return Escapes.escape(s);
  }

  /**
   * Escapes like {@link #escape(CharSequence)} and shortens the result to at most {@code maxChars}
   * characters of input, marking a cut with {@code "..."}.
   *
   * @param s text from the network
   * @param maxChars the most input characters to keep, at least 1
   * @return the escaped, possibly shortened text
   * @throws IllegalArgumentException if {@code maxChars} is below 1
   */
  public static String escape(CharSequence s, int maxChars) {
    return Escapes.escape(s, maxChars);
  }

  /**
   * Tells whether {@code s} holds any character that {@link #escape(CharSequence)} would replace.
   *
   * @param s the text
   * @return {@code true} if escaping would change it
   */
  public static boolean needsEscape(CharSequence s) {
    return Escapes.needsEscape(s);
  }
}
