package dev.mtasts.tlsrpt.delivery;

import dev.mtasts.tlsrpt.ReportDelivery;
import dev.mtasts.tlsrpt.DeliveryOutcome;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.SafeText;
import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.internal.IpAddresses;
import dev.mtasts.tlsrpt.internal.TrustAllTrustManager;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers reports to {@code https:} URIs by HTTP POST (RFC 8460 §5.4), over one HTTP/1.1
 * connection per report.
 *
 * <p>The body is the gzip-compressed report with {@code Content-Type: application/tlsrpt+gzip}
 * (RPT-25). Any 2xx status means the report was accepted (RPT-26); 5xx, 408 and 429 are retryable
 * failures, other statuses (including redirects, which are not followed) permanent ones; network
 * and TLS errors are retryable. Only the status line is read (at most
 * {@value #MAX_RESPONSE_HEAD_BYTES} bytes with any interim 1xx responses); the rest of the
 * response is not.
 *
 * <p>Certificates are validated with the JDK's trust store, or a given {@link SSLContext}, and the
 * host name with the HTTPS rules (RFC 2818); RFC 8460 allows a reporter to ignore certificate
 * errors (RPT-25), which {@link Builder#ignoreCertificateErrors()} enables.
 *
 * <p><b>Destinations (SEC-16).</b> A {@code rua} URI comes from the DNS of whoever the MTA sent
 * mail to, so it must not make the MTA post to its own network: the host is resolved, and only
 * public unicast addresses are connected to (see {@link IpAddresses#nonPublicReason(byte[])}:
 * loopback, private, CGNAT, link-local, unique and site-local, unspecified, multicast and reserved
 * addresses, also in IPv4-mapped and other embedding forms, are skipped). The socket is connected
 * to the very address that was checked, so a second DNS answer cannot redirect it (no DNS
 * rebinding). A URI whose host has no public address fails permanently with a message starting
 * {@value #REFUSED_DESTINATION}. {@link Builder#allowPrivateDestinations()} lifts the check, for
 * tests and for reporters inside a private network.
 *
 * <pre>{@code
 * ReportDelivery https = HttpsReportDelivery.builder().executor(executor).build();
 * }</pre>
 *
 * <p>Threads: each delivery runs, blocking, as one task on the configured executor (name
 * resolution included, bounded by the platform resolver's own timeouts); the connect is bounded
 * by the connect timeout per address, the TLS handshake by the connect timeout, and sending plus
 * reading the status by the request timeout, which a task on
 * {@link CompletableFuture#delayedExecutor(long, TimeUnit, Executor)} enforces by closing the
 * socket (the JDK runs that delay on one shared daemon thread of its own).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5.4">RFC 8460 §5.4</a>
 */
public final class HttpsReportDelivery implements ReportDelivery {
  /** The default for {@link Builder#connectTimeout(Duration)}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** The default for {@link Builder#requestTimeout(Duration)}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** The most bytes of response head read: the status line and any interim 1xx responses. */
  public static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
  /** The start of the message of a {@link DeliveryOutcome.Failed} for a non-public destination. */
  public static final String REFUSED_DESTINATION = "refused destination";

  private static final Logger LOG = LoggerFactory.getLogger(HttpsReportDelivery.class);
  private static final int MAX_LOGGED_CHARS = 256;

  private final Executor executor;
  private final SSLContext ssl;
  private final boolean verifyHostName;
  private final boolean allowPrivate;
  private final Duration connectTimeout;
  private final Duration requestTimeout;

  private HttpsReportDelivery(Builder b, Executor executor) {
    this.executor = executor;
    SSLContext ctx = b.sslContext;
    try {
      if (b.ignoreCertificateErrors) {
        ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAllTrustManager()}, null);
      } else if (ctx == null) {
        ctx = SSLContext.getDefault();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS SSLContext", e);
    }
    this.ssl = ctx;
    this.verifyHostName = !b.ignoreCertificateErrors;
    this.allowPrivate = b.allowPrivateDestinations;
    this.connectTimeout = b.connectTimeout;
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
  public CompletionStage<DeliveryOutcome> deliver(EncodedReport report, URI rua) {
    Objects.requireNonNull(report, "report");
    if (!supports(rua)) {
      throw new IllegalArgumentException("not an https URI: " + rua);
    }
    String host = rua.getHost();
    if (host == null || rua.getRawUserInfo() != null || rua.getPort() == 0 || rua.getPort() > 65_535) {
      return CompletableFuture.completedFuture(new DeliveryOutcome.Failed(rua, false,
          "the URI cannot be requested: it needs a host, a port from 1 to 65535 if any, and no user information",
          null));
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return post(report, rua);
      } catch (RuntimeException e) {
        // The contract: delivery problems complete normally; an unexpected one is retried later.
        return new DeliveryOutcome.Failed(rua, true, "the POST failed: " + e, e);
      }
    }, executor);
  }

  /** The whole exchange, blocking; never throws for a delivery problem. */
  private DeliveryOutcome post(EncodedReport report, URI rua) {
    String host = bare(Objects.requireNonNull(rua.getHost()));
    int port = rua.getPort() < 0 ? 443 : rua.getPort();
    List<InetAddress> targets;
    try {
      targets = destinations(host);
    } catch (UnknownHostException e) {
      return new DeliveryOutcome.Failed(rua, true, "the POST failed: cannot resolve " + host, e);
    }
    if (targets.isEmpty()) {
      return new DeliveryOutcome.Failed(rua, true, "the POST failed: " + host + " has no address", null);
    }
    List<String> refused = new ArrayList<>();
    IOException connectFailure = null;
    for (InetAddress address : targets) {
      String reason = allowPrivate ? null : IpAddresses.nonPublicReason(address.getAddress());
      if (reason != null) {
        refused.add(IpAddresses.format(address.getAddress()) + " (" + reason + ")");
        continue;
      }
      Socket socket = new Socket();
      try {
        // SEC-16: the socket connects to the address just checked, never to a name resolved again.
        socket.connect(new InetSocketAddress(address, port), millis(connectTimeout));
      } catch (IOException e) {
        close(socket);
        connectFailure = e;
        continue;
      }
      return exchange(socket, host, port, report, rua);
    }
    if (connectFailure != null) {
      return failure(rua, connectFailure, false);
    }
    LOG.warn("TLS-RPT report {} not sent to {}: its host has only non-public addresses {}", report.fileName(),
        SafeText.escape(rua.toString(), MAX_LOGGED_CHARS), refused);
    return new DeliveryOutcome.Failed(rua, false, REFUSED_DESTINATION + ": " + host
        + " resolves only to non-public addresses " + refused + " (SEC-16)", null);
  }

  /** The addresses of a host: an address literal as it is, else every address DNS gives. */
  private static List<InetAddress> destinations(String host) throws UnknownHostException {
    byte[] literal = IpAddresses.parse(host);
    if (literal != null) {
      return List.of(InetAddress.getByAddress(literal));
    }
    return List.of(InetAddress.getAllByName(host));
  }

  /** TLS, the request and the status line on a connected socket, within the timeouts. */
  private DeliveryOutcome exchange(Socket plain, String host, int port, EncodedReport report, URI rua) {
    AtomicBoolean expired = new AtomicBoolean();
    CompletableFuture<Void> done = new CompletableFuture<>();
    SSLSocket tls = null;
    try {
      plain.setSoTimeout(millis(connectTimeout));
      tls = (SSLSocket) ssl.getSocketFactory().createSocket(plain, host, port, true);
      SSLParameters params = tls.getSSLParameters();
      if (verifyHostName) {
        params.setEndpointIdentificationAlgorithm("HTTPS");
      }
      if (IpAddresses.parse(host) == null) {
        try {
          params.setServerNames(List.of(new SNIHostName(host)));
        } catch (IllegalArgumentException e) {
          LOG.debug("No SNI for {}: not a valid SNI host name", SafeText.escape(host, MAX_LOGGED_CHARS));
        }
      }
      tls.setSSLParameters(params);
      tls.startHandshake();
      // The request deadline: a peer that stops reading or writing cannot hold the task longer.
      // The plain socket is closed, not the TLS one: its close would wait for the reading thread.
      long deadline = System.nanoTime() + requestTimeout.toNanos();
      CompletableFuture.delayedExecutor(requestTimeout.toNanos(), TimeUnit.NANOSECONDS, executor).execute(() -> {
        if (!done.isDone()) {
          expired.set(true);
          close(plain);
        }
      });
      OutputStream out = tls.getOutputStream();
      out.write(requestHead(rua, host, port, report).getBytes(StandardCharsets.US_ASCII));
      out.write(report.content());
      out.flush();
      int status = readStatus(tls, deadline);
      return result(rua, status, report);
    } catch (IOException e) {
      return failure(rua, e, expired.get());
    } finally {
      done.complete(null);
      if (tls != null) {
        // TLS 1.3 close waits for the peer's close_notify for as long as the read timeout allows;
        // the status is all that is needed, so it is not waited for.
        try {
          tls.setSoTimeout(1);
        } catch (IOException e) {
          LOG.debug("Cannot shorten the read timeout before closing", e);
        }
        close(tls);
      }
      close(plain);
    }
  }

  private static String requestHead(URI rua, String host, int port, EncodedReport report) {
    URI ascii = URI.create(rua.toASCIIString());
    String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
    String target = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
    // java.net.URI accepts only ASCII host names, so the host needs no IDNA conversion here.
    String hostField = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    if (port != 443) {
      hostField = hostField + ":" + port;
    }
    return "POST " + target + " HTTP/1.1\r\n"
        + "Host: " + hostField + "\r\n"
        + "Content-Type: " + report.mediaType() + "\r\n"
        + "Content-Length: " + report.content().length + "\r\n"
        + "Connection: close\r\n"
        + "\r\n";
  }

  /**
   * Reads the final status code: skips interim 1xx responses, reads at most
   * {@link #MAX_RESPONSE_HEAD_BYTES} bytes in all, and gives up at the deadline.
   */
  private static int readStatus(Socket socket, long deadline) throws IOException {
    InputStream in = socket.getInputStream();
    int budget = MAX_RESPONSE_HEAD_BYTES;
    while (true) {
      StringBuilder line = new StringBuilder();
      budget = readLine(socket, in, line, budget, deadline);
      String l = line.toString();
      if (!l.startsWith("HTTP/1.") || l.length() < 12 || l.charAt(8) != ' '
          || !Character.isDigit(l.charAt(9)) || !Character.isDigit(l.charAt(10)) || !Character.isDigit(l.charAt(11))
          || (l.length() > 12 && l.charAt(12) != ' ')) {
        throw new ProtocolException("not an HTTP/1.x status line: " + SafeText.escape(l, 80));
      }
      int status = Integer.parseInt(l.substring(9, 12));
      if (status >= 200 || status < 100) {
        return status;
      }
      // An interim response: skip its header fields up to the empty line.
      do {
        line.setLength(0);
        budget = readLine(socket, in, line, budget, deadline);
      } while (line.length() > 0);
    }
  }

  /** Reads one line (without CR LF) within the byte budget and the deadline; returns the budget left. */
  private static int readLine(Socket socket, InputStream in, StringBuilder line, int budget, long deadline)
      throws IOException {
    int left = budget;
    while (true) {
      long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (remaining <= 0) {
        throw new SocketTimeoutException("no response within the request timeout");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed the connection before a complete status line");
      }
      if (--left < 0) {
        throw new ProtocolException("the response head exceeds " + MAX_RESPONSE_HEAD_BYTES + " bytes");
      }
      if (b == '\n') {
        int n = line.length();
        if (n > 0 && line.charAt(n - 1) == '\r') {
          line.setLength(n - 1);
        }
        return left;
      }
      line.append((char) b);
    }
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      LOG.debug("Closing a report delivery socket failed", e);
    }
  }

  private static DeliveryOutcome result(URI rua, int status, EncodedReport report) {
    if (status >= 200 && status < 300) {
      LOG.debug("TLS-RPT report {} accepted by {} with HTTP {}", report.fileName(),
          SafeText.escape(rua.toString(), MAX_LOGGED_CHARS), status);
      return new DeliveryOutcome.Delivered(rua, "HTTP " + status);
    }
    boolean retryable = status >= 500 || status == 408 || status == 429;
    return new DeliveryOutcome.Failed(rua, retryable, "the server answered HTTP " + status
        + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""), null);
  }

  private static DeliveryOutcome failure(URI rua, IOException e, boolean expired) {
    String kind;
    if (expired || e instanceof SocketTimeoutException) {
      kind = "timed out";
    } else if (e instanceof SSLException) {
      kind = "TLS failed";
    } else {
      kind = "failed";
    }
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new DeliveryOutcome.Failed(rua, true, "the POST " + kind + ": " + msg, e);
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
    private boolean allowPrivateDestinations;
    private final Builders.Tracker set = new Builders.Tracker();

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
     * Sets the TCP connect timeout (per address tried) and the TLS handshake timeout.
     *
     * @param timeout a positive duration; the default is 30 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration timeout) {
      set.mark("connectTimeout");
      this.connectTimeout = Builders.positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long sending the report and reading the response status may take in all.
     *
     * @param timeout a positive duration; the default is 60 seconds
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder requestTimeout(Duration timeout) {
      set.mark("requestTimeout");
      this.requestTimeout = Builders.positive(timeout, "requestTimeout");
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
     * Allows reports to be posted to loopback, private, link-local and other non-public
     * addresses, which are refused by default (SEC-16): for tests, and for reporters whose report
     * receivers are inside their own network. Never enable it for an MTA that sends to domains it
     * does not control: their {@code rua} could then reach its internal services.
     *
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder allowPrivateDestinations() {
      set.mark("allowPrivateDestinations");
      this.allowPrivateDestinations = true;
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
