/**
 * MTA-STS policy fetch over HTTPS (RFC 8461 §3.3) with a small, strict HTTP/1.1 client on TLS
 * sockets: {@link dev.mtasts.fetch.HttpPolicyFetcher} implements the core
 * {@link dev.mtasts.core.fetch.PolicyFetcher} SPI with DNS-ID-only certificate name checks, no
 * redirects, no HTTP cache, a pluggable address resolver, a streaming body cap and an overall
 * deadline that closes the connection.
 */
module dev.mtasts.fetch {
  requires transitive dev.mtasts.core;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.mtasts.fetch;
}
