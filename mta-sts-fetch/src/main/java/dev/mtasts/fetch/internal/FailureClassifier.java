package dev.mtasts.fetch.internal;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Maps what {@code HttpClient} completes an exchange with onto a {@link FetchFailure} and a
 * message a person can act on.
 */
public final class FailureClassifier {
  /** Enough to find any cause {@code HttpClient} and JSSE wrap, without looping on a cycle. */
  private static final int MAX_DEPTH = 16;

  private FailureClassifier() {}

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
   * What the fetch knew when the exchange failed.
   *
   * @param host the policy host
   * @param responseStarted whether the status and headers had arrived
   * @param bodyBytes how many body bytes had arrived
   * @param connectTimeout the configured connect timeout
   * @param deadline the configured overall deadline
   */
  public record Context(String host, boolean responseStarted, long bodyBytes, Duration connectTimeout,
      Duration deadline) {}

  /**
   * Classifies a failed exchange.
   *
   * @param thrown what the exchange completed with
   * @param ctx the state of the fetch
   * @return the classification, or {@code null} when {@code thrown} is not a network, TLS or HTTP
   *     failure but a programming error that must propagate
   */
  public static @Nullable Classified classify(Throwable thrown, Context ctx) {
    Throwable t = unwrap(thrown);
    String host = ctx.host();
    PolicyHostCertificateException refused = find(t, PolicyHostCertificateException.class);
    if (refused != null) {
      return new Classified(refused.reason(), String.valueOf(refused.getMessage()), refused.certificate(), t);
    }
    if (find(t, HttpConnectTimeoutException.class) != null) {
      return new Classified(FetchFailure.TIMEOUT, "no connection to " + host + " within the connect"
          + " timeout of " + ctx.connectTimeout() + " (FET-10)", null, t);
    }
    if (find(t, HttpTimeoutException.class) != null) {
      return new Classified(FetchFailure.TIMEOUT, "no response from " + host + " within the deadline"
          + " of " + ctx.deadline() + " (FET-10)", null, t);
    }
    CertificateException certificate = find(t, CertificateException.class);
    if (certificate != null && !ctx.responseStarted()) {
      return certificateFailure(host, certificate, t);
    }
    if (find(t, UnresolvedAddressException.class) != null || find(t, UnknownHostException.class) != null) {
      return new Classified(FetchFailure.HOST_NOT_FOUND, "the policy host " + host
          + " does not resolve: " + detail(t), null, t);
    }
    SSLException tls = find(t, SSLException.class);
    if (tls != null && !ctx.responseStarted()) {
      return new Classified(FetchFailure.TLS_HANDSHAKE_FAILED, "the TLS handshake with " + host
          + " failed: " + detail(tls) + " (TLS 1.2 or later is required, FET-14)", null, t);
    }
    if (find(t, ConnectException.class) != null || isTunnelRefusal(t)) {
      return new Classified(FetchFailure.CONNECT_FAILED, "could not connect to " + host + ": "
          + detail(t), null, t);
    }
    if (find(t, IOException.class) != null) {
      String when = ctx.responseStarted()
          ? "while reading the body, after " + ctx.bodyBytes() + " bytes"
          : "before the response headers arrived";
      return new Classified(FetchFailure.IO_ERROR, "the connection to " + host + " failed " + when
          + ": " + detail(t), null, t);
    }
    return null;
  }

  private static Classified certificateFailure(String host, CertificateException e, Throwable t) {
    String m = String.valueOf(e.getMessage());
    if (!PolicyHostCertificateException.isValidityFailure(e)
        && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
      // The JDK's own HTTPS identification, which runs when a custom SSLContext is configured.
      return new Classified(FetchFailure.CERTIFICATE_NAME_MISMATCH, "the certificate is not valid for "
          + host + ": " + m + " (FET-3)", null, t);
    }
    PolicyHostCertificateException r = DnsIdTrustManager.refusal(host, null, e);
    return new Classified(r.reason(), String.valueOf(r.getMessage()), null, t);
  }

  /** The JDK's {@code HttpClient} reports a proxy that refuses {@code CONNECT} this way. */
  private static boolean isTunnelRefusal(Throwable t) {
    IOException e = find(t, IOException.class);
    return e != null && e.getMessage() != null && e.getMessage().startsWith("Tunnel failed");
  }

  private static String detail(Throwable t) {
    Throwable d = t;
    for (int i = 0; i < MAX_DEPTH && d.getMessage() == null && d.getCause() != null; i++) {
      d = d.getCause();
    }
    return d.getMessage() == null ? d.getClass().getName() : d.getClass().getSimpleName() + ": " + d.getMessage();
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
