package dev.mtasts.core.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Combines the outcomes of the AAAA and A queries for one host into the outcome of
 * {@link DnsLookup#addresses(String)}, by the rules documented there; for implementations of the
 * SPI, so that they all combine alike.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8305#section-4">RFC 8305 §4</a>
 */
public final class AddressOutcomes {
  private AddressOutcomes() {}

  /**
   * Combines the two outcomes: addresses if either family has some (interleaved, IPv6 first, RFC
   * 8305 §4, without duplicates, at most {@code maxAddresses}); else a temporary failure if either
   * failed (the A query's when both did); else NXDOMAIN when both are, else NODATA.
   *
   * @param host the host name as the caller gave it
   * @param ipv6 the outcome of the AAAA query
   * @param ipv4 the outcome of the A query
   * @param maxAddresses the most addresses kept; those past it in the interleaved order are dropped
   * @return the combined outcome, named {@code host}
   * @throws IllegalArgumentException if {@code maxAddresses} is not positive
   */
  public static DnsOutcome<InetAddress> combine(String host, DnsOutcome<InetAddress> ipv6,
      DnsOutcome<InetAddress> ipv4, int maxAddresses) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(ipv6, "ipv6");
    Objects.requireNonNull(ipv4, "ipv4");
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses must be positive, not " + maxAddresses);
    }
    List<InetAddress> six =
        ipv6 instanceof DnsOutcome.Records<InetAddress> r ? r.records() : List.of();
    List<InetAddress> four =
        ipv4 instanceof DnsOutcome.Records<InetAddress> r ? r.records() : List.of();
    if (!six.isEmpty() || !four.isEmpty()) {
      Set<InetAddress> interleaved = new LinkedHashSet<>();
      for (int i = 0; i < Math.max(six.size(), four.size()); i++) {
        if (i < six.size()) {
          interleaved.add(six.get(i));
        }
        if (i < four.size()) {
          interleaved.add(four.get(i));
        }
      }
      List<InetAddress> kept = new ArrayList<>(interleaved);
      List<String> chain = ipv6 instanceof DnsOutcome.Records<InetAddress> r
          ? r.cnameChain() : ((DnsOutcome.Records<InetAddress>) ipv4).cnameChain();
      return new DnsOutcome.Records<>(host,
          kept.subList(0, Math.min(kept.size(), maxAddresses)), chain);
    }
    if (ipv4 instanceof DnsOutcome.TemporaryFailure<InetAddress> f) {
      return new DnsOutcome.TemporaryFailure<>(host, f.reason(), "A: " + f.message(), f.cause());
    }
    if (ipv6 instanceof DnsOutcome.TemporaryFailure<InetAddress> f) {
      return new DnsOutcome.TemporaryFailure<>(host, f.reason(), "AAAA: " + f.message(), f.cause());
    }
    if (ipv6 instanceof DnsOutcome.NoSuchName && ipv4 instanceof DnsOutcome.NoSuchName) {
      return new DnsOutcome.NoSuchName<>(host);
    }
    return new DnsOutcome.NoData<>(host);
  }
}
