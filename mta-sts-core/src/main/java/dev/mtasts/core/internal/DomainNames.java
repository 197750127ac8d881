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
  /** The prefix of every A-label (RFC 5890 §2.3.2.1). */
  private static final String ACE_PREFIX = "xn--";

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
   * host name. A single trailing root dot is removed. U-labels go through {@link #toALabels}: a
   * name is never mapped to a different domain (SEC-31).
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
    n = toALabels(n, false);
    String problem = checkDomain(n, 0, n.length());
    if (problem != null) {
      throw new IllegalArgumentException(Text.quote(name) + " is not a valid host name: " + problem);
    }
    return n;
  }

  /**
   * The one conversion of U-labels to A-labels in the project, so that no name is ever mapped to
   * a different domain (SEC-31). The JDK's {@link IDN} implements IDNA 2003, whose transitional
   * mappings turn {@code faß.example} into {@code fass.example} (another registrable domain) and
   * drop zero-width joiners; IDNA 2008 and UTS #46 nontransitional processing keep them. So:
   * <ul>
   *   <li>a U-label holding a deviation character (ß U+00DF, ς U+03C2, ZWJ U+200D, ZWNJ U+200C)
   *       is refused, with the A-label to use instead in the message;
   *   <li>every A-label ({@code xn--}) is checked by a round trip that keeps deviation characters:
   *       its Punycode must decode to a name that IDNA leaves unchanged and encode back to the very
   *       same label. It is then used as given, so {@code xn--fa-hia.example} stays that domain;
   *   <li>other U-labels are converted with {@link IDN#toASCII} (for them IDNA 2003 and 2008
   *       agree on the result or 2008 refuses the name).
   * </ul>
   * Contextual rules of IDNA 2008 (CONTEXTJ for ZWJ/ZWNJ) are not checked: an A-label is taken as
   * the exact DNS name it is.
   *
   * @param name a domain name without a trailing dot
   * @param allowUnassigned whether code points unassigned in Unicode 3.2 are accepted in U-labels
   *     ({@link IDN#ALLOW_UNASSIGNED}), as for DNS queries
   * @return the name with every label in lower-case A-label or ASCII form; no LDH check is done
   * @throws IllegalArgumentException naming the label or character at fault
   */
  public static String toALabels(String name, boolean allowUnassigned) {
    String n = name;
    if (!Text.isAscii(n)) {
      for (int i = 0; i < n.length(); i++) {
        String deviation = deviation(n.charAt(i));
        if (deviation != null) {
          String suggestion = suggestALabel(n);
          throw new IllegalArgumentException(Text.quote(name) + " contains " + deviation
              + ", which IDNA 2003 and 2008 map to different domains"
              + (suggestion != null ? "; give the A-label (" + suggestion + ") instead"
                  : ", and it has no valid A-label form"));
        }
      }
      try {
        n = IDN.toASCII(n, allowUnassigned ? IDN.ALLOW_UNASSIGNED : 0);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            Text.quote(name) + " is not a valid internationalized domain name: " + e.getMessage(), e);
      }
    }
    n = n.toLowerCase(Locale.ROOT);
    int start = 0;
    for (int i = 0; i <= n.length(); i++) {
      if (i == n.length() || n.charAt(i) == '.') {
        String label = n.substring(start, i);
        if (label.startsWith(ACE_PREFIX) && !isValidALabel(label)) {
          throw new IllegalArgumentException(Text.quote(name) + " has label " + Text.quote(label)
              + ", which is not a valid A-label (its Punycode does not round-trip through IDNA)");
        }
        start = i + 1;
      }
    }
    return n;
  }

  /** Names a deviation character of UTS #46 §6 for a message, or {@code null}. */
  private static @Nullable String deviation(int c) {
    return switch (c) {
      case 0x00DF -> "\u00DF (U+00DF)";
      case 0x03C2 -> "\u03C2 (U+03C2)";
      case 0x200D -> "a zero width joiner (U+200D)";
      case 0x200C -> "a zero width non-joiner (U+200C)";
      default -> null;
    };
  }

  /**
   * Tells whether a lower-case {@code xn--} label is a valid A-label: its Punycode decodes to a
   * non-ASCII U-label that the nontransitional mapping leaves unchanged and that encodes back to
   * the same label.
   */
  private static boolean isValidALabel(String label) {
    if (label.length() > MAX_LABEL_LENGTH) {
      return false;
    }
    String u = Punycode.decode(label.substring(ACE_PREFIX.length()));
    if (u == null || u.isEmpty() || Text.isAscii(u)) {
      return false;
    }
    String back = nontransitional(u, false);
    return label.equals(back);
  }

  /**
   * The UTS #46 nontransitional ToASCII of one label, approximated with the JDK's IDNA 2003: the
   * parts between deviation characters are mapped by IDNA 2003 (which agrees with UTS #46 there),
   * the deviation characters are kept, and the whole is Punycode-encoded.
   *
   * @param label one label
   * @param map whether to map (a suggestion for user input) or only check that the parts are
   *     already mapped (an A-label must decode to a mapped label)
   * @return the A-label or ASCII label, or {@code null} if IDNA refuses a part or (without
   *     {@code map}) a part is not in mapped form
   */
  private static @Nullable String nontransitional(String label, boolean map) {
    StringBuilder mapped = new StringBuilder(label.length());
    int partStart = 0;
    for (int i = 0; i <= label.length(); i++) {
      if (i < label.length() && deviation(label.charAt(i)) == null) {
        continue;
      }
      String part = label.substring(partStart, i);
      if (!part.isEmpty()) {
        String m;
        try {
          m = Text.lowerAscii(IDN.toUnicode(IDN.toASCII(part, 0), 0));
        } catch (IllegalArgumentException e) {
          return null;
        }
        if (!map && !m.equals(part)) {
          return null;
        }
        mapped.append(m);
      }
      if (i < label.length()) {
        mapped.append(label.charAt(i));
      }
      partStart = i + 1;
    }
    String u = mapped.toString();
    return Text.isAscii(u) ? u : ACE_PREFIX + Punycode.encode(u);
  }

  /**
   * Suggests the A-label form of a name with U-labels (nontransitional: {@code faß.example} gives
   * {@code xn--fa-hia.example}), or {@code null} if it cannot be converted.
   */
  public static @Nullable String suggestALabel(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    StringBuilder out = new StringBuilder(n.length() + 16);
    for (String label : n.split("[.\u3002\uFF0E\uFF61]", -1)) {
      String a = nontransitional(label, true);
      if (a == null) {
        return null;
      }
      out.append(out.length() == 0 ? "" : ".").append(a);
    }
    try {
      String s = out.toString();
      return s.equals(toALabels(s, true)) ? s : null;
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
