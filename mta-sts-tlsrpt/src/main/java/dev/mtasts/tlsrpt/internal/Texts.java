package dev.mtasts.tlsrpt.internal;

import dev.mtasts.core.MxPattern;

/** Bounding and cleaning of free text that goes into reports (I-JSON strings, RFC 7493). */
public final class Texts {
  /** The longest free-text value kept in a report field, in UTF-16 units. */
  public static final int MAX_FIELD_LENGTH = 255;

  private Texts() {}

  /**
   * Makes a free-text value safe for a report: control characters become {@code '?'}, unpaired
   * surrogates become U+FFFD (I-JSON needs valid Unicode), surrounding white space is removed and
   * the result is cut to {@link #MAX_FIELD_LENGTH} characters without splitting a surrogate pair.
   *
   * @param s the value, possibly from the remote side (such as an EHLO name)
   * @return the cleaned value
   */
  public static String clean(String s) {
    String t = s.strip();
    StringBuilder sb = new StringBuilder(Math.min(t.length(), MAX_FIELD_LENGTH));
    for (int i = 0; i < t.length() && sb.length() < MAX_FIELD_LENGTH; i++) {
      char c = t.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < t.length() && Character.isLowSurrogate(t.charAt(i + 1))) {
        if (sb.length() + 2 > MAX_FIELD_LENGTH) {
          break;
        }
        sb.append(c).append(t.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        sb.append('?');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Normalizes a host name: A-labels, lower case, no trailing root dot.
   *
   * @param host the host name
   * @return the normalized name
   * @throws IllegalArgumentException if {@code host} is not a valid host name, is an IP address or
   *     starts with a wildcard label
   */
  public static String hostName(String host) {
    if (host.strip().startsWith("*")) {
      throw new IllegalArgumentException("'" + host + "' is a pattern, not a host name");
    }
    try {
      return MxPattern.of(host).toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + host + "' is not a valid host name: " + e.getMessage(), e);
    }
  }

  /**
   * Tells whether {@code s} looks like an ASCII e-mail address {@code local@domain}: printable
   * ASCII without white space or the specials {@code <>(),;:"[]\}, with an {@code @} that is
   * neither first nor last. (Quoted local parts are not accepted.)
   *
   * @param s the address
   * @return {@code true} if it has that shape
   */
  public static boolean isAsciiAddrSpec(String s) {
    int at = s.lastIndexOf('@');
    if (at <= 0 || at == s.length() - 1) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "<>(),;:\"[]\\".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }
}
