package dev.mtasts.core.fetch;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.TlsRptResultType;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a policy fetch: a valid policy, or a failure with its reason.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.3">RFC 8461 §3.3</a>
 */
public sealed interface PolicyFetchOutcome permits PolicyFetchOutcome.Fetched, PolicyFetchOutcome.Failed {

  /**
   * Returns the URL that was fetched.
   *
   * @return {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}
   */
  URI uri();

  /**
   * Returns how long the fetch took.
   *
   * @return the elapsed time, measured by the fetcher's clock
   */
  Duration elapsed();

  /**
   * The policy was fetched and is valid (read leniently; see {@link MtaStsPolicy#parseLenient(byte[])}).
   *
   * @param uri the URL fetched
   * @param body the raw body; kept for TLS-RPT {@code policy-string} (CAC-1) and owners' checks
   * @param policy the parsed policy
   * @param warnings the deviations the lenient reading tolerated, and content-type warnings
   * @param status the HTTP status, always 200
   * @param contentType the {@code Content-Type} header as received, or {@code ""} when absent
   * @param elapsed the time the fetch took
   * @param certificate the policy host's leaf certificate
   */
  record Fetched(URI uri, byte[] body, MtaStsPolicy policy, List<ParseProblem> warnings, int status,
      String contentType, Duration elapsed, CertificateSummary certificate) implements PolicyFetchOutcome {

    /**
     * Copies the body and the warnings.
     *
     * @param uri the {@code uri} component
     * @param body the {@code body} component
     * @param policy the {@code policy} component
     * @param warnings the {@code warnings} component
     * @param status the {@code status} component
     * @param contentType the {@code contentType} component
     * @param elapsed the {@code elapsed} component
     * @param certificate the {@code certificate} component
     */
    public Fetched {
      Objects.requireNonNull(uri, "uri");
      body = body.clone();
      Objects.requireNonNull(policy, "policy");
      warnings = List.copyOf(warnings);
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(elapsed, "elapsed");
      Objects.requireNonNull(certificate, "certificate");
    }

    /**
     * Returns a copy of the raw body.
     *
     * @return the body bytes as served
     */
    @Override
    public byte[] body() {
      return body.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Fetched f && uri.equals(f.uri) && Arrays.equals(body, f.body)
          && policy.equals(f.policy) && warnings.equals(f.warnings) && status == f.status
          && contentType.equals(f.contentType) && elapsed.equals(f.elapsed)
          && certificate.equals(f.certificate);
    }

    @Override
    public int hashCode() {
      return Objects.hash(uri, Arrays.hashCode(body), policy, warnings, status, contentType, elapsed,
          certificate);
    }

    @Override
    public String toString() {
      return "Fetched[uri=" + uri + ", status=" + status + ", contentType=" + contentType + ", bytes="
          + body.length + ", policy=" + policy + ", warnings=" + warnings.size() + ", elapsed=" + elapsed + "]";
    }
  }

  /**
   * The fetch failed.
   *
   * @param uri the URL fetched
   * @param reason why it failed
   * @param message a human-readable explanation naming what was expected and what came
   * @param status the HTTP status when a response arrived, else 0
   * @param elapsed the time until the failure
   * @param certificate the policy host's leaf certificate when the handshake got that far
   * @param problems the parse problems when {@code reason} is {@link FetchFailure#INVALID_POLICY}
   * @param cause the underlying exception, when there is one
   */
  record Failed(URI uri, FetchFailure reason, String message, int status, Duration elapsed,
      @Nullable CertificateSummary certificate, List<ParseProblem> problems, @Nullable Throwable cause)
      implements PolicyFetchOutcome {

    /**
     * Validates the components.
     *
     * @param uri the {@code uri} component
     * @param reason the {@code reason} component
     * @param message the {@code message} component
     * @param status the {@code status} component
     * @param elapsed the {@code elapsed} component
     * @param certificate the {@code certificate} component
     * @param problems the {@code problems} component
     * @param cause the {@code cause} component
     */
    public Failed {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(elapsed, "elapsed");
      problems = List.copyOf(problems);
    }

    /**
     * A failure with a reason and a message only: no HTTP status, no time, no certificate, no
     * parse problems. Prefer this and the {@code with...} methods to the eight-argument
     * constructor.
     *
     * @param uri the policy URI
     * @param reason why
     * @param message what happened, for people
     * @return the failure
     */
    public static Failed of(URI uri, FetchFailure reason, String message) {
      return new Failed(uri, reason, message, 0, Duration.ZERO, null, List.of(), null);
    }

    /**
     * A failure caused by an exception, such as a fetcher that threw or did not answer in time.
     *
     * @param uri the policy URI
     * @param reason why
     * @param message what happened, for people
     * @param cause the exception
     * @return the failure
     */
    public static Failed of(URI uri, FetchFailure reason, String message, Throwable cause) {
      return new Failed(uri, reason, message, 0, Duration.ZERO, null, List.of(), cause);
    }

    /**
     * Returns this failure with the HTTP status of the response.
     *
     * @param httpStatus the status, such as 404
     * @return a copy
     */
    public Failed withStatus(int httpStatus) {
      return new Failed(uri, reason, message, httpStatus, elapsed, certificate, problems, cause);
    }

    /**
     * Returns this failure with the policy host's certificate.
     *
     * @param leaf the leaf certificate presented
     * @return a copy
     */
    public Failed withCertificate(CertificateSummary leaf) {
      return new Failed(uri, reason, message, status, elapsed, leaf, problems, cause);
    }

    /**
     * Returns this failure with the problems found in an invalid policy body.
     *
     * @param found the parse problems
     * @return a copy
     */
    public Failed withProblems(List<ParseProblem> found) {
      return new Failed(uri, reason, message, status, elapsed, certificate, found, cause);
    }

    /**
     * Returns the RFC 8460 result type of this failure.
     *
     * @return {@code reason().resultType()}
     */
    public TlsRptResultType resultType() {
      return reason.resultType();
    }
  }
}
