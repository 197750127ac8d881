package dev.mtasts.core;

import dev.mtasts.core.internal.DomainNames;
import java.util.Objects;

/**
 * One {@code mx} pattern of an MTA-STS policy: a host name, or {@code *.} followed by a domain.
 *
 * <p>Immutable; instances are kept in lower-case A-label form, so {@link #toString()} round-trips
 * through {@link #of(String)}.
 *
 * <p>A pattern parsed from a policy body that already holds it in that form is a view on the
 * body's {@code String} rather than a copy (SEC-44): a cache that keeps the body verbatim for
 * TLS-RPT then holds each pattern's characters once. Such a pattern keeps the whole body
 * reachable, at most {@link MtaStsPolicy#MAX_BODY_BYTES} characters.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.1">RFC 8461 §4.1</a>
 */
public final class MxPattern {
  /** The characters of the pattern are {@code source[start, start + length)}. */
  private final String source;
  private final int start;
  /** At most 255 ({@code *.} and a 253-character name), so a {@code char} holds it. */
  private final char length;
  private final boolean wildcard;

  private MxPattern(String source, int start, int length, boolean wildcard) {
    this.source = source;
    this.start = start;
    this.length = (char) length;
    this.wildcard = wildcard;
  }

  private MxPattern(String pattern, boolean wildcard) {
    this(pattern, 0, pattern.length(), wildcard);
  }

  /** For the policy parser, which has already checked the syntax and lower-cased the text. */
  static MxPattern trusted(String lowerCasePattern, boolean wildcard) {
    return new MxPattern(lowerCasePattern, wildcard);
  }

  /**
   * For the policy parser: the already checked, lower-case pattern {@code source[from, to)},
   * kept as a view on {@code source} (SEC-44).
   */
  static MxPattern trusted(String source, int from, int to, boolean wildcard) {
    return new MxPattern(source, from, to - from, wildcard);
  }

  /**
   * Creates a pattern from what a person typed: a host name such as {@code mail.example.com} or a
   * wildcard such as {@code *.example.com}.
   *
   * <p>The input is normalized: U-labels are converted to A-labels (IDNA 2003, as
   * {@link java.net.IDN} implements it), letters are lower-cased and a single trailing root dot is
   * removed. A policy file must already hold the normalized form (POL-12, POL-13); use
   * {@link MtaStsPolicy#parse(CharSequence)} to check one.
   *
   * @param pattern the pattern
   * @return the normalized pattern
   * @throws IllegalArgumentException if the pattern is empty, is an IP address, has a {@code *}
   *     anywhere but as the whole left-most label (such as {@code m*.example.com}), or is not a
   *     valid host name
   */
  public static MxPattern of(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    String p = pattern.strip();
    if (p.isEmpty()) {
      throw new IllegalArgumentException("an mx pattern must not be empty");
    }
    if (p.startsWith("[") || p.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "mx pattern '" + pattern + "' is an address literal; MX patterns are host names");
    }
    boolean wild = p.startsWith("*.");
    String domain = wild ? p.substring(2) : p;
    if (domain.indexOf('*') >= 0) {
      throw new IllegalArgumentException("mx pattern '" + pattern
          + "' has a '*' that is not the whole left-most label; write '*.example.com'");
    }
    String ascii;
    try {
      ascii = DomainNames.toAsciiHostName(domain);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("mx pattern '" + pattern + "' is invalid: " + e.getMessage(), e);
    }
    if (DomainNames.looksLikeIpv4(ascii, 0, ascii.length())) {
      throw new IllegalArgumentException(
          "mx pattern '" + pattern + "' is an IP address; MX patterns are host names");
    }
    return new MxPattern(wild ? "*." + ascii : ascii, wild);
  }

  /**
   * Tells whether this is a {@code *.}-wildcard pattern.
   *
   * @return {@code true} for patterns such as {@code *.example.com}
   */
  public boolean isWildcard() {
    return wildcard;
  }

  /**
   * Returns the domain part: the pattern itself for a literal, the part after {@code *.} for a
   * wildcard.
   *
   * @return a lower-case A-label domain
   */
  public String domain() {
    return wildcard ? source.substring(start + 2, start + length) : toString();
  }

  /**
   * Tells whether an MX host name matches this pattern (MXM-2 to MXM-5).
   *
   * <p>The comparison is ASCII case-insensitive, one trailing root dot on {@code host} is ignored
   * (MX targets are absolute names), and a wildcard matches exactly one left-most label:
   * {@code *.example.com} matches {@code a.example.com} but neither {@code example.com} nor
   * {@code a.b.example.com}. A host with non-ASCII characters is compared in A-label form.
   *
   * @param host the MX host name, as in the MX record's RDATA
   * @return {@code true} on a match
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.1">RFC 8461 §4.1</a>
   */
  public boolean matches(String host) {
    int r = matchAscii(host);
    if (r >= 0) {
      return r == 1;
    }
    String ascii;
    try {
      ascii = DomainNames.toAsciiHostName(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return matchAscii(ascii) == 1;
  }

  /** Returns 1 on a match, 0 on no match, -1 when the host has non-ASCII characters. */
  private int matchAscii(String host) {
    int hlen = host.length();
    if (hlen > 0 && host.charAt(hlen - 1) == '.') {
      hlen--;
    }
    String p = source;
    int len = length;
    if (!wildcard) {
      if (hlen != len) {
        return hasNonAscii(host) ? -1 : 0;
      }
      return regionMatches(host, 0, p, start, hlen);
    }
    int suffixLen = len - 1; // ".example.com"
    int labelLen = hlen - suffixLen;
    if (labelLen < 1) {
      return hasNonAscii(host) ? -1 : 0;
    }
    for (int i = 0; i < labelLen; i++) {
      char c = host.charAt(i);
      if (c == '.') {
        return 0;
      }
      if (c >= 0x80) {
        return -1;
      }
    }
    return regionMatches(host, labelLen, p, start + 1, suffixLen);
  }

  private static int regionMatches(String host, int hostFrom, String p, int pFrom, int len) {
    for (int i = 0; i < len; i++) {
      char h = host.charAt(hostFrom + i);
      char c = p.charAt(pFrom + i);
      if (h != c) {
        if (h >= 'A' && h <= 'Z' && h + 32 == c) {
          continue;
        }
        return h >= 0x80 ? -1 : 0;
      }
    }
    return 1;
  }

  private static boolean hasNonAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MxPattern other && length == other.length
        && source.regionMatches(start, other.source, other.start, length);
  }

  /** The same value as {@code toString().hashCode()}, without making the string. */
  @Override
  public int hashCode() {
    int h = 0;
    for (int i = start, end = start + length; i < end; i++) {
      h = 31 * h + source.charAt(i);
    }
    return h;
  }

  /**
   * Returns the pattern as written in a policy file, such as {@code *.example.com}.
   *
   * @return the lower-case A-label pattern; {@code MxPattern.of(p.toString()).equals(p)}
   */
  @Override
  public String toString() {
    return start == 0 && length == source.length() ? source : source.substring(start, start + length);
  }
}
