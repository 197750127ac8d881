package dev.mtasts.fetch.internal;

import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.ProblemCode;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.Severity;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetchOutcome;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.fetch.internal.FailureClassifier.Phase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One policy fetch over one HTTP/1.1 connection: address resolution, happy-eyeballs connection
 * attempts, an optional proxy tunnel, the TLS handshake, the request, the decisions on status,
 * media type and body, and the outcome.
 *
 * <p>The outcome is completed exactly once, by whichever comes first: the exchange or the
 * deadline. Every socket the fetch opens is registered, and all of them are closed the moment
 * the outcome is decided (success, cap, rejection, failure or deadline), so no network work
 * outlives a fetch: closing a socket with unread data makes the kernel send a reset, and a
 * blocked read fails at once. Blocking work runs on the settings' executor; the deadline fires
 * on the JDK's delayed-executor thread, where it only closes sockets, and completes the outcome
 * on the executor.
 */
public final class PolicyFetch {
  /** The stagger between connection attempts: 250 ms, as RFC 8305 §5 recommends. */
  public static final Duration ATTEMPT_DELAY = Duration.ofMillis(250);
  /** The most addresses tried: 8; the rest of a longer answer is ignored. */
  public static final int MAX_ADDRESSES = 8;
  /**
   * The TCP receive buffer asked for: 64 KiB. A policy is at most 64 KiB, and a fixed buffer
   * stops a hostile host from making the kernel queue megabytes the fetch will never read.
   */
  public static final int RECEIVE_BUFFER_BYTES = 65536;

  private static final Logger LOG = LoggerFactory.getLogger("dev.mtasts.fetch.HttpPolicyFetcher");
  private static final String[] HTTP_1_1 = {"http/1.1"};

  private final FetchSettings settings;
  private final String host;
  private final URI uri;
  private final Instant start;
  private final long deadlineNanos;
  private final CompletableFuture<PolicyFetchOutcome> outcome = new CompletableFuture<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Phase phase = Phase.RESOLVE;
  private volatile @Nullable Http1Reader reader;
  private volatile @Nullable SSLSession session;
  private volatile PolicyFetchOutcome.@Nullable Failed timedOut;

  private PolicyFetch(FetchSettings settings, PolicyDomain domain) {
    this.settings = settings;
    this.host = domain.policyHost();
    this.uri = domain.policyUri();
    this.start = settings.clock().instant();
    this.deadlineNanos = System.nanoTime() + nanos(settings.deadline());
  }

  /**
   * Starts a fetch.
   *
   * @param settings the fetcher's settings
   * @param domain the Policy Domain
   * @return the outcome; never completed exceptionally except by an {@link Error}
   */
  public static CompletableFuture<PolicyFetchOutcome> start(FetchSettings settings, PolicyDomain domain) {
    return new PolicyFetch(settings, domain).run();
  }

  private CompletableFuture<PolicyFetchOutcome> run() {
    DeadlineTask deadline = new DeadlineTask(this);
    // Runnable::run: the task runs on the JDK's delayer thread, so a busy executor cannot
    // postpone closing the sockets; it does nothing there that blocks.
    CompletableFuture.delayedExecutor(nanos(settings.deadline()), TimeUnit.NANOSECONDS, Runnable::run)
        .execute(deadline);
    outcome.whenComplete((o, t) -> {
      deadline.disarm();
      closeAll();
    });
    try {
      InetSocketAddress proxy = proxy();
      if (proxy != null) {
        new Attempts(List.of(proxy), true).launchNext();
        return outcome;
      }
      CompletionStage<List<InetAddress>> addresses = settings.resolver().apply(host);
      addresses.whenComplete((list, thrown) -> {
        try {
          if (thrown != null) {
            fail(thrown, null);
          } else if (list == null || list.isEmpty()) {
            fail(new UnknownHostException("the resolver found no address for " + host), null);
          } else {
            List<InetSocketAddress> targets = new ArrayList<>();
            for (InetAddress a : list.subList(0, Math.min(list.size(), MAX_ADDRESSES))) {
              targets.add(new InetSocketAddress(Objects.requireNonNull(a, "the resolver's address"), settings.port()));
            }
            new Attempts(targets, false).launchNext();
          }
        } catch (Throwable t) {
          // Such as a null address: the stage this callback returns is dropped, so fail here.
          fail(t, null);
        }
      });
    } catch (Throwable t) {
      fail(t, null);
    }
    return outcome;
  }

