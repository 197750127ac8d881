package dev.mtasts.core.tls;

import dev.mtasts.core.delivery.MxCandidate;
import dev.mtasts.core.delivery.TlsRequirement;
import dev.mtasts.core.fetch.CertificateSummary;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A trust manager for one SMTP connection to one MX host, applying MTA-STS: PKIX validation by a
 * delegate, then the DNS-ID check against the MX host actually dialled (MXM-6, MXM-7, MXM-8).
 *
 * <p>Under {@code enforce} a failure aborts the handshake with an
 * {@link MtaStsCertificateException}; under {@code testing} it is reported to the
 * {@link TlsCheckListener} and the handshake goes on (APP-2). Use it for SSLEngine- or
 * SSLSocket-based MTAs; the SNI of the connection must be the MX host (MXM-10). The listener is
 * called through {@link TlsCheckListener#guarded(TlsCheckListener)}: whatever it throws is logged
 * and neither aborts the handshake nor changes the trust decision (SEC-15).
 *
 * <pre>{@code
 * SSLContext tls = MtaStsTrustManager.forCandidate(candidate, listener).sslContext();
 * SSLEngine engine = tls.createSSLEngine(candidate.host(), 25);
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-4.2">RFC 8461 §4.2</a>
 */
public final class MtaStsTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final MxCandidate candidate;
  private final TlsCheckListener listener;

  private MtaStsTrustManager(X509ExtendedTrustManager pkix, MxCandidate candidate, TlsCheckListener listener) {
    this.pkix = pkix;
    this.candidate = candidate;
    this.listener = listener;
  }

  /**
   * Creates a trust manager for a candidate, validating chains against the JDK's default trust
   * store.
   *
   * @param candidate the MX host; its requirement must be {@code STS_ENFORCE} or {@code STS_TESTING}
   * @param listener receives the outcome; its failures are logged, never propagated (SEC-15)
   * @return the trust manager
   * @throws IllegalArgumentException if MTA-STS checks do not apply to the candidate
   */
  public static MtaStsTrustManager forCandidate(MxCandidate candidate, TlsCheckListener listener) {
    return forCandidate(candidate, listener, defaultTrustManager());
  }

  /**
   * Creates a trust manager for a candidate with a given PKIX delegate.
   *
   * @param candidate the MX host; its requirement must be {@code STS_ENFORCE} or {@code STS_TESTING}
   * @param listener receives the outcome
   * @param pkix validates chains; called without endpoint identification, which this class does
   * @return the trust manager
   * @throws IllegalArgumentException if MTA-STS checks do not apply to the candidate
   */
  public static MtaStsTrustManager forCandidate(MxCandidate candidate, TlsCheckListener listener,
      X509ExtendedTrustManager pkix) {
    Objects.requireNonNull(candidate, "candidate");
    if (!candidate.stsChecksApply()) {
      throw new IllegalArgumentException("MTA-STS certificate checks do not apply to " + candidate.host()
          + " (requirement " + candidate.requirement() + ")");
    }
    // SEC-15: a listener (a TLS-RPT recorder, monitoring) never changes the trust decision.
    return new MtaStsTrustManager(Objects.requireNonNull(pkix, "pkix"), candidate,
        TlsCheckListener.guarded(Objects.requireNonNull(listener, "listener")));
  }

  /**
   * Returns an SSL context using this trust manager, TLS 1.2 or later, and no client certificate.
   *
   * @return a new context
   * @throws IllegalStateException if the platform has no TLS implementation
   */
  public SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {this}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation available", e);
    }
  }

  /**
   * Returns the JDK's default PKIX trust manager (the {@code cacerts} trust store).
   *
   * @return the trust manager
   * @throws IllegalStateException if the platform has none
   */
  public static X509ExtendedTrustManager defaultTrustManager() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no default trust manager", e);
    }
    throw new IllegalStateException("no X509ExtendedTrustManager in the default trust managers");
  }

  /** The check itself: PKIX without endpoint identification, then the DNS-ID check. */
  private void check(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new IllegalArgumentException("empty certificate chain");
    }
    CertificateSummary summary = CertificateSummary.of(chain[0]);
    try {
      pkix.checkServerTrusted(chain, authType);
    } catch (CertificateException e) {
      fail(TlsFailure.classify(e, chain), summary, e);
      return;
    }
    if (!CertificateNames.matches(chain[0], candidate.host())) {
      fail(TlsFailure.hostMismatch(chain[0], candidate.host()), summary, null);
      return;
    }
    listener.passed(candidate, summary);
  }

  private void fail(TlsFailure failure, CertificateSummary summary, @Nullable Throwable cause)
      throws MtaStsCertificateException {
    listener.failed(candidate, failure, summary);
    if (candidate.requirement() == TlsRequirement.STS_ENFORCE) {
      throw new MtaStsCertificateException(failure, cause);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("this trust manager only checks SMTP servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("this trust manager only checks SMTP servers");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only checks SMTP servers");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
