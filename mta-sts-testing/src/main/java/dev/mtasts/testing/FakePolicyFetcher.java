package dev.mtasts.testing;

import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.fetch.PolicyFetcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A programmable {@link PolicyFetcher}: serves configured bodies, fails on demand, counts fetches
 * and can hold answers back. A domain with nothing configured fails with
 * {@link FetchFailure#HOST_NOT_FOUND}.
 *
 * <pre>{@code
 * FakePolicyFetcher fetcher = FakePolicyFetcher.create()
 *     .serve("example.com", "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 86400\n");
 * fetcher.fail("broken.example", FetchFailure.CERTIFICATE_EXPIRED);
 * }</pre>
 */
public final class FakePolicyFetcher implements PolicyFetcher {
  private static final CertificateSummary FAKE_CERTIFICATE = new CertificateSummary(
      "CN=fake policy host", "CN=fake CA", List.of(), Instant.EPOCH, Instant.parse("9999-12-31T23:59:59Z"), "");

  private final Map<PolicyDomain, Supplier<PolicyFetchOutcome>> answers = new ConcurrentHashMap<>();
  private final Map<PolicyDomain, Gate> gates = new ConcurrentHashMap<>();
  private final Map<PolicyDomain, AtomicInteger> fetches = new ConcurrentHashMap<>();

  private FakePolicyFetcher() {}

  /**
   * Creates a fake that knows no domain.
   *
   * @return the fake
   */
  public static FakePolicyFetcher create() {
    return new FakePolicyFetcher();
  }

  /**
   * Serves {@code body} for the domain with status 200 and {@code text/plain}; an invalid body
   * yields {@link FetchFailure#INVALID_POLICY}, as a real fetcher would.
   *
   * @param domain the Policy Domain
   * @param body the policy body
   * @return this fake
   */
  public FakePolicyFetcher serve(String domain, String body) {
    return serve(domain, body, "text/plain");
  }

  /**
   * Serves {@code body} for the domain with status 200 and the given {@code Content-Type}, as a
   * fetcher that only warns about the media type would report it.
   *
   * @param domain the Policy Domain
   * @param body the policy body
   * @param contentType the header value, such as {@code text/html}
   * @return this fake
   */
  public FakePolicyFetcher serve(String domain, String body, String contentType) {
    PolicyDomain d = PolicyDomain.of(domain);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    answers.put(d, () -> {
      try {
        LenientPolicy read = MtaStsPolicy.parseLenient(bytes);
        return new PolicyFetchOutcome.Fetched(d.policyUri(), bytes, read.policy(), read.warnings(), 200,
            contentType, Duration.ZERO, FAKE_CERTIFICATE);
      } catch (MtaStsParseException e) {
        return PolicyFetchOutcome.Failed.of(d.policyUri(), FetchFailure.INVALID_POLICY,
            java.util.Objects.requireNonNullElse(e.getMessage(), "invalid policy"))
            .withStatus(200).withCertificate(FAKE_CERTIFICATE).withProblems(e.problems());
      }
    });
    return this;
  }

  /**
   * Makes fetches for the domain fail.
   *
   * @param domain the Policy Domain
   * @param reason the failure
   * @return this fake
   */
  public FakePolicyFetcher fail(String domain, FetchFailure reason) {
    PolicyDomain d = PolicyDomain.of(domain);
    answers.put(d, () -> PolicyFetchOutcome.Failed.of(d.policyUri(), reason, "fake " + reason));
    return this;
  }

  /**
   * Holds every fetch for the domain until the returned gate is released.
   *
   * @param domain the Policy Domain
   * @return the gate
   */
  public Gate hold(String domain) {
    Gate gate = new Gate();
    gates.put(PolicyDomain.of(domain), gate);
    return gate;
  }

  /**
   * Returns how many fetches were made for the domain.
   *
   * @param domain the Policy Domain
   * @return the count
   */
  public int fetches(String domain) {
    AtomicInteger n = fetches.get(PolicyDomain.of(domain));
    return n == null ? 0 : n.get();
  }

  @Override
  public CompletionStage<PolicyFetchOutcome> fetch(PolicyDomain domain) {
    Objects.requireNonNull(domain, "domain");
    fetches.computeIfAbsent(domain, d -> new AtomicInteger()).incrementAndGet();
    Supplier<PolicyFetchOutcome> answer = answers.get(domain);
    PolicyFetchOutcome outcome = answer != null ? answer.get()
        : PolicyFetchOutcome.Failed.of(domain.policyUri(), FetchFailure.HOST_NOT_FOUND,
            "fake: no policy host for " + domain);
    Gate gate = gates.get(domain);
    return gate == null ? CompletableFuture.completedStage(outcome) : gate.hold(outcome);
  }
}
