package dev.mtasts.fetch;

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
}
