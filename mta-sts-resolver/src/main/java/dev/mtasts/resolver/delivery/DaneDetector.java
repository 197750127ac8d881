package dev.mtasts.resolver.delivery;

import dev.mtasts.core.PolicyDomain;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells whether a destination domain is protected by DANE (RFC 7672), so that its MTA-STS policy
 * steps aside (RFC 8461 §2). Implementations need DNSSEC-validated answers.
 */
@FunctionalInterface
public interface DaneDetector {

  /** A detector for callers without DANE: every domain is {@link DomainDane#ABSENT}. */
  DaneDetector NONE = domain -> CompletableFuture.completedFuture(DomainDane.ABSENT);

  /**
   * Finds the DANE state of one domain.
   *
   * @param domain the destination (policy) domain
   * @return the state; never completes exceptionally for DNS trouble ({@link DomainDane#UNKNOWN})
   */
  CompletionStage<DomainDane> detect(PolicyDomain domain);
}