  /** Returns the HTTP proxy the selector chooses for the policy URI, or null for a direct connection. */
  private @Nullable InetSocketAddress proxy() {
    ProxySelector selector = settings.proxy();
    if (selector == null) {
      return null;
    }
    for (Proxy p : selector.select(uri)) {
      if (p.type() == Proxy.Type.DIRECT) {
        return null;
      }
      if (p.type() == Proxy.Type.HTTP && p.address() instanceof InetSocketAddress a) {
        return a;
      }
    }
    return null;
  }

  /**
   * Connection attempts to the addresses in order, each started {@link #ATTEMPT_DELAY} after the
   * one before or as soon as it fails, whichever is first (RFC 8305 §5); the first connection
   * wins and the others are closed.
   */
  private final class Attempts {
    private final List<InetSocketAddress> targets;
    private final boolean tunnel;
    private int next;
    private int running;
    private boolean connected;
    private @Nullable IOException failure;

    Attempts(List<InetSocketAddress> targets, boolean tunnel) {
      this.targets = targets;
      this.tunnel = tunnel;
    }

    void launchNext() {
      InetSocketAddress target;
      boolean more;
      synchronized (this) {
        if (connected || outcome.isDone() || next >= targets.size()) {
          return;
        }
        target = targets.get(next++);
        running++;
        more = next < targets.size();
      }
      phase = Phase.CONNECT;
      try {
        if (more) {
          CompletableFuture.delayedExecutor(ATTEMPT_DELAY.toNanos(), TimeUnit.NANOSECONDS, settings.executor())
              .execute(this::launchNext);
        }
        settings.executor().execute(() -> attempt(target));
      } catch (RejectedExecutionException e) {
        fail(e, null);
      }
    }

    private void attempt(InetSocketAddress target) {
      Socket socket = new Socket();
      try {
        register(socket);
        // Set before connecting, so the window offered to the peer is small from the start.
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
        socket.setTcpNoDelay(true);
        socket.connect(target, (int) Math.max(1, Math.min(settings.connectTimeout().toMillis(), remainingMillis())));
      } catch (Throwable t) {
        close(socket);
        failed(target, t);
        return;
      }
      synchronized (this) {
        if (connected || outcome.isDone()) {
          close(socket);
          return;
        }
        connected = true;
      }
      for (Socket s : sockets) {
        if (s != socket) {
          close(s);
        }
      }
      exchange(socket, tunnel);
    }

    private void failed(InetSocketAddress target, Throwable t) {
      if (t instanceof Error e) {
        fail(e, null);
        return;
      }
      boolean last;
      synchronized (this) {
        running--;
        IOException e = t instanceof SocketTimeoutException timeout ? timeout
            : t instanceof UnknownHostException unknown ? unknown
            : new ConnectException(target + ": " + FailureClassifier.detail(t));
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
        last = running == 0 && next >= targets.size() && !connected;
      }
      if (last) {
        fail(failure, null);
      } else {
        launchNext();
      }
    }
  }

  /** Runs the exchange on a connected socket, on the thread that connected it. */
  private void exchange(Socket raw, boolean tunnel) {
    CertificateSummary certificate = null;
    PolicyFetchOutcome result;
    try {
      raw.setSoTimeout((int) Math.max(1, remainingMillis())); // a backstop: the deadline closes the socket
      if (tunnel) {
        phase = Phase.TUNNEL;
        tunnel(raw);
      }
      phase = Phase.HANDSHAKE;
      // Not registered: closing the TCP socket under it is what ends the fetch, at once, where
      // closing the TLS socket would first try to send close_notify.
      SSLSocket tls = (SSLSocket) settings.tls().getSocketFactory().createSocket(raw, host, settings.port(), true);
      SSLParameters p = tls.getSSLParameters();
      p.setProtocols(settings.protocols().toArray(String[]::new));
      p.setApplicationProtocols(HTTP_1_1);
      p.setServerNames(List.of(new SNIHostName(host)));
      // No endpoint identification: the JDK's would fall back to the common name (FET-15);
      // DnsIdTrustManager, or the check below, applies the DNS-ID-only rule instead.
      p.setEndpointIdentificationAlgorithm(null);
      tls.setSSLParameters(p);
      tls.startHandshake();
      SSLSession established = tls.getSession();
      session = established;
      X509Certificate leaf = leaf(established);
      if (leaf == null) {
        result = failed(FetchFailure.TLS_HANDSHAKE_FAILED, "the TLS session with " + host
            + " has no verified server certificate", 0, null, List.of(), null);
      } else if (!CertificateNames.matches(leaf, host)) {
        // Unreachable with the fetcher's own trust manager; a configured SSLContext gets here,
        // before any request is sent.
        certificate = CertificateSummary.of(leaf);
        result = failed(FetchFailure.CERTIFICATE_NAME_MISMATCH,
            DnsIdTrustManager.nameMismatchMessage(host, certificate), 0, certificate, List.of(), null);
      } else {
        certificate = CertificateSummary.of(leaf);
        result = request(tls, certificate);
      }
    } catch (Throwable t) {
      close(raw);
      fail(t, certificate);
      return;
    } finally {
      close(raw);
      // complete() ends it too; this covers a deadline that completed the outcome mid-handshake.
      endSession();
    }
    complete(result);
  }

