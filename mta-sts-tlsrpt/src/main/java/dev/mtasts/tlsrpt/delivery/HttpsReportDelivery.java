package dev.mtasts.tlsrpt.delivery;

import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.internal.SetOnce;
import dev.mtasts.tlsrpt.internal.TrustAllTrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers reports to {@code https:} URIs by HTTP POST (RFC 8460 §5.4), on {@code java.net.http}.
 *
 * <p>The body is the gzip-compressed report with {@code Content-Type: application/tlsrpt+gzip}
 * (RPT-25). Any 2xx status means the report was accepted (RPT-26); 5xx, 408 and 429 are retryable
 * failures, other statuses (including redirects, which are not followed) permanent ones; network
 * and TLS errors are retryable. The response body is not read.
 *
 * <p>Certificates are validated with the JDK's trust store, or a given {@link SSLContext}; RFC 8460
 * allows a reporter to ignore certificate errors (RPT-25), which
 * {@link Builder#ignoreCertificateErrors()} enables.
 *
 * <pre>{@code
 * ReportDelivery https = HttpsReportDelivery.builder().executor(executor).build();
 * }</pre>
 *
 * <p>Threads: requests and completions run on the configured executor; the JDK's
 * {@link HttpClient} also starts one selector thread of its own, which ends when the client is
 * garbage-collected.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.4">RFC 8460 §5.4</a>
 */
public final class HttpsReportDelivery implements ReportDelivery {
  /** The default for {@link Builder#connectTimeout(Duration)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** The default for {@link Builder#requestTimeout(Duration)}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(HttpsReportDelivery.class);

  private final HttpClient client;
  private final Duration requestTimeout;

  private HttpsReportDelivery(Builder b, Executor executor) {
    HttpClient.Builder hb = HttpClient.newBuilder()
        .executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(b.connectTimeout);
    SSLContext ssl = b.sslContext;
    if (b.ignoreCertificateErrors) {
      try {
        ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new TrustAllTrustManager()}, null);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK offers no TLS SSLContext", e);
      }
    }
    if (ssl != null) {
      hb.sslContext(ssl);
    }
    this.client = hb.build();
    this.requestTimeout = b.requestTimeout;
  }

  /**
   * Starts building a delivery.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean supports(URI rua) {
    return "https".equalsIgnoreCase(rua.getScheme());
  }

  @Override
  public CompletionStage<DeliveryResult> deliver(EncodedReport report, URI rua) {
    Objects.requireNonNull(report, "report");
    if (!supports(rua)) {
      throw new IllegalArgumentException("not an https URI: " + rua);
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(rua)
          .timeout(requestTimeout)
          .header("Content-Type", report.mediaType())
          .POST(HttpRequest.BodyPublishers.ofByteArray(report.content()))
          .build();
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new DeliveryResult.Failed(rua, false, "the URI cannot be requested: " + e.getMessage(), e));
    }
    return client.sendAsync(request, HttpsReportDelivery::ignoreBody)
        .handle((response, error) -> response != null ? result(rua, response.statusCode(), report)
            : failure(rua, unwrap(error)));
  }

  private static DeliveryResult result(URI rua, int status, EncodedReport report) {
    if (status >= 200 && status < 300) {
      LOG.debug("TLS-RPT report {} accepted by {} with HTTP {}", report.fileName(), rua, status);
      return new DeliveryResult.Delivered(rua, "HTTP " + status);
    }
    boolean retryable = status >= 500 || status == 408 || status == 429;
    return new DeliveryResult.Failed(rua, retryable, "the server answered HTTP " + status
        + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""), null);
  }

  private static DeliveryResult failure(URI rua, Throwable e) {
    String kind;
    if (e instanceof HttpTimeoutException) {
      kind = "timed out";
    } else if (e instanceof SSLException) {
      kind = "TLS failed";
    } else {
      kind = "failed";
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new DeliveryResult.Failed(rua, true, "the POST " + kind + ": " + msg, e);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Accepts the status and headers and cancels the body, so a server cannot hold the delivery. */
  private static HttpResponse.BodySubscriber<@Nullable Void> ignoreBody(HttpResponse.ResponseInfo info) {
    return new HttpResponse.BodySubscriber<>() {
      @Override
      public CompletionStage<@Nullable Void> getBody() {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.cancel();
      }

      @Override
      public void onNext(java.util.List<java.nio.ByteBuffer> item) {
        // Ignored.
      }

      @Override
      public void onError(Throwable throwable) {
        // Ignored: the status is all that matters.
      }

      @Override
      public void onComplete() {
        // Nothing to do.
      }
    };
  }

  /**
   * Builds an {@link HttpsReportDelivery}; the executor is required, each option may be set once.
   */
  public static final class Builder {
    private static final String TRUST = "sslContext or ignoreCertificateErrors";
    private @Nullable Executor executor;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private @Nullable SSLContext sslContext;
    private boolean ignoreCertificateErrors;
    private final SetOnce set = new SetOnce();

    private Builder() {}

    /**
     * Sets the executor that runs requests and completes the stages.
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      set.mark("executor");
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets the TCP and TLS connect timeout.
     *
     * @param timeout a positive duration; the default is 30 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration timeout) {
      set.mark("connectTimeout");
      this.connectTimeout = SetOnce.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long to wait for the response status after sending.
     *
     * @param timeout a positive duration; the default is 60 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder requestTimeout(Duration timeout) {
      set.mark("requestTimeout");
      this.requestTimeout = SetOnce.positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Sets the TLS context, for example one with a private trust store.
     *
     * @param context the context
     * @return this builder
     * @throws IllegalStateException if already set, or if certificate errors are ignored
     */
    public Builder sslContext(SSLContext context) {
      set.mark(TRUST);
      this.sslContext = Objects.requireNonNull(context, "context");
      return this;
    }

    /**
     * Accepts any server certificate, as RFC 8460 §3 allows (RPT-25): reports are then delivered to
     * endpoints with expired, self-signed or mismatched certificates, and to attackers who can
     * intercept the connection.
     *
     * @return this builder
     * @throws IllegalStateException if already set, or if a TLS context was set
     */
    public Builder ignoreCertificateErrors() {
      set.mark(TRUST);
      this.ignoreCertificateErrors = true;
      return this;
    }

    /**
     * Builds the delivery.
     *
     * @return the delivery
     * @throws IllegalStateException if no executor was set
     */
    public HttpsReportDelivery build() {
      Executor e = executor;
      if (e == null) {
        throw new IllegalStateException("an executor is required");
      }
      return new HttpsReportDelivery(this, e);
    }
  }

  @Override
  public String toString() {
    return "HttpsReportDelivery[requestTimeout=" + requestTimeout.toString().toLowerCase(Locale.ROOT) + "]";
  }
}
