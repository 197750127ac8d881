package dev.mtasts.fetch;

import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Finds the addresses of the policy host {@code mta-sts.<domain>} for
 * {@link HttpPolicyFetcher} (RFC 8461 §3.3). Only the TCP connection uses them: SNI, the
 * {@code Host} header and the certificate's DNS-ID check always use the name (FET-5, FET-2).
 *
 * <p>The fetcher tries the addresses in the order given, happy-eyeballs style (RFC 8305 §5),
 * all within its one overall deadline; it does not wait for a stage past that deadline. A stage
 * that completes exceptionally, or with no address, fails the fetch with
 * {@link dev.mtasts.core.fetch.FetchFailure#HOST_NOT_FOUND} (an {@link UnknownHostException})
 * or another classified failure; it never makes the fetch complete exceptionally.
 *
 * <p>Implementations must be thread-safe and should not block the calling thread: do blocking
 * look-ups on an executor, as {@link #system(Executor)} does.
 */
@FunctionalInterface
public interface AddressResolver {

  /**
   * Resolves a host name.
   *
   * @param host the policy host, an A-label name such as {@code mta-sts.example.com}
   * @return the addresses to try, in order
   */
  CompletionStage<List<InetAddress>> resolve(String host);

  /**
   * Returns the JDK's resolver ({@link InetAddress#getAllByName(String)}, which follows the
   * system's configuration and the JDK's address cache), run on {@code executor} because it
   * blocks. This is the fetcher's default, on the fetcher's executor.
   *
   * @param executor where the blocking look-up runs
   * @return the resolver
   */
  static AddressResolver system(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return host -> CompletableFuture.supplyAsync(() -> {
      try {
        return List.of(InetAddress.getAllByName(host));
      } catch (UnknownHostException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  /**
   * Takes the addresses from a {@link DnsLookup} (its A and AAAA look-up), so that the policy host
   * is found through the same DNS servers as the {@code _mta-sts} record and the MX hosts: an MTA
   * with its own resolver, or a checker asked to use a given server, sees one view of DNS
   * (RFC 8461 §3.3). The addresses are tried in the lookup's order (IPv6 first, interleaved).
   *
   * <p>Outcomes: {@link DnsOutcome.Records} gives the addresses; {@link DnsOutcome.NoSuchName}
   * and {@link DnsOutcome.NoData} fail the fetch with
   * {@link dev.mtasts.core.fetch.FetchFailure#HOST_NOT_FOUND}, saying which; a
   * {@link DnsOutcome.TemporaryFailure} fails it the same way, with the lookup's reason and
   * message, since no address could be found. The lookup's own deadline bounds the time, and the
   * fetch's overall deadline still applies on top.
   *
   * @param dns the lookup; it completes the stage on its own executor
   * @return the resolver
   * @throws NullPointerException if {@code dns} is null
   */
  static AddressResolver from(DnsLookup dns) {
    Objects.requireNonNull(dns, "dns");
    return host -> dns.addresses(host).thenApply(outcome -> {
      if (outcome instanceof DnsOutcome.Records<InetAddress> r) {
        return r.records();
      }
      String why = outcome instanceof DnsOutcome.NoSuchName<InetAddress> ? host + " does not exist in DNS (NXDOMAIN)"
          : outcome instanceof DnsOutcome.TemporaryFailure<InetAddress> f
              ? "looking up the addresses of " + host + " failed (" + f.reason() + "): " + f.message()
              : host + " has no A or AAAA record";
      throw new CompletionException(new UnknownHostException(why));
    });
  }
}
