/**
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) core: the immutable policy model, the parsers and
 * serializers of policy files and of the {@code _mta-sts} and {@code _smtp._tls} TXT records, and
 * MX pattern matching.
 *
 * <p>DNS and HTTPS access are service-provider interfaces implemented by other modules, so this
 * module depends on nothing but SLF4J.
 */
module dev.mtasts.core {
  requires static transitive org.jspecify;
  requires org.slf4j;

  exports dev.mtasts.core;
  exports dev.mtasts.core.dns;
  exports dev.mtasts.core.fetch;
  exports dev.mtasts.core.resolver;
  exports dev.mtasts.core.store;
  exports dev.mtasts.core.delivery;
  exports dev.mtasts.core.tls;
  exports dev.mtasts.core.owner;

  // Crash-safe file writes, shared with the TLS-RPT state; not part of the public API.
  exports dev.mtasts.core.internal to dev.mtasts.tlsrpt;
}
