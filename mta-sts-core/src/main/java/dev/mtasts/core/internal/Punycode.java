package dev.mtasts.core.internal;

import org.jspecify.annotations.Nullable;

/**
 * Punycode (RFC 3492), the encoding of the part of an A-label after {@code xn--}. The JDK has it
 * only inside {@link java.net.IDN}, which always applies IDNA 2003's mappings on top; the
 * nontransitional checks of {@link DomainNames} need the bare encoding.
 *
 * <p>Input is bounded by the callers (a DNS label is at most 63 octets); the decoder refuses any
 * overflow and any code point outside Unicode.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3492">RFC 3492</a>
 */
final class Punycode {
  private static final int BASE = 36;
  private static final int TMIN = 1;
  private static final int TMAX = 26;
  private static final int SKEW = 38;
  private static final int DAMP = 700;
  private static final int INITIAL_BIAS = 72;
  private static final int INITIAL_N = 0x80;

  private Punycode() {}

  /**
   * Encodes code points (RFC 3492 §6.3); letters come out in lower case.
   *
   * @param input the text, such as {@code faß}
   * @return the encoding, such as {@code fa-hia}
   * @throws IllegalArgumentException on overflow (not reachable with DNS-sized labels)
   */
  static String encode(String input) {
    int[] cps = input.codePoints().toArray();
    StringBuilder out = new StringBuilder(cps.length + 8);
    for (int c : cps) {
      if (c < 0x80) {
        out.append((char) c);
      }
    }
    int basic = out.length();
    int handled = basic;
    if (basic > 0) {
      out.append('-');
    }
    int n = INITIAL_N;
    long delta = 0;
    int bias = INITIAL_BIAS;
    while (handled < cps.length) {
      int m = Integer.MAX_VALUE;
      for (int c : cps) {
        if (c >= n && c < m) {
          m = c;
        }
      }
      delta += (long) (m - n) * (handled + 1);
      n = m;
      for (int c : cps) {
        if (c < n) {
          delta++;
        }
        if (c == n) {
          long q = delta;
          for (int k = BASE;; k += BASE) {
            int t = k <= bias ? TMIN : Math.min(k - bias, TMAX);
            if (q < t) {
              break;
            }
            out.append(digit((int) (t + (q - t) % (BASE - t))));
            q = (q - t) / (BASE - t);
          }
          out.append(digit((int) q));
          bias = adapt(delta, handled + 1, handled == basic);
          delta = 0;
          handled++;
        }
      }
      if (delta > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("Punycode overflow");
      }
      delta++;
      n++;
    }
    return out.toString();
  }

  /**
   * Decodes (RFC 3492 §6.2).
   *
   * @param input the part after {@code xn--}
   * @return the text, or {@code null} if {@code input} is not valid Punycode
   */
  static @Nullable String decode(String input) {
    int lastDash = input.lastIndexOf('-');
    StringBuilder basicPart = new StringBuilder();
    for (int i = 0; i < Math.max(lastDash, 0); i++) {
      char c = input.charAt(i);
      if (c >= 0x80) {
        return null;
      }
      basicPart.append(c);
    }
    int[] out = new int[input.length()];
    int len = 0;
    for (int i = 0; i < basicPart.length(); i++) {
      out[len++] = basicPart.charAt(i);
    }
    long n = INITIAL_N;
    long i = 0;
    int bias = INITIAL_BIAS;
    int pos = lastDash > 0 ? lastDash + 1 : 0;
    while (pos < input.length()) {
      long oldi = i;
      long w = 1;
      for (int k = BASE;; k += BASE) {
        if (pos >= input.length()) {
          return null;
        }
        int d = value(input.charAt(pos++));
        if (d < 0) {
          return null;
        }
        i += d * w;
        int t = k <= bias ? TMIN : Math.min(k - bias, TMAX);
        if (i > Integer.MAX_VALUE) {
          return null;
        }
        if (d < t) {
          break;
        }
        w *= BASE - t;
        if (w > Integer.MAX_VALUE) {
          return null;
        }
      }
      bias = adapt(i - oldi, len + 1, oldi == 0);
      n += i / (len + 1);
      i %= len + 1;
      if (n > Character.MAX_CODE_POINT || (n >= 0xD800 && n <= 0xDFFF)) {
        return null;
      }
      System.arraycopy(out, (int) i, out, (int) i + 1, len - (int) i);
      out[(int) i] = (int) n;
      len++;
      i++;
    }
    return new String(out, 0, len);
  }

  private static int adapt(long delta, int numPoints, boolean first) {
    long d = first ? delta / DAMP : delta / 2;
    d += d / numPoints;
    int k = 0;
    while (d > ((BASE - TMIN) * TMAX) / 2) {
      d /= BASE - TMIN;
      k += BASE;
    }
    return (int) (k + (BASE - TMIN + 1) * d / (d + SKEW));
  }

  private static char digit(int d) {
    return (char) (d < 26 ? 'a' + d : '0' + d - 26);
  }

  private static int value(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 26;
    }
    return -1;
  }
}
