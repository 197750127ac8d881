package dev.mtasts.core.tls;

import dev.mtasts.core.fetch.CertificateSummary;
import java.net.IDN;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

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
    String h = normalizeHost(host);
    if (h == null) {
      return false;
    }
    for (String name : dnsNames(certificate)) {
      if (nameMatches(name, h)) {
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
    String h = normalizeHost(host);
    if (h == null) {
      return false;
    }
    String p = presented.endsWith(".") ? presented.substring(0, presented.length() - 1) : presented;
    p = p.toLowerCase(Locale.ROOT);
    if (p.isEmpty() || !isAscii(p)) {
      return false;
    }
    if (p.startsWith("*.")) {
      String suffix = p.substring(1); // ".example.com"
      if (suffix.indexOf('*') >= 0 || suffix.length() < 2) {
        return false;
      }
      int firstDot = h.indexOf('.');
      return firstDot > 0 && h.substring(firstDot).equals(suffix);
    }
    return p.indexOf('*') < 0 && p.equals(h);
  }

  /**
   * Summarizes a certificate for reports and checkers.
   *
   * @param certificate the certificate
   * @return its subject, issuer, DNS names, validity and SHA-256 fingerprint
   */
  public static CertificateSummary summarize(X509Certificate certificate) {
    String fingerprint;
    try {
      fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      fingerprint = "";
    }
    return new CertificateSummary(certificate.getSubjectX500Principal().getName(),
        certificate.getIssuerX500Principal().getName(), dnsNames(certificate),
        certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant(), fingerprint);
  }

  /** Lower-case A-label form without the trailing dot, or null when not a usable name. */
  private static String normalizeHost(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (h.isEmpty()) {
      return null;
    }
    if (!isAscii(h)) {
      try {
        h = IDN.toASCII(h, IDN.USE_STD3_ASCII_RULES);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return h.toLowerCase(Locale.ROOT);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
