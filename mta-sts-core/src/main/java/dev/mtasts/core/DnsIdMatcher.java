package dev.mtasts.core;

import dev.mtasts.core.internal.DomainNames;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Matches the DNS-IDs of a certificate against a host name with the rule MTA-STS requires for
 * the Policy Host (FET-2, FET-3) and for MX hosts (RFC 8461 §4.1): RFC 6125 matching against
 * subject alternative names of type {@code dNSName} only.
 *
 * <ul>
 *   <li>The subject common name is never consulted, not even when there is no DNS-ID.
 *   <li>A wildcard is allowed only as the complete left-most label ({@code *.example.com}) and
 *       matches exactly one label: {@code a.example.com}, but neither {@code example.com} nor
 *       {@code a.b.example.com}. Partial wildcards ({@code m*.example.com}), wildcards in other
 *       labels ({@code a.*.example.com}) and a lone {@code *} match nothing.
 *   <li>The comparison is ASCII case-insensitive; DNS-IDs must be in A-label form.
 * </ul>
 *
 * <p>This is deliberately not the JDK's {@code HTTPS} endpoint identification, which falls back
 * to the common name when a certificate has no DNS-ID and accepts partial wildcards (FET-15).
 * The wildcard rule is the one {@link MxPattern} implements for policy {@code mx} patterns, and
 * this class uses it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6125#section-6.4">RFC 6125 §6.4</a>
 */
public final class DnsIdMatcher {
  /** The {@code GeneralName} tag of {@code dNSName} (RFC 5280 §4.2.1.6). */
  private static final int DNS_NAME = 2;

  private DnsIdMatcher() {}

  /**
   * Tells whether one presented DNS-ID matches a reference host name.
   *
   * @param presentedId a {@code dNSName} as the certificate holds it, such as {@code *.example.com}
   * @param host the name the client wanted, such as {@code mta-sts.example.com}; one trailing root
   *     dot is ignored
   * @return {@code true} on a match; {@code false} for any presented identifier that is not a
   *     valid A-label host name or left-most-label wildcard
   */
  public static boolean matches(String presentedId, String host) {
    Objects.requireNonNull(presentedId, "presentedId");
    Objects.requireNonNull(host, "host");
    if (!isWellFormed(presentedId)) {
      return false;
    }
    MxPattern pattern;
    try {
      pattern = MxPattern.of(presentedId);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return pattern.matches(host);
  }

  /**
   * Tells whether any of the presented DNS-IDs matches a reference host name.
   *
   * @param presentedIds the {@code dNSName} values of a certificate
   * @param host the name the client wanted
   * @return {@code true} when at least one matches, see {@link #matches(String, String)}
   */
  public static boolean matchesAny(Collection<String> presentedIds, String host) {
    Objects.requireNonNull(host, "host");
    for (String id : presentedIds) {
      if (matches(id, host)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether a certificate is valid for a host name by its DNS-IDs alone.
   *
   * <p>Only the name is checked here: the chain, the validity dates and the key usage are the
   * business of PKIX validation.
   *
   * @param certificate the end-entity certificate
   * @param host the name the client wanted
   * @return {@code true} when a DNS-ID of the certificate matches {@code host}
   */
  public static boolean matches(X509Certificate certificate, String host) {
    return matchesAny(dnsIds(certificate), host);
  }

  /**
   * Returns the DNS-IDs of a certificate: its subject alternative names of type {@code dNSName},
   * in certificate order. The common name is not one of them.
   *
   * @param certificate the certificate
   * @return the names as encoded, or an empty list when there are none or the extension cannot
   *     be parsed
   */
  public static List<String> dnsIds(X509Certificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (sans == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>(sans.size());
    for (List<?> san : sans) {
      if (san.size() >= 2 && san.get(0) instanceof Integer tag && tag == DNS_NAME
          && san.get(1) instanceof String name) {
        names.add(name);
      }
    }
    return List.copyOf(names);
  }

  /**
   * Letters, digits, hyphens and dots, plus a {@code *}; no trailing dot (a presented identifier
   * is absolute already) and nothing {@link MxPattern#of(String)} would silently normalize.
   */
  private static boolean isWellFormed(String id) {
    int n = id.length();
    if (n == 0 || id.charAt(n - 1) == '.') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (!DomainNames.isLdh(c) && c != '.' && c != '*') {
        return false;
      }
    }
    return true;
  }
}
