/**
 * The DNS service-provider interface: {@link dev.mtasts.core.dns.DnsLookup} answers TXT, MX and
 * address (A and AAAA) queries with a sealed {@link dev.mtasts.core.dns.DnsOutcome} that tells
 * "no such name" and "no data" apart from "DNS is failing right now" (RFC 8461 §3.1, §3.3, §5.1).
 * For DANE (RFC 7672) it also answers MX and TLSA queries with whether they are
 * DNSSEC-authenticated ({@link dev.mtasts.core.dns.DnssecOutcome}); implementations without
 * DNSSEC authenticate nothing.
 *
 * <p>The {@code mta-sts-dns} module implements it on dnsjava; tests can use the fakes of
 * {@code mta-sts-testing}.
 */
@NullMarked
package dev.mtasts.core.dns;

import org.jspecify.annotations.NullMarked;
