package dev.mtasts.fetch.internal;

import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.ProblemCode;
import dev.mtasts.core.Severity;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.fetch.ContentTypeMode;
import dev.mtasts.fetch.HttpPolicyFetcher;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy fetch: the request, the deadline that covers connect, headers and body, the
 * decisions on status, media type and body, and the outcome.
 *
 * <p>The outcome future is completed exactly once, by whichever comes first: the exchange or the
 * deadline. When the deadline wins, the exchange is cancelled (HTTP/1.1 closes the connection,
 * HTTP/2 resets the stream), because {@code HttpRequest.timeout} alone stops at the headers.
 */
public final class PolicyFetch {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPolicyFetcher.class);

  private final FetchSettings settings;
  private final String host;
  private final URI uri;
  private final Instant start;
  private final CompletableFuture<PolicyFetchOutcome> outcome = new CompletableFuture<>();
  private volatile @Nullable CompletableFuture<HttpResponse<Body>> exchange;
  private volatile @Nullable CappedBodySubscriber body;
  private volatile boolean responseStarted;
  private volatile @Nullable Head head;

  private PolicyFetch(FetchSettings settings, PolicyDomain domain) {
    this.settings = settings;
    this.host = domain.policyHost();
    this.uri = domain.policyUri();
    this.start = settings.clock().instant();
  }

  /**
   * Starts a fetch.
   *
   * @param settings the fetcher's settings
   * @param domain the Policy Domain
   * @return the outcome, completed by an {@code HttpClient} thread or by the deadline
   */
  public static CompletableFuture<PolicyFetchOutcome> start(FetchSettings settings, PolicyDomain domain) {
    return new PolicyFetch(settings, domain).run();
  }

  private CompletableFuture<PolicyFetchOutcome> run() {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .GET()
        .timeout(settings.deadline())
        .header("User-Agent", settings.userAgent())
        .build();
    DeadlineTask deadline = new DeadlineTask(this);
    delayed(settings.deadline(), settings.executor()).execute(deadline);
    outcome.whenComplete((o, t) -> deadline.disarm());
    CompletableFuture<HttpResponse<Body>> cf;
    try {
      cf = settings.client().sendAsync(request, info -> subscriberFor(info.statusCode(), info.headers()));
    } catch (RuntimeException e) {
      // A programming error (the client refused the request); never a network failure.
      outcome.completeExceptionally(e);
      return outcome;
    }
    exchange = cf;
    if (outcome.isDone()) {
      cf.cancel(true);
    }
    cf.whenComplete(this::exchangeDone);
    return outcome;
  }

  private static Executor delayed(Duration d, @Nullable Executor executor) {
    long nanos;
    try {
      nanos = d.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    return executor == null
        ? CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS)
        : CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS, executor);
  }

  /** Decides, from the status and headers alone, whether the body is worth reading. */
  private BodySubscriber<Body> subscriberFor(int status, HttpHeaders headers) {
    responseStarted = true;
    BodySubscriber<Body> subscriber;
    long declared = declaredLength(headers);
    if (outcome.isDone() || rejection(status, headers) != null) {
      // Read a short error page to its end; cut a long one off, and anything after the deadline.
      subscriber = new DiscardingBodySubscriber(new Body.Skipped(), outcome.isDone() ? 0 : settings.maxBodyBytes());
    } else if (declared > settings.maxBodyBytes()) {
      subscriber = new DiscardingBodySubscriber(new Body.TooLarge(declared, true), 0);
    } else {
      CappedBodySubscriber s = new CappedBodySubscriber(settings.maxBodyBytes(), declared);
      body = s;
      if (outcome.isDone()) {
        s.cancel();
      }
      subscriber = s;
    }
    head = new Head(status, headers, subscriber.getBody().toCompletableFuture());
    return subscriber;
  }

  private static long declaredLength(HttpHeaders headers) {
    try {
      return headers.firstValueAsLong("Content-Length").orElse(-1);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The status and headers of the response, and what its body subscriber produces. */
  private record Head(int status, HttpHeaders headers, CompletableFuture<Body> body) {}

  /** A failure decided by the status line and headers. */
  private record Rejection(FetchFailure reason, String message) {}

  private @Nullable Rejection rejection(int status, HttpHeaders headers) {
    if (isRedirect(status, headers)) {
      String location = headers.firstValue("Location").orElse("(no Location)");
      return new Rejection(FetchFailure.REDIRECT, "HTTP " + status + " redirect to " + location
          + " not followed: RFC 8461 §3.3 forbids following redirects (FET-7)");
    }
    if (status != 200) {
      return new Rejection(FetchFailure.HTTP_STATUS, "HTTP status " + status + " from " + uri
          + "; only 200 makes a policy valid (FET-6)");
    }
    ContentType ct = ContentType.of(headers.allValues("Content-Type"));
    if (!ct.textPlain() && settings.contentTypeMode() == ContentTypeMode.REQUIRE) {
      return new Rejection(FetchFailure.CONTENT_TYPE, ct.problem() + " (FET-9)");
    }
    return null;
  }

  private static boolean isRedirect(int status, HttpHeaders headers) {
    return switch (status) {
      case 301, 302, 303, 307, 308 -> true;
      default -> status >= 300 && status < 400 && headers.firstValue("Location").isPresent();
    };
  }

  private void exchangeDone(@Nullable HttpResponse<Body> response, @Nullable Throwable thrown) {
    if (outcome.isDone()) {
      return;
    }
    try {
      if (response != null) {
        complete(evaluate(response));
        return;
      }
      Throwable t = thrown == null ? new IllegalStateException("no response and no exception") : thrown;
      PolicyFetchOutcome decided = decidedBeforeTheFailure();
      if (decided != null) {
        complete(decided);
        return;
      }
      CappedBodySubscriber s = body;
      FailureClassifier.Classified c = FailureClassifier.classify(t, new FailureClassifier.Context(
          host, responseStarted, s == null ? 0 : s.received(), settings.connectTimeout(),
          settings.deadline()));
      if (c == null) {
        outcome.completeExceptionally(t);
      } else {
        complete(failed(c.reason(), c.message(), 0, c.certificate(), List.of(), c.cause()));
      }
    } catch (RuntimeException e) {
      outcome.completeExceptionally(e);
    }
  }

  /**
   * Returns the failure the status, headers or body cap had decided when the exchange then
   * failed anyway: cancelling an HTTP/2 stream can fail the whole exchange, although the body
   * subscriber had its answer. The certificate is unknown here, since only a complete response
   * carries the TLS session.
   */
  private @Nullable PolicyFetchOutcome decidedBeforeTheFailure() {
    Head h = head;
    if (h == null || !h.body().isDone() || h.body().isCompletedExceptionally()) {
      return null;
    }
    Body b = h.body().join();
    Rejection rejection = rejection(h.status(), h.headers());
    if (rejection != null) {
      return failed(rejection.reason(), rejection.message(), h.status(), null, List.of(), null);
    }
    return b instanceof Body.TooLarge tl ? tooLarge(tl, h.status(), null) : null;
  }

  private PolicyFetchOutcome.Failed tooLarge(Body.TooLarge tl, int status, @Nullable CertificateSummary certificate) {
    String size = tl.declared() ? "declares a Content-Length of " + tl.bytes() + " bytes"
        : "sent more than " + settings.maxBodyBytes() + " bytes (" + tl.bytes() + " when reading stopped)";
    return failed(FetchFailure.BODY_TOO_LARGE, "the policy body " + size + "; the limit is "
        + settings.maxBodyBytes() + " bytes (FET-10)", status, certificate, List.of(), null);
  }

  private PolicyFetchOutcome evaluate(HttpResponse<Body> response) {
    int status = response.statusCode();
    X509Certificate leaf = leaf(response.sslSession());
    if (leaf == null) {
      return failed(FetchFailure.TLS_HANDSHAKE_FAILED, "the response from " + host
          + " came without a verified server certificate", status, null, List.of(), null);
    }
    CertificateSummary certificate = CertificateSummary.of(leaf);
    if (!CertificateNames.matches(leaf, host)) {
      // Unreachable with the fetcher's own trust manager; a configured SSLContext gets here.
      return failed(FetchFailure.CERTIFICATE_NAME_MISMATCH,
          DnsIdTrustManager.nameMismatchMessage(host, certificate), status, certificate, List.of(), null);
    }
    Rejection rejection = rejection(status, response.headers());
    if (rejection != null) {
      return failed(rejection.reason(), rejection.message(), status, certificate, List.of(), null);
    }
    List<String> contentTypes = response.headers().allValues("Content-Type");
    ContentType ct = ContentType.of(contentTypes);
    List<ParseProblem> warnings = new ArrayList<>(2);
    if (!ct.textPlain()) {
      warnings.add(warning(ProblemCode.POLICY_CONTENT_TYPE, ct.problem() + "; accepted because the"
          + " fetcher only warns about the media type (FET-9)"));
    } else if (!ct.charsetAcceptable()) {
      warnings.add(warning(ProblemCode.POLICY_CHARSET, "Content-Type '" + ct.raw() + "' declares charset '"
          + ct.charset() + "'; the body is read as UTF-8 regardless (FET-9)"));
    }
    Body b = response.body();
    if (b instanceof Body.TooLarge tl) {
      return tooLarge(tl, status, certificate);
    }
    if (!(b instanceof Body.Bytes bytes)) {
      throw new IllegalStateException("a 200 text/plain response whose body was not read: " + b);
    }
    LenientPolicy policy;
    try {
      policy = MtaStsPolicy.parseLenient(bytes.bytes());
    } catch (MtaStsParseException e) {
      return failed(FetchFailure.INVALID_POLICY, "the policy served by " + host + " is invalid: "
          + e.getMessage(), status, certificate, e.problems(), null);
    }
    warnings.addAll(policy.warnings());
    return new PolicyFetchOutcome.Fetched(uri, bytes.bytes(), policy.policy(), warnings, status,
        contentTypes.isEmpty() ? "" : String.join(", ", contentTypes), elapsed(), certificate);
  }

  private static ParseProblem warning(ProblemCode code, String message) {
    return new ParseProblem(code, Severity.WARNING, 0, 0, "Content-Type", message);
  }

  private static @Nullable X509Certificate leaf(Optional<SSLSession> session) {
    if (session.isEmpty()) {
      return null;
    }
    try {
      Certificate[] chain = session.get().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private void deadlinePassed() {
    CappedBodySubscriber s = body;
    String when = !responseStarted ? "before the response headers arrived"
        : s == null ? "after the response headers" : "while reading the body, after " + s.received() + " bytes";
    boolean won = complete(failed(FetchFailure.TIMEOUT, "the fetch of " + uri + " did not finish within"
        + " the deadline of " + settings.deadline() + ", " + when + " (FET-10)", 0, null, List.of(), null));
    if (won) {
      if (s != null) {
        s.cancel();
      }
      CompletableFuture<HttpResponse<Body>> cf = exchange;
      if (cf != null) {
        cf.cancel(true);
      }
    }
  }

  private PolicyFetchOutcome.Failed failed(FetchFailure reason, String message, int status,
      @Nullable CertificateSummary certificate, List<ParseProblem> problems, @Nullable Throwable cause) {
    return new PolicyFetchOutcome.Failed(uri, reason, message, status, elapsed(), certificate, problems, cause);
  }

  private Duration elapsed() {
    Duration d = Duration.between(start, settings.clock().instant());
    return d.isNegative() ? Duration.ZERO : d;
  }

  private boolean complete(PolicyFetchOutcome o) {
    boolean won = outcome.complete(o);
    if (won && LOG.isDebugEnabled()) {
      if (o instanceof PolicyFetchOutcome.Failed f) {
        LOG.debug("policy fetch {} failed after {}: {} ({}): {}", uri, f.elapsed(), f.reason(),
            f.resultType(), f.message());
      } else {
        LOG.debug("policy fetch {} succeeded after {}", uri, o.elapsed());
      }
    }
    return won;
  }

  /** Holds the fetch only until it completes, so a pending timer keeps no response alive. */
  private static final class DeadlineTask implements Runnable {
    private volatile @Nullable PolicyFetch fetch;

    DeadlineTask(PolicyFetch fetch) {
      this.fetch = fetch;
    }

    void disarm() {
      fetch = null;
    }

    @Override
    public void run() {
      PolicyFetch f = fetch;
      if (f != null) {
        f.deadlinePassed();
      }
    }
  }
}
