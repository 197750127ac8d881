package dev.mtasts.resolver.delivery;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.DnsLookup;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells whether a destination domain is protected by DANE (RFC 7672), so that its MTA-STS policy
 * steps aside (RFC 8461 §2). Implementations need DNSSEC-validated answers:
 * {@link #fromDns(DnsLookup)} is the one on the DNS SPI ({@link DnsDaneDetector}).
 */
@FunctionalInterface
public interface DaneDetector {

  /** A detector for callers without DANE: every domain is {@link DomainDane#ABSENT}. */
  DaneDetector NONE = domain -> CompletableFuture.completedFuture(DomainDane.ABSENT);

  /**
   * Returns the DNS-backed detector with its defaults (a 10-second deadline, at most 10 MX hosts,
   * the common pool as executor); {@link DnsDaneDetector#builder(DnsLookup)} configures them.
   * On a lookup that does not authenticate answers every domain is {@link DomainDane#ABSENT}.
   *
   * @param dns the DNS lookup; it must authenticate answers (DNSSEC) for DANE to be found
   * @return the detector
   * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2">RFC 7672 §2.2</a>
   */
  static DaneDetector fromDns(DnsLookup dns) {
    return DnsDaneDetector.builder(dns).build();
  }

  /**
   * Finds the DANE state of one domain.
   *
   * @param domain the destination (policy) domain
   * @return the state; never completes exceptionally for DNS trouble ({@link DomainDane#UNKNOWN})
   */
  CompletionStage<DomainDane> detect(PolicyDomain domain);
}
