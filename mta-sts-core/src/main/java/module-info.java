/**
 * MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) core: the immutable policy model, the parsers and
 * serializers of policy files and of the {@code _mta-sts} and {@code _smtp._tls} TXT records, MX
 * pattern matching, the certificate name rules, and the DNS and policy-fetch SPIs.
 *
 * <p>No I/O of its own: DNS and HTTPS are service-provider interfaces implemented by other
 * modules, so this module depends on nothing but SLF4J (and JSpecify's annotations).
 */
module dev.mtasts.core {
  requires static transitive org.jspecify;
  requires org.slf4j;

  exports dev.mtasts.core;
  exports dev.mtasts.core.dns;
  exports dev.mtasts.core.fetch;
  exports dev.mtasts.core.tls;

  // The project's one builder guard, one duration wording and one crash-safe file helper, shared
  // by its own modules only; see the package's documentation. Not part of the public API.
  exports dev.mtasts.core.internal to
      dev.mtasts.resolver,
      dev.mtasts.owner,
      dev.mtasts.dns,
      dev.mtasts.fetch,
      dev.mtasts.tlsrpt,
      dev.mtasts.probe,
      dev.mtasts.redis,
      dev.mtasts.postfix,
      dev.mtasts.cli,
      dev.mtasts.micrometer;
}
