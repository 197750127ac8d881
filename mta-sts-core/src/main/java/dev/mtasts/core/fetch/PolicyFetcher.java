package dev.mtasts.core.fetch;

import dev.mtasts.core.PolicyDomain;
import java.util.concurrent.CompletionStage;

/**
 * Fetches the MTA-STS policy of a domain over HTTPS (RFC 8461 §3.3).
 *
 * <p>Contract for implementations: GET {@link PolicyDomain#policyUri()} with SNI and PKIX
 * validation against the DNS-ID {@code mta-sts.<domain>} (FET-1 to FET-5, FET-14), never follow
 * redirects (FET-7), accept only status 200 (FET-6), use no HTTP cache (FET-8), bound the body and
 * the time (FET-10), and read the body with {@link dev.mtasts.core.MtaStsPolicy#parseLenient(byte[])}.
 * Every failure completes the stage normally with {@link PolicyFetchOutcome.Failed}; the stage
 * completes exceptionally only for programming errors.
 */
public interface PolicyFetcher {

  /**
   * Fetches the policy of {@code domain}.
   *
   * @param domain the Policy Domain
   * @return the outcome; never completes exceptionally for network, TLS, HTTP or parse failures
   */
  CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain);
}
