package dev.mtasts.core.tls;

import dev.mtasts.core.MxPattern;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Matches a certificate against a host name the way RFC 8461 requires: against DNS-ID subject
 * alternative names only, never the subject CN (FET-3, MXM-7), with a wildcard allowed only as the
 * complete left-most label and matching exactly one label (FET-3, MXM-8).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6125#section-6.4">RFC 6125 §6.4</a>
 */
public final class CertificateNames {
  private static final int SAN_DNS_NAME = 2;

  private CertificateNames() {}

  /**
   * Returns the DNS-ID subject alternative names of a certificate.
   *
   * @param certificate the certificate
   * @return the dNSName entries in certificate order; empty when there are none (CN is ignored)
   */
  public static List<String> dnsNames(X509Certificate certificate) {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (sans == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(sans.size());
    for (List<?> san : sans) {
      if (san.size() >= 2 && san.get(0) instanceof Integer type && type == SAN_DNS_NAME
          && san.get(1) instanceof String name) {
        out.add(name);
      }
    }
    return List.copyOf(out);
  }

  /**
   * Tells whether any DNS-ID of the certificate matches the host.
   *
   * @param certificate the leaf certificate
   * @param host the host name dialled (A-labels or U-labels; one trailing dot is ignored)
   * @return {@code true} on a match
   */
  public static boolean matches(X509Certificate certificate, String host) {
    for (String name : dnsNames(certificate)) {
      if (nameMatches(name, host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether one presented DNS-ID matches a host: ASCII case-insensitive equality, or a
   * {@code *.} wildcard whose {@code *} stands for exactly one whole left-most label.
   *
   * @param presented the DNS-ID from the certificate, such as {@code *.example.com}
   * @param host the host name dialled
   * @return {@code true} on a match; partial wildcards such as {@code m*.example.com} never match
   */
  public static boolean nameMatches(String presented, String host) {
    if (!isWellFormed(presented)) {
      return false;
    }
    MxPattern pattern;
    try {
      // The same rule as an MTA-STS mx pattern: ASCII case-insensitive, and a wildcard is only the
      // whole left-most label, matching exactly one label (FET-3, MXM-8).
      pattern = MxPattern.of(presented);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return pattern.matches(host);
  }

  /** LDH labels, dots and {@code *} only, no trailing dot: presented names are A-labels. */
  private static boolean isWellFormed(String id) {
    int n = id.length();
    if (n == 0 || id.charAt(n - 1) == '.') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ldh && c != '.' && c != '*') {
        return false;
      }
    }
    return true;
  }
}
