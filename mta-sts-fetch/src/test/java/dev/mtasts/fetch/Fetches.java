package dev.mtasts.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpHandler;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TunnelProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Shared set-up and assertions for the fetch integration tests.
 *
 * <p>The only wall-clock assertion anywhere is that a fetch finished within its configured
 * deadline plus {@link #MARGIN}; every verdict is the outcome's reason.
 */
final class Fetches {
  static final PolicyDomain DOMAIN = PolicyDomain.of("example.test");
  static final String HOST = "mta-sts.example.test";
  static final String PATH = "/.well-known/mta-sts.txt";
  /** Short, so the timeout cases are quick; generous for everything else on loopback. */
  static final Duration DEADLINE = Duration.ofSeconds(2);
  /**
   * For tests whose verdict is not about time: room for a cold JVM's first handshake on a
   * loaded 2-core machine, which can take longer than {@link #DEADLINE}.
   */
  static final Duration ROOMY_DEADLINE = Duration.ofSeconds(10);
  /** Scheduling slack on a loaded 2-core machine. */
  static final Duration MARGIN = Duration.ofSeconds(3);

  private Fetches() {}

  /** An outcome and how long the caller waited for it. */
  record Timed(PolicyFetchOutcome outcome, Duration took) {}

  /**
   * A fetcher for {@link #HOST} through {@code proxy}, trusting {@code pki}, with the short
   * {@link #DEADLINE}.
   */
  static HttpPolicyFetcher.Builder fetcher(TestPki pki, TunnelProxy proxy) {
    return fetcher(pki, proxy, DEADLINE);
  }

  /** As {@link #fetcher(TestPki, TunnelProxy)}, with another deadline. */
  static HttpPolicyFetcher.Builder fetcher(TestPki pki, TunnelProxy proxy, Duration deadline) {
    return HttpPolicyFetcher.builder()
        .trustManager(pki.trustManager())
        .proxy(proxy.selector())
        .connectTimeout(Duration.ofSeconds(1))
        .deadline(deadline);
  }

  /**
   * What one fetch from a {@link PolicyHost} behind a {@link TunnelProxy} left behind.
   *
   * @param timed the outcome
   * @param requests what the server received
   * @param sniNames the SNI names of the handshakes the server saw
   * @param tunnels the {@code CONNECT} targets the proxy saw
   */
  record Served(Timed timed, List<PolicyHost.Request> requests, List<String> sniNames, List<String> tunnels) {}

  /** Fetches once from a host presenting {@code credential} and answering with {@code handler}. */
  static Served serve(TestPki pki, TestPki.Issued credential, HttpHandler handler) throws Exception {
    return serve(pki, credential, handler, b -> b);
  }

  /** As {@link #serve(TestPki, TestPki.Issued, HttpHandler)}, with fetcher options. */
  static Served serve(TestPki pki, TestPki.Issued credential, HttpHandler handler,
      UnaryOperator<HttpPolicyFetcher.Builder> options) throws Exception {
    try (PolicyHost host = PolicyHost.start(credential, handler);
        TunnelProxy proxy = TunnelProxy.to(host.address())) {
      Timed timed = fetch(options.apply(fetcher(pki, proxy)).build());
      return new Served(timed, host.requests(), host.sniNames(), proxy.targets());
    }
  }

  static Timed fetch(PolicyFetcher fetcher) throws Exception {
    long start = System.nanoTime();
    // The get timeout is a hang guard only; the fetch's own deadline must end it much sooner.
    PolicyFetchOutcome outcome = fetcher.fetch(DOMAIN).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new Timed(outcome, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Asserts a failure by its reason and RFC 8460 result type, and that it came within the
   * deadline (plus scheduling margin).
   */
  static PolicyFetchOutcome.Failed assertFailed(Timed timed, FetchFailure reason, String resultType) {
    return assertFailed(timed, reason, resultType, DEADLINE);
  }

  static PolicyFetchOutcome.Failed assertFailed(Timed timed, FetchFailure reason, String resultType,
      Duration deadline) {
    assertThat(timed.outcome()).as("%s", timed.outcome()).isInstanceOf(PolicyFetchOutcome.Failed.class);
    PolicyFetchOutcome.Failed failed = (PolicyFetchOutcome.Failed) timed.outcome();
    assertThat(failed.reason()).as(failed.message()).isEqualTo(reason);
    assertThat(failed.resultType().token()).isEqualTo(resultType);
    assertThat(failed.message()).isNotBlank();
    assertThat(failed.uri()).isEqualTo(DOMAIN.policyUri());
    assertThat(timed.took()).as("finished within the deadline").isLessThan(deadline.plus(MARGIN));
    assertThat(failed.elapsed()).isLessThan(deadline.plus(MARGIN));
    return failed;
  }

  static PolicyFetchOutcome.Fetched assertFetched(Timed timed) {
    assertThat(timed.outcome()).as("%s", timed.outcome()).isInstanceOf(PolicyFetchOutcome.Fetched.class);
    PolicyFetchOutcome.Fetched fetched = (PolicyFetchOutcome.Fetched) timed.outcome();
    assertThat(fetched.uri()).isEqualTo(DOMAIN.policyUri());
    assertThat(fetched.status()).isEqualTo(200);
    return fetched;
  }
}
