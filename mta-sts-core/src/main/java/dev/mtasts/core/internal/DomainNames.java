package dev.mtasts.core.internal;

import java.net.IDN;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Domain-name syntax shared by the policy parser, {@code MxPattern} and the resolver.
 *
 * <p>The grammar is RFC 5321 §4.1.2 {@code Domain}: dot-separated LDH labels that start and end
 * with a letter or digit, no trailing root dot, plus the DNS limits of 63 octets per label and
 * 253 in total.
 */
public final class DomainNames {
  /** Longest name in presentation form without the root dot (RFC 1035 §2.3.4). */
  public static final int MAX_NAME_LENGTH = 253;
  /** Longest label (RFC 1035 §2.3.4). */
  public static final int MAX_LABEL_LENGTH = 63;

  private DomainNames() {}

  /**
   * Checks {@code s[from, to)} against the RFC 5321 {@code Domain} grammar and the DNS limits.
   *
   * @return {@code null} when valid, else a sentence saying what is wrong
   */
  public static @Nullable String checkDomain(CharSequence s, int from, int to) {
    int len = to - from;
    if (len == 0) {
      return "the name is empty";
    }
    if (len > MAX_NAME_LENGTH) {
      return "the name is " + len + " characters long; the limit is " + MAX_NAME_LENGTH;
    }
    int labelStart = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '.') {
        int labelLen = i - labelStart;
        if (labelLen == 0) {
          return i == to ? "the name ends with a dot" : "the name has an empty label";
        }
        if (labelLen > MAX_LABEL_LENGTH) {
          return "label " + Text.quote(s.subSequence(labelStart, i)) + " is " + labelLen
              + " characters long; the limit is " + MAX_LABEL_LENGTH;
        }
        if (s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
          return "label " + Text.quote(s.subSequence(labelStart, i)) + " starts or ends with '-'";
        }
        labelStart = i + 1;
        continue;
      }
      char c = s.charAt(i);
      if (!isLdh(c)) {
        return "character " + Text.describe(c) + " at position " + (i - from + 1)
            + " is not a letter, digit, '-' or '.'";
      }
    }
    return null;
  }

  /**
   * Tells whether the last label is all digits, which no host name can have (RFC 1123 §2.1): such
   * a name is an IPv4 address written as a name.
   */
  public static boolean looksLikeIpv4(CharSequence s, int from, int to) {
    int i = to - 1;
    if (i < from || !isDigit(s.charAt(i))) {
      return false;
    }
    while (i >= from && s.charAt(i) != '.') {
      if (!isDigit(s.charAt(i))) {
        return false;
      }
      i--;
    }
    return true;
  }

  /**
   * Converts a domain name to lower-case A-label form, failing on anything that is not a valid
   * host name. A single trailing root dot is removed.
   *
   * @param name a domain name with A-labels or U-labels
   * @return the lower-case A-label form
   * @throws IllegalArgumentException with a specific message if the name is invalid
   */
  public static String toAsciiHostName(String name) {
    String n = name;
    if (n.endsWith(".")) {
      n = n.substring(0, n.length() - 1);
    }
    if (!Text.isAscii(n)) {
      try {
        n = IDN.toASCII(n, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + name + "' is not a valid internationalized domain name: " + e.getMessage(), e);
      }
    }
    n = n.toLowerCase(Locale.ROOT);
    String problem = checkDomain(n, 0, n.length());
    if (problem != null) {
      throw new IllegalArgumentException("'" + name + "' is not a valid host name: " + problem);
    }
    return n;
  }

  /** Suggests the A-label form of a name with U-labels, or {@code null} if it cannot be converted. */
  public static @Nullable String suggestALabel(String name) {
    try {
      return IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Letter, digit or hyphen. */
  public static boolean isLdh(char c) {
    return isLetDig(c) || c == '-';
  }

  /** ASCII letter or digit. */
  public static boolean isLetDig(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c);
  }

  /** ASCII digit. */
  public static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
