package dev.mtasts.fetch.internal;

import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Maps whatever ended a fetch early onto a {@link FetchFailure} (and so an RFC 8460 result type)
 * and a message a person can act on. Every throwable gets a classification: a failure that is
 * none of the known network, TLS or HTTP ones is an {@link FetchFailure#IO_ERROR}, so that a
 * fetch never completes exceptionally (an {@link Error} never gets here). Messages show network
 * text (exception messages may quote it) only through {@link SafeText}.
 */
public final class FailureClassifier {
  /** Enough to find any cause JSSE and the JDK wrap, without looping on a cycle. */
  private static final int MAX_DEPTH = 16;
  /** How much of an exception message a failure message shows. */
  private static final int SHOWN = 300;

  private FailureClassifier() {}

  /** How far a fetch got; every step is bounded by the one overall deadline. */
  public enum Phase {
    /** Looking up the policy host's addresses. */
    RESOLVE("while resolving the policy host"),
    /** Opening the TCP connection (to the host or to the proxy). */
    CONNECT("while connecting"),
    /** Asking the proxy for a {@code CONNECT} tunnel. */
    TUNNEL("while setting up the proxy tunnel"),
    /** The TLS handshake and the certificate checks. */
    HANDSHAKE("during the TLS handshake"),
    /** Sending the request and waiting for the response head. */
    HEAD("before the response headers arrived"),
    /** Reading the body. */
    BODY("while reading the body");

    private final String when;

    Phase(String when) {
      this.when = when;
    }

    /**
     * Describes the phase for a message.
     *
     * @param bodyBytes the body bytes read so far
     * @return such as {@code "while reading the body, after 1234 bytes"}
     */
    public String when(long bodyBytes) {
      return this == BODY ? when + ", after " + bodyBytes + " bytes" : when;
    }
  }

  /**
   * A classified failure.
   *
   * @param reason the failure
   * @param message what happened, for a person
   * @param certificate the leaf certificate, when a certificate check refused it
   * @param cause the exception, unwrapped from completion wrappers
   */
  public record Classified(FetchFailure reason, String message, @Nullable CertificateSummary certificate,
      Throwable cause) {}

  /**
   * What the fetch knew when it failed.
   *
   * @param host the policy host
   * @param phase how far the fetch got
   * @param bodyBytes how many body bytes had arrived
   * @param connectTimeout the configured connect timeout
   * @param deadline the configured overall deadline
   */
  public record Context(String host, Phase phase, long bodyBytes, Duration connectTimeout, Duration deadline) {}

  /**
   * Classifies a failure.
   *
   * @param thrown what ended the fetch; not an {@link Error}
   * @param ctx the state of the fetch
   * @return the classification
   */
  public static Classified classify(Throwable thrown, Context ctx) {
    Throwable t = unwrap(thrown);
    String host = ctx.host();
    boolean handshaking = ctx.phase().compareTo(Phase.HANDSHAKE) <= 0;
    PolicyHostCertificateException refused = find(t, PolicyHostCertificateException.class);
    if (refused != null) {
      return new Classified(refused.reason(), String.valueOf(refused.getMessage()), refused.certificate(), t);
    }
    if (find(t, SocketTimeoutException.class) != null) {
      return ctx.phase() == Phase.CONNECT
          ? new Classified(FetchFailure.TIMEOUT, "no connection to " + host + " within the connect timeout of "
              + Durations.human(ctx.connectTimeout()) + " (FET-10)", null, t)
          : new Classified(FetchFailure.TIMEOUT, "no answer from " + host + " within the deadline of "
              + Durations.human(ctx.deadline()) + ", " + ctx.phase().when(ctx.bodyBytes()) + " (FET-10)", null, t);
    }
    CertificateException certificate = find(t, CertificateException.class);
    if (certificate != null && handshaking) {
      PolicyHostCertificateException r = DnsIdTrustManager.refusal(host, null, certificate,
          new java.security.cert.X509Certificate[0]);
      return new Classified(r.reason(), String.valueOf(r.getMessage()), null, t);
    }
    if (find(t, UnknownHostException.class) != null) {
      return new Classified(FetchFailure.HOST_NOT_FOUND, "the policy host " + host
          + " does not resolve: " + detail(t), null, t);
    }
    SSLException tls = find(t, SSLException.class);
    if (tls != null && handshaking) {
      return new Classified(FetchFailure.TLS_HANDSHAKE_FAILED, "the TLS handshake with " + host
          + " failed: " + detail(tls) + " (TLS 1.2 or later and ALPN http/1.1 are required, FET-14)", null, t);
    }
    if (find(t, ConnectException.class) != null || find(t, NoRouteToHostException.class) != null) {
      return new Classified(FetchFailure.CONNECT_FAILED, "could not connect to " + host + ": "
          + detail(t), null, t);
    }
    String when = ctx.phase().when(ctx.bodyBytes());
    HttpProtocolException protocol = find(t, HttpProtocolException.class);
    if (protocol != null) {
      return new Classified(FetchFailure.IO_ERROR, "the response from " + host + " is not valid HTTP/1.1 ("
          + when + "): " + protocol.getMessage(), null, t);
    }
    if (find(t, IOException.class) != null) {
      return new Classified(FetchFailure.IO_ERROR, "the connection to " + host + " failed " + when
          + ": " + detail(t), null, t);
    }
    return new Classified(FetchFailure.IO_ERROR, "the fetch from " + host + " failed unexpectedly " + when
        + ": " + detail(t), null, t);
  }

  /**
   * Describes a throwable in words, for the owner reading a finding (APP-12): the first message
   * found along its causes, escaped and shortened; when none has a message, what its type means.
   * Never a Java class name.
   *
   * @param t the throwable
   * @return such as {@code "Connection refused"}
   */
  public static String detail(Throwable t) {
    Throwable d = t;
    // A wrapper made with new XException(cause) has cause.toString() as its message: look past it.
    for (int i = 0; i < MAX_DEPTH; i++) {
      Throwable cause = d.getCause();
      String own = d.getMessage();
      if (cause == null || (own != null && !own.equals(cause.toString()))) {
        break;
      }
      d = cause;
    }
    String m = d.getMessage();
    if (m != null && !m.isBlank()) {
      return SafeText.escape(m, SHOWN);
    }
    return d instanceof UnresolvedAddressException ? "the address could not be resolved"
        : d instanceof ClosedChannelException ? "the connection was closed"
        : d instanceof SocketTimeoutException ? "timed out"
        : d instanceof EOFException ? "the connection ended early"
        : "no detail given";
  }

  private static Throwable unwrap(Throwable t) {
    Throwable u = t;
    for (int i = 0; i < MAX_DEPTH && (u instanceof CompletionException || u instanceof ExecutionException)
        && u.getCause() != null; i++) {
      u = u.getCause();
    }
    return u;
  }

  private static <T extends Throwable> @Nullable T find(Throwable t, Class<T> type) {
    Throwable c = t;
    for (int i = 0; i < MAX_DEPTH && c != null; i++) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
      if (c.getCause() == c) {
        break;
      }
      c = c.getCause();
    }
    return null;
  }
}
