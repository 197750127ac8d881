package dev.mtasts.owner.monitor;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each alert to a webhook: an HTTPS POST of its JSON ({@link AlertJson},
 * {@code Content-Type: application/json}) over one HTTP/1.1 connection, with bounded retries
 * (MON-39).
 *
 * <p>TLS as the project's fetch module does it (RFC 8461 §3.3 for the policy fetch): only
 * {@code https:} URLs, TLS 1.2 or 1.3, the certificate validated against the JDK's trust store (or
 * a given {@link SSLContext}) and the host name checked with the HTTPS rules (RFC 2818, RFC 6125),
 * SNI sent, redirects not followed. A 2xx status is success; 408, 429 and 5xx, and network errors,
 * are retried; any other status, and a certificate that fails validation, are final.
 *
 * <p>Bounded: at most {@linkplain Builder#maxAttempts attempts} tries (default 3), waiting
 * {@linkplain Builder#retryDelay the retry delay} (default 30 seconds) and then twice as long each
 * time, measured by the {@link MonitorScheduler}; each attempt ends within
 * {@linkplain Builder#timeout the timeout} (default 10 seconds), which closes the socket. The
 * blocking I/O of each attempt runs as one task on the given executor, so {@link #publish} returns
 * at once and a failing webhook never blocks the monitor. Only the status line of the response is
 * read, at most {@value #MAX_STATUS_LINE_BYTES} bytes.
 */
public final class WebhookAlertSink implements AlertSink {
  /** The most bytes of the status line read. */
  public static final int MAX_STATUS_LINE_BYTES = 8 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAlertSink.class);
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private final URI url;
  private final String host;
  private final int port;
  private final String target;
  private final Executor executor;
  private final MonitorScheduler scheduler;
  private final SSLContext ssl;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final Duration timeout;

  private WebhookAlertSink(Builder b) {
    this.url = b.url;
    this.host = Objects.requireNonNull(b.url.getHost(), "host");
    this.port = b.url.getPort() < 0 ? 443 : b.url.getPort();
    String path = b.url.getRawPath() == null || b.url.getRawPath().isEmpty() ? "/" : b.url.getRawPath();
    this.target = b.url.getRawQuery() == null ? path : path + "?" + b.url.getRawQuery();
    this.executor = Objects.requireNonNull(b.executor, "executor is required");
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler is required");
    try {
      this.ssl = b.ssl != null ? b.ssl : SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS SSLContext", e);
    }
    this.maxAttempts = b.maxAttempts != null ? b.maxAttempts : 3;
    this.retryDelay = b.retryDelay != null ? b.retryDelay : Duration.ofSeconds(30);
    this.timeout = b.timeout != null ? b.timeout : Duration.ofSeconds(10);
  }

  /**
   * Returns a builder for a webhook at {@code url}.
   *
   * @param url an {@code https:} URL with a host
   * @return a new builder
   * @throws IllegalArgumentException if the URL is not {@code https:} or has no host or user info
   */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  @Override
  public CompletionStage<Void> publish(Alert alert) {
    byte[] body = AlertJson.toJson(alert).getBytes(StandardCharsets.UTF_8);
    CompletableFuture<Void> done = new CompletableFuture<>();
    attempt(body, 1, done);
    return done;
  }

  private void attempt(byte[] body, int n, CompletableFuture<Void> done) {
    try {
      executor.execute(() -> {
        Attempt result = post(body);
        if (result.ok()) {
          done.complete(null);
        } else if (result.retryable() && n < maxAttempts) {
          Duration wait = retryDelay.multipliedBy(1L << Math.min(n - 1, 20));
          LOG.debug("Webhook {} attempt {} failed ({}); retrying in {}", url, n, result.message(),
              Durations.human(wait));
          scheduler.schedule(() -> attempt(body, n + 1, done), wait);
        } else {
          done.completeExceptionally(new IOException("the webhook " + url + " failed after " + n
              + (n == 1 ? " attempt: " : " attempts: ") + result.message()));
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e); // a rejecting executor: nothing to retry on
    }
  }

  private record Attempt(boolean ok, boolean retryable, String message) {}

  /** One POST; never throws. */
  private Attempt post(byte[] body) {
    Socket raw = new Socket();
    MonitorScheduler.Cancellable deadline = scheduler.schedule(() -> closeQuietly(raw), timeout);
    try {
      connect(raw);
      raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      try (SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(raw, host, port, true)) {
        SSLParameters p = tls.getSSLParameters();
        p.setProtocols(PROTOCOLS);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(p);
        tls.startHandshake();
        OutputStream out = tls.getOutputStream();
        String head = "POST " + target + " HTTP/1.1\r\nHost: " + hostHeader() + "\r\nContent-Type: application/json"
            + "\r\nContent-Length: " + body.length + "\r\nUser-Agent: mta-sts-monitor\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        int status = status(tls.getInputStream());
        if (status / 100 == 2) {
          return new Attempt(true, false, "status " + status);
        }
        return new Attempt(false, status == 408 || status == 429 || status / 100 == 5, "status " + status);
      }
    } catch (SSLException e) {
      // A certificate or protocol failure does not heal in seconds: final, like the fetch's TLS failures.
      return new Attempt(false, false, "TLS failed: " + Text.message(e));
    } catch (IOException | RuntimeException e) {
      return new Attempt(false, true, Text.message(e));
    } finally {
      deadline.cancel();
      closeQuietly(raw);
    }
  }

  private void connect(Socket raw) throws IOException {
    IOException last = null;
    for (InetAddress a : InetAddress.getAllByName(host)) {
      try {
        raw.connect(new InetSocketAddress(a, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return;
      } catch (IOException e) {
        if (raw.isClosed()) {
          throw e;
        }
        last = e;
      }
    }
    throw last != null ? last : new IOException("no address for " + host);
  }

  private String hostHeader() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return port == 443 ? h : h + ":" + port;
  }

  /** Reads the status code of the first status line, within {@link #MAX_STATUS_LINE_BYTES}. */
  private static int status(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int i = 0; i < MAX_STATUS_LINE_BYTES; i++) {
      int c = in.read();
      if (c < 0 || c == '\n') {
        break;
      }
      line.append((char) c);
    }
    String s = line.toString().strip();
    if (!s.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
      throw new IOException("not an HTTP/1.1 status line: " + Text.quote(s.length() > 64 ? s.substring(0, 64) : s));
    }
    return Integer.parseInt(s.substring(9, 12));
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      LOG.trace("closing a webhook socket failed", e);
    }
  }

  @Override
  public String toString() {
    return "webhook " + url;
  }

  /**
   * Configures a webhook sink. Each option may be set once.
   */
  public static final class Builder {
    private final URI url;
    private @Nullable Executor executor;
    private @Nullable MonitorScheduler scheduler;
    private @Nullable SSLContext ssl;
    private @Nullable Integer maxAttempts;
    private @Nullable Duration retryDelay;
    private @Nullable Duration timeout;

    private Builder(URI url) {
      Objects.requireNonNull(url, "url");
      if (!"https".equals(url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT))
          || url.getHost() == null || url.getRawUserInfo() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException("a webhook URL is https://HOST[:PORT]/PATH, not " + Text.quote(
            url.toString()));
      }
      this.url = url;
    }

    /**
     * Sets the executor that runs each attempt's blocking I/O (required).
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the scheduler of retries and attempt deadlines (required; the monitor's own is fine).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(MonitorScheduler scheduler) {
      this.scheduler = Builders.once(this.scheduler, scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the TLS context, for a private CA; default the JDK's.
     *
     * @param context the context
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.ssl = Builders.once(this.ssl, context, "sslContext");
      return this;
    }

    /**
     * Sets the most attempts per alert; default 3.
     *
     * @param n 1 to 10
     * @return this builder
     */
    public Builder maxAttempts(int n) {
      if (n > 10) {
        throw new IllegalArgumentException("maxAttempts must be at most 10, not " + n);
      }
      this.maxAttempts = Builders.once(this.maxAttempts, Builders.atLeast(n, 1, "maxAttempts"), "maxAttempts");
      return this;
    }

    /**
     * Sets the wait before the second attempt, doubled before each further one; default 30 seconds.
     *
     * @param delay a positive duration
     * @return this builder
     */
    public Builder retryDelay(Duration delay) {
      this.retryDelay = Builders.once(this.retryDelay, Builders.positive(delay, "retryDelay"), "retryDelay");
      return this;
    }

    /**
     * Sets the deadline of one attempt (connect, TLS, request and status line); default 10 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Builders.once(this.timeout, Builders.positive(timeout, "timeout"), "timeout");
      return this;
    }

    /**
     * Builds the sink.
     *
     * @return the sink
     * @throws NullPointerException if the executor or the scheduler is missing
     */
    public WebhookAlertSink build() {
      return new WebhookAlertSink(this);
    }
  }
}
