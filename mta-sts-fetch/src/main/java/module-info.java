/**
 * MTA-STS policy fetch over HTTPS (RFC 8461 §3.3) on {@code java.net.http}:
 * {@link dev.mtasts.fetch.HttpPolicyFetcher} implements the core
 * {@link dev.mtasts.core.fetch.PolicyFetcher} SPI with DNS-ID-only certificate name checks, no
 * redirects, no HTTP cache, a streaming body cap and an overall deadline.
 */
module dev.mtasts.fetch {
  requires transitive dev.mtasts.core;
  requires java.net.http;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.mtasts.fetch;
}
