package dev.mtasts.core.dns;

import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Asynchronous DNS lookups of the record types MTA-STS needs: TXT (the {@code _mta-sts} and
 * {@code _smtp._tls} records), MX, and the A and AAAA addresses of a host (the policy host and the
 * MX hosts to connect to).
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>Network conditions never surface as exceptions: a timeout, SERVFAIL, REFUSED, an
 *       unreachable server or a malformed answer completes the stage normally with
 *       {@link DnsOutcome.TemporaryFailure}. The stage completes exceptionally only for programming
 *       errors (such as a {@code null} name).
 *   <li>Names are absolute: {@code "_mta-sts.example.com"} is looked up as
 *       {@code "_mta-sts.example.com."}, never with a search list. A U-label name is converted to
 *       A-labels first.
 *   <li>CNAME chains are followed, with a bound (TXT-10); a loop or an over-long chain is a
 *       {@link DnsOutcome.TemporaryFailure}.
 *   <li>Every lookup completes within the implementation's deadline.
 *   <li>Implementations start no threads of their own beyond what they document, and complete
 *       stages on an executor they were configured with.
 * </ul>
 *
 * <p>DANE (RFC 7672) needs two more things, added as default methods so that implementations
 * without DNSSEC keep working unchanged: the MX RRset with whether it is DNSSEC-authenticated
 * ({@link #mxDnssec(String)}), and the TLSA records of an MX host ({@link #tlsa(String, int)}).
 * The defaults authenticate nothing ({@link DnssecStatus#NOT_VALIDATED}), so a sender on such an
 * implementation never finds DANE and MTA-STS applies.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.1">RFC 7672 §2.1</a>
 */
public interface DnsLookup {

  /**
   * Looks up the TXT records at {@code name}.
   *
   * <p>Each TXT RR becomes one string: its character-strings concatenated with no added spaces
   * (TXT-9), each byte mapped to the character of the same value, with no zone-file escaping.
   * Bytes above 0x7F are thus visible to the record parsers, which reject them (TXT-2).
   *
   * @param name the owner name, such as {@code _mta-sts.example.com}
   * @return the outcome; never completes exceptionally for network conditions
   */
  CompletionStage<DnsOutcome<String>> txt(String name);

  /**
   * Looks up the MX records at {@code name}.
   *
   * @param name the domain, such as {@code example.com}
   * @return the outcome, with records in the order received (sort by preference to use them)
   */
  CompletionStage<DnsOutcome<MxRecord>> mx(String name);

  /**
   * Looks up the addresses of {@code host}: its A and AAAA records, asked for together, with the
   * same four outcomes as the other lookups.
   *
   * <p>Combining the two answers:
   * <ul>
   *   <li>If either family has addresses, the outcome is {@link DnsOutcome.Records}, even when the
   *       other family failed temporarily: a host reachable over one family is reachable (RFC 8305
   *       §3, which also starts connecting once one family has answered).
   *   <li>Otherwise, if either query failed temporarily, the outcome is that
   *       {@link DnsOutcome.TemporaryFailure} (the A query's when both failed): "no address"
   *       cannot be concluded while a query failed.
   *   <li>Otherwise {@link DnsOutcome.NoSuchName} when both are NXDOMAIN, else
   *       {@link DnsOutcome.NoData} (a NODATA for one family shows the name exists).
   * </ul>
   *
   * <p>Order: the families interleaved, IPv6 first, as RFC 8305 §4 recommends for connection
   * attempts (AAAA #1, A #1, AAAA #2, A #2, ...; the rest of the longer family at the end); within
   * a family, the order received. Duplicates are removed. The addresses carry the queried name as
   * their host name (so {@link InetAddress#getHostName()} never triggers a reverse lookup).
   * Implementations bound the number of addresses and document the bound. The CNAME chain reported
   * is that of the first family, in this order, with addresses.
   *
   * <p>An IP literal is not recognised: {@code host} is always looked up as a DNS name.
   *
   * @param host the host name, such as {@code mta-sts.example.com}
   * @return the outcome, with at least one address when it is {@link DnsOutcome.Records}
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8305#section-4">RFC 8305 §4</a>
   * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
   */
  CompletionStage<DnsOutcome<InetAddress>> addresses(String host);

  /**
   * Looks up the MX records at {@code domain} and tells whether the answer (the records, or the
   * NXDOMAIN or NODATA) is DNSSEC-authenticated, as DANE needs before it looks for TLSA records
   * (RFC 7672 §2.2.1). A bogus answer is a {@link DnsFailure#DNSSEC_BOGUS} failure.
   *
   * <p>Default: {@link #mx(String)}, marked {@link DnssecStatus#NOT_VALIDATED}.
   *
   * @param domain the domain, such as {@code example.com}
   * @return the outcome and its DNSSEC status; never completes exceptionally for network
   *     conditions
   * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2.1">RFC 7672 §2.2.1</a>
   */
  default CompletionStage<DnssecOutcome<MxRecord>> mxDnssec(String domain) {
    return mx(domain).thenApply(DnssecOutcome::notValidated);
  }

  /**
   * Looks up the TLSA records of a TCP service, {@code _<port>._tcp.<host>} (RFC 6698 §3; port 25
   * for SMTP, RFC 7672 §2.2.3), and tells whether the answer is DNSSEC-authenticated: only a
   * {@link DnssecStatus#SECURE} TLSA RRset may be used (RFC 7672 §2.2). A bogus answer is a
   * {@link DnsFailure#DNSSEC_BOGUS} failure. Records that are not TLSA records, or whose data does
   * not parse, are skipped.
   *
   * <p>Default: no lookup at all; {@link DnsOutcome.NoData}, marked
   * {@link DnssecStatus#NOT_VALIDATED}, which tells nothing: an unauthenticated TLSA RRset is
   * never used, so it reads as "no DANE".
   *
   * @param host the server's host name, such as {@code mx.example.com}
   * @param port the TCP port, 1 to 65535
   * @return the outcome and its DNSSEC status; never completes exceptionally for network
   *     conditions
   * @see <a href="https://www.rfc-editor.org/rfc/rfc6698#section-3">RFC 6698 §3</a>
   * @see <a href="https://www.rfc-editor.org/rfc/rfc7672#section-2.2">RFC 7672 §2.2</a>
   */
  default CompletionStage<DnssecOutcome<TlsaRecord>> tlsa(String host, int port) {
    return CompletableFuture.completedFuture(
        DnssecOutcome.notValidated(new DnsOutcome.NoData<>(tlsaName(host, port))));
  }

  /**
   * Returns the owner name of the TLSA records of a TCP service: {@code _<port>._tcp.<host>}.
   *
   * @param host the host name, with or without the root dot
   * @param port the TCP port
   * @return the owner name, without the root dot
   * @throws IllegalArgumentException if {@code port} is outside 1 to 65535
   * @see <a href="https://www.rfc-editor.org/rfc/rfc6698#section-3">RFC 6698 §3</a>
   */
  static String tlsaName(String host, int port) {
    if (port < 1 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 1 to 65535, not " + port);
    }
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    return "_" + port + "._tcp." + h;
  }
}
