package dev.mtasts.core.internal;

/**
 * The implementation of {@link dev.mtasts.core.SafeText}, here so that the rest of this package
 * can escape without depending on the public package (no package cycle).
 */
public final class Escapes {
  private Escapes() {}

  /**
   * Escapes every character that a terminal or a log could act on.
   *
   * @param s text from the network
   * @return the text with each such character replaced by a visible escape
   */
  public static String escape(CharSequence s) {
    return escape(s, Integer.MAX_VALUE);
  }

  /**
   * Escapes like {@code escape(CharSequence)} and shortens the result to at most {@code maxChars}
   * characters of input, marking a cut with {@code "..."}.
   *
   * @param s text from the network
   * @param maxChars the most input characters to keep, at least 1
   * @return the escaped, possibly shortened text
   * @throws IllegalArgumentException if {@code maxChars} is below 1
   */
  public static String escape(CharSequence s, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1, not " + maxChars);
    }
    int n = s.length();
    int end = Math.min(n, maxChars);
    int i = 0;
    while (i < end && !needsEscape(s, i)) {
      i++;
    }
    if (i == end && end == n) {
      return s.toString();
    }
    StringBuilder sb = new StringBuilder(end + 16).append(s, 0, i);
    for (; i < end; i++) {
      char c = s.charAt(i);
      if (!needsEscape(s, i)) {
        sb.append(c);
        if (Character.isHighSurrogate(c) && i + 1 < n) {
          sb.append(s.charAt(++i));
        }
      } else {
        appendEscape(sb, c);
      }
    }
    if (end < n) {
      sb.append("...");
    }
    return sb.toString();
  }

  /**
   * Tells whether {@code s} holds any character that {@code escape(CharSequence)} would replace.
   *
   * @param s the text
   * @return {@code true} if escaping would change it
   */
  public static boolean needsEscape(CharSequence s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (needsEscape(s, i)) {
        return true;
      }
    }
    return false;
  }

  private static boolean needsEscape(CharSequence s, int i) {
    char c = s.charAt(i);
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
      return true;
    }
    if (c < 0x2028) {
      return false;
    }
    if (c == '\u2028' || c == '\u2029' || c == '\ufeff') {
      return true;
    }
    if ((c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
        || c == '\u200e' || c == '\u200f' || c == '\u061c') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      // A low surrogate is reached alone only when no high surrogate stood before it.
      return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
    }
    return false;
  }

  private static void appendEscape(StringBuilder sb, char c) {
    switch (c) {
      case '\t' -> sb.append("\\t");
      case '\r' -> sb.append("\\r");
      case '\n' -> sb.append("\\n");
      case 0x1b -> sb.append("\\e");
      default -> {
        if (c < 0x100) {
          sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
        } else {
          sb.append(String.format("\\u%04x", (int) c));
        }
      }
    }
  }
}
