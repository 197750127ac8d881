/**
 * An MTA-STS (RFC 8461) TLS policy server for Postfix: a socketmap (socketmap_table(5)) that
 * answers {@code smtp_tls_policy_maps} lookups from the mta-sts resolver, with a persistent cache,
 * proactive refreshes, DANE precedence (RFC 8461 §2) and Postfix ≥ 3.10 TLSRPT attributes.
 *
 * <p>{@link dev.mtasts.postfix.PostfixPolicyServer} is the embeddable server;
 * {@link dev.mtasts.postfix.PostfixDaemon} is the daemon's {@code main} (see docs/postfix.md).
 */
module dev.mtasts.postfix {
  requires static transitive org.jspecify;
  requires transitive dev.mtasts.resolver;
  requires transitive micrometer.core;
  requires dev.mtasts.dns;
  requires dev.mtasts.fetch;
  requires dev.mtasts.micrometer;
  requires micrometer.registry.prometheus;
  requires org.snakeyaml.engine;
  requires org.slf4j;
  requires jdk.httpserver;

  exports dev.mtasts.postfix;
}
