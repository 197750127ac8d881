/**
 * The sender side of MTA-STS (RFC 8461 §3 to §5, §10), for an MTA to embed: the policy resolver
 * ({@code dev.mtasts.resolver}), the policy stores ({@code dev.mtasts.resolver.store}), and the
 * delivery plan with the MX certificate checks ({@code dev.mtasts.resolver.delivery}).
 *
 * <p>DNS and HTTPS come through the core's SPIs ({@code mta-sts-dns}, {@code mta-sts-fetch} or
 * your own); this module starts no thread of its own.
 */
module dev.mtasts.resolver {
  requires static transitive org.jspecify;
  requires transitive dev.mtasts.core;
  requires org.slf4j;

  exports dev.mtasts.resolver;
  exports dev.mtasts.resolver.store;
  exports dev.mtasts.resolver.delivery;
}
