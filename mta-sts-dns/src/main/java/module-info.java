/**
 * The mta-sts DNS module: {@link dev.mtasts.dns.DnsjavaLookup} implements the core DNS lookup SPI
 * ({@code dev.mtasts.core.dns.DnsLookup}) on dnsjava, telling "no record" apart from "DNS is
 * failing right now" (RFC 8461 §3.1, §3.3, §5.1).
 *
 * <p>No dnsjava type appears in this module's public API.
 */
module dev.mtasts.dns {
  requires transitive dev.mtasts.core;
  requires org.dnsjava;
  requires org.slf4j;
  requires static org.jspecify;

  exports dev.mtasts.dns;
}