  private void tunnel(Socket raw) throws IOException {
    String target = host + ":" + settings.port();
    OutputStream out = raw.getOutputStream();
    out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: " + settings.userAgent()
        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Http1Reader r = new Http1Reader(raw.getInputStream());
    ResponseHead head = r.readHead();
    if (head.status() / 100 != 2) {
      throw new ConnectException("the proxy refused the tunnel to " + target + ": '"
          + SafeText.escape(head.statusLine(), 200) + "'");
    }
    if (r.buffered() > 0) {
      throw new HttpProtocolException("the proxy sent data after its answer to CONNECT, before the TLS handshake");
    }
  }

  /** Sends the request and reads the response; returns the outcome, the socket still open. */
  private PolicyFetchOutcome request(SSLSocket tls, CertificateSummary certificate) throws IOException {
    phase = Phase.HEAD;
    // No conditional or cache header is ever sent (FET-8); Connection: close, one fetch per connection.
    OutputStream out = tls.getOutputStream();
    out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: "
        + settings.userAgent() + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Http1Reader r = new Http1Reader(tls.getInputStream());
    reader = r;
    ResponseHead head = r.readHead();
    int status = head.status();
    PolicyFetchOutcome.Failed rejected = rejection(head, certificate);
    if (rejected != null) {
      return rejected;
    }
    Http1Reader.Framing framing = Http1Reader.framing(head);
    phase = Phase.BODY;
    Body body = r.readBody(framing, settings.maxBodyBytes());
    if (body instanceof Body.TooLarge tl) {
      return tooLarge(tl, status, certificate);
    }
    return evaluate(head, ((Body.Bytes) body).bytes(), certificate);
  }

  private PolicyFetchOutcome.@Nullable Failed rejection(ResponseHead head, CertificateSummary certificate) {
    int status = head.status();
    if (isRedirect(head)) {
      String location = head.first("Location").map(l -> SafeText.escape(l, 300)).orElse("(no Location)");
      return failed(FetchFailure.REDIRECT, "HTTP " + status + " redirect to " + location
          + " not followed: RFC 8461 §3.3 forbids following redirects (FET-7)", status, certificate, List.of(), null);
    }
    if (status != 200) {
      return failed(FetchFailure.HTTP_STATUS, "HTTP status " + status + " from " + uri
          + "; only 200 makes a policy valid (FET-6)", status, certificate, List.of(), null);
    }
    ContentType ct = ContentType.of(head.all("Content-Type"));
    if (!ct.textPlain() && settings.requireTextPlain()) {
      return failed(FetchFailure.CONTENT_TYPE, ct.problem() + " (FET-9)", status, certificate, List.of(), null);
    }
    return null;
  }

  private static boolean isRedirect(ResponseHead head) {
    int status = head.status();
    return switch (status) {
      case 301, 302, 303, 307, 308 -> true;
      default -> status >= 300 && status < 400 && head.first("Location").isPresent();
    };
  }

  private PolicyFetchOutcome.Failed tooLarge(Body.TooLarge tl, int status, CertificateSummary certificate) {
    String size = tl.declared() ? "declares a Content-Length of " + tl.bytes() + " bytes"
        : "sent more than " + settings.maxBodyBytes() + " bytes (" + tl.bytes() + " when reading stopped)";
    return failed(FetchFailure.BODY_TOO_LARGE, "the policy body " + size + "; the limit is "
        + settings.maxBodyBytes() + " bytes (FET-10)", status, certificate, List.of(), null);
  }

