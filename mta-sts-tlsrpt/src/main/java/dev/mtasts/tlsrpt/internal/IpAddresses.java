package dev.mtasts.tlsrpt.internal;

import org.jspecify.annotations.Nullable;

/**
 * IP address text forms for reports: IPv4 dotted decimal and the RFC 5952 IPv6 form, parsed and
 * written without any DNS lookup (unlike {@link java.net.InetAddress#getByName(String)}).
 */
public final class IpAddresses {
  private IpAddresses() {}

  /**
   * Parses an IPv4 address in dotted-decimal form (four decimal octets, no leading zeros) or an
   * IPv6 address in any RFC 4291 §2.2 text form, without a zone or brackets.
   *
   * @param text the address text
   * @return 4 or 16 bytes, or {@code null} if {@code text} is not an address
   */
  public static byte @Nullable [] parse(String text) {
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    return parseV4(text, 0, text.length());
  }

  /**
   * Returns the canonical text of an address: dotted decimal for IPv4 and the RFC 5952 form for
   * IPv6 (lower case, no leading zeros, the longest run of two or more zero groups as {@code ::},
   * IPv4-mapped addresses as {@code ::ffff:192.0.2.1}).
   *
   * @param text the address text in any accepted form
   * @return the canonical form
   * @throws IllegalArgumentException if {@code text} is not an IP address
   */
  public static String normalize(String text) {
    byte[] a = parse(text);
    if (a == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    return format(a);
  }

  /**
   * Formats 4 or 16 address bytes.
   *
   * @param a the address bytes
   * @return dotted decimal for 4 bytes, the RFC 5952 form for 16
   * @throws IllegalArgumentException for another length
   */
  public static String format(byte[] a) {
    if (a.length == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    if (a.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + a.length);
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
    boolean mapped = g[0] == 0 && g[1] == 0 && g[2] == 0 && g[3] == 0 && g[4] == 0 && g[5] == 0xffff;
    if (mapped) {
      return "::ffff:" + (a[12] & 0xff) + "." + (a[13] & 0xff) + "." + (a[14] & 0xff) + "." + (a[15] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // RFC 5952 §4.2.2: a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (g[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /**
   * Tells why an address is not a public unicast destination, for the report delivery's
   * server-side request forgery check (SEC-16): loopback, unspecified, private (RFC 1918), shared
   * address space (CGNAT, RFC 6598), link-local, multicast, reserved ({@code 0.0.0.0/8},
   * {@code 240.0.0.0/4} with the broadcast address), unique local ({@code fc00::/7}), site-local
   * ({@code fec0::/10}); an IPv6 address that embeds an IPv4 one (IPv4-mapped {@code ::ffff:0:0/96},
   * IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is judged by
   * the IPv4 address it reaches.
   *
   * @param a 4 or 16 address bytes
   * @return a short reason such as {@code "loopback"}, or {@code null} for a public address
   * @throws IllegalArgumentException for another length
   */
  public static @Nullable String nonPublicReason(byte[] a) {
    if (a.length == 4) {
      return v4Reason(a[0] & 0xff, a[1] & 0xff, a[2] & 0xff, a[3] & 0xff);
    }
    if (a.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + a.length);
    }
    boolean zero80 = true;
    for (int i = 0; i < 10; i++) {
      zero80 &= a[i] == 0;
    }
    int g5 = ((a[10] & 0xff) << 8) | (a[11] & 0xff);
    if (zero80 && (g5 == 0xffff || g5 == 0)) {
      if (g5 == 0 && (a[12] | a[13] | a[14]) == 0 && (a[15] == 0 || a[15] == 1)) {
        return a[15] == 0 ? "unspecified" : "loopback";
      }
      return embedded(a, 12);
    }
    int g0 = ((a[0] & 0xff) << 8) | (a[1] & 0xff);
    if (g0 == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && (a[4] | a[5] | a[6] | a[7] | a[8] | a[9]
        | a[10] | a[11]) == 0) {
      return embedded(a, 12);
    }
    if (g0 == 0x2002) {
      return embedded(a, 2);
    }
    if ((g0 & 0xfe00) == 0xfc00) {
      return "unique local (fc00::/7)";
    }
    if ((g0 & 0xffc0) == 0xfe80) {
      return "link-local";
    }
    if ((g0 & 0xffc0) == 0xfec0) {
      return "site-local";
    }
    if ((g0 & 0xff00) == 0xff00) {
      return "multicast";
    }
    return null;
  }

  private static @Nullable String embedded(byte[] a, int at) {
    String r = v4Reason(a[at] & 0xff, a[at + 1] & 0xff, a[at + 2] & 0xff, a[at + 3] & 0xff);
    return r == null ? null : r + " (embedded IPv4)";
  }

  private static @Nullable String v4Reason(int b0, int b1, int b2, int b3) {
    if (b0 == 0) {
      return b1 == 0 && b2 == 0 && b3 == 0 ? "unspecified" : "reserved (0.0.0.0/8)";
    }
    if (b0 == 127) {
      return "loopback";
    }
    if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
      return "private (RFC 1918)";
    }
    if (b0 == 100 && (b1 & 0xc0) == 64) {
      return "shared address space (100.64.0.0/10)";
    }
    if (b0 == 169 && b1 == 254) {
      return "link-local";
    }
    if ((b0 & 0xf0) == 224) {
      return "multicast";
    }
    if ((b0 & 0xf0) == 240) {
      return "reserved (240.0.0.0/4)";
    }
    return null;
  }

  private static byte @Nullable [] parseV4(String s, int from, int to) {
    byte[] out = new byte[4];
    int part = 0;
    int i = from;
    while (part < 4) {
      int start = i;
      int v = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
        v = v * 10 + (s.charAt(i) - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || v > 255 || (len > 1 && s.charAt(start) == '0')) {
        return null;
      }
      out[part++] = (byte) v;
      if (part < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
    }
    return i == to ? out : null;
  }

  private static byte @Nullable [] parseV6(String s) {
    int n = s.length();
    if (n < 2 || n > 45) {
      return null;
    }
    byte[] out = new byte[16];
    int[] groups = new int[8];
    int count = 0;
    int compressAt = -1;
    int i = 0;
    if (s.startsWith("::")) {
      compressAt = 0;
      i = 2;
      if (i == n) {
        return out;
      }
    } else if (s.charAt(0) == ':') {
      return null;
    }
    while (i < n) {
      if (count == 8) {
        return null;
      }
      int start = i;
      int v = 0;
      while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
        v = (v << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      if (i < n && s.charAt(i) == '.') {
        // Embedded IPv4 in the last 32 bits.
        if (count > 6) {
          return null;
        }
        byte[] v4 = parseV4(s, start, n);
        if (v4 == null) {
          return null;
        }
        groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
        i = n;
        break;
      }
      int len = i - start;
      if (len == 0 || len > 4) {
        return null;
      }
      groups[count++] = v;
      if (i == n) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < n && s.charAt(i) == ':') {
        if (compressAt >= 0) {
          return null;
        }
        compressAt = count;
        i++;
        if (i == n) {
          break;
        }
      } else if (i == n) {
        return null; // trailing single ':'
      }
    }
    if (compressAt < 0 && count != 8) {
      return null;
    }
    if (compressAt >= 0 && count > 7) {
      return null;
    }
    int shift = 8 - count;
    for (int k = 0; k < count; k++) {
      int pos = compressAt >= 0 && k >= compressAt ? k + shift : k;
      out[2 * pos] = (byte) (groups[k] >> 8);
      out[2 * pos + 1] = (byte) groups[k];
    }
    return out;
  }
}