  private PolicyFetchOutcome evaluate(ResponseHead head, byte[] body, CertificateSummary certificate) {
    int status = head.status();
    List<String> contentTypes = head.all("Content-Type");
    ContentType ct = ContentType.of(contentTypes);
    List<ParseProblem> warnings = new ArrayList<>(2);
    if (!ct.textPlain()) {
      warnings.add(warning(ProblemCode.POLICY_CONTENT_TYPE, ct.problem() + "; accepted because the"
          + " fetcher only warns about the media type (FET-9)"));
    } else if (!ct.charsetAcceptable()) {
      warnings.add(warning(ProblemCode.POLICY_CHARSET, "Content-Type '" + SafeText.escape(ct.raw(), 200)
          + "' declares charset '" + SafeText.escape(String.valueOf(ct.charset()), 100)
          + "'; the body is read as UTF-8 regardless (FET-9)"));
    }
    LenientPolicy policy;
    try {
      policy = MtaStsPolicy.parseLenient(body);
    } catch (MtaStsParseException e) {
      return failed(FetchFailure.INVALID_POLICY, "the policy served by " + host + " is invalid: "
          + e.getMessage(), status, certificate, e.problems(), null);
    }
    warnings.addAll(policy.warnings());
    return new PolicyFetchOutcome.Fetched(uri, body, policy.policy(), warnings, status,
        String.join(", ", contentTypes), elapsed(), certificate);
  }

  private static ParseProblem warning(ProblemCode code, String message) {
    return new ParseProblem(code, Severity.WARNING, 0, 0, "Content-Type", message);
  }

  private static @Nullable X509Certificate leaf(SSLSession session) {
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  /** Ends the fetch with the classification of {@code t}; an {@link Error} propagates. */
  private void fail(Throwable t, @Nullable CertificateSummary certificate) {
    if (t instanceof Error e) {
      outcome.completeExceptionally(e);
      throw e;
    }
    PolicyFetchOutcome.Failed timeout = timedOut;
    if (timeout != null) {
      // The deadline closed the socket under this thread: that, not the I/O error, is the story.
      complete(timeout);
      return;
    }
    Http1Reader r = reader;
    FailureClassifier.Classified c = FailureClassifier.classify(t, new FailureClassifier.Context(
        host, phase, r == null ? 0 : r.bodyBytes(), settings.connectTimeout(), settings.deadline()));
    complete(failed(c.reason(), c.message(), 0, c.certificate() != null ? c.certificate() : certificate,
        List.of(), c.cause()));
  }

  private void deadlinePassed() {
    Http1Reader r = reader;
    PolicyFetchOutcome.Failed timeout = failed(FetchFailure.TIMEOUT, "the fetch of " + uri
        + " did not finish within the deadline of " + Durations.human(settings.deadline()) + ", "
        + phase.when(r == null ? 0 : r.bodyBytes()) + " (FET-10)", 0, null, List.of(), null);
    timedOut = timeout;
    closeAll();
    try {
      settings.executor().execute(() -> complete(timeout));
    } catch (RejectedExecutionException e) {
      complete(timeout);
    }
  }

  private void register(Socket socket) {
    sockets.add(socket);
    if (outcome.isDone() || timedOut != null) {
      close(socket);
    }
  }

  /**
   * Makes the TLS session of the fetch non-resumable (FET-40): the next fetch of this host does
   * a full handshake and validates the certificate presented then (RFC 8461 §3.3). A resumed
   * session would run no trust manager and carry this session's certificate (RFC 8446 §2.2),
   * for up to the JDK's 24-hour session timeout. Invalidating removes the session from the
   * context's client cache (a TLS 1.2 session id) together with the TLS 1.3 tickets the server
   * sent on the connection, which JSSE caches as its child sessions. Called only once the
   * connection is closed, before the outcome is published: JSSE still caches a ticket that
   * arrives after an invalidation, and a second {@code invalidate()} does nothing.
   */
  private void endSession() {
    SSLSession s = session;
    if (s != null) {
      s.invalidate();
    }
  }

  private void closeAll() {
    for (Socket s : sockets) {
      close(s);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing is all that matters; there is nothing left to tell.
    }
  }

  private long remainingMillis() {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
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

  private void complete(PolicyFetchOutcome o) {
    // Close first: the outcome is decided, so no byte more is read or written for it.
    closeAll();
    endSession();
    boolean won = outcome.complete(o);
    if (won && LOG.isDebugEnabled()) {
      if (o instanceof PolicyFetchOutcome.Failed f) {
        LOG.debug("policy fetch {} failed after {}: {} ({}): {}", uri, f.elapsed(), f.reason(),
            f.resultType(), f.message());
      } else {
        LOG.debug("policy fetch {} succeeded after {}", uri, o.elapsed());
      }
    }
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
