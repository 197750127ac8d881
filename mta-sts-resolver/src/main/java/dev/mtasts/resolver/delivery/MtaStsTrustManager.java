package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.core.tls.ServerCertificateCheck;
import dev.mtasts.core.fetch.CertificateSummary;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
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
    return forCandidate(candidate, listener, ServerCertificateCheck.defaultTrustManager());
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
   * The check itself, on the project's one certificate check: PKIX by the delegate, which still
   * sees the handshaking socket or engine (algorithm constraints, stapled OCSP), then the DNS-ID
   * rule against the MX host dialled.
   */
  private void check(X509Certificate[] chain, String authType, @Nullable Socket socket, @Nullable SSLEngine engine)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new IllegalArgumentException("empty certificate chain");
    }
    CertificateSummary summary = CertificateSummary.of(chain[0]);
    TlsFailure failure = ServerCertificateCheck.check(pkix, chain, authType, candidate.host(), socket, engine);
    if (failure != null) {
      fail(failure, summary);
      return;
    }
    listener.passed(candidate, summary);
  }

  private void fail(TlsFailure failure, CertificateSummary summary) throws MtaStsCertificateException {
    listener.failed(candidate, failure, summary);
    if (candidate.requirement() == TlsRequirement.STS_ENFORCE) {
      throw new MtaStsCertificateException(failure, null);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    check(chain, authType, socket, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    check(chain, authType, null, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    check(chain, authType, null, null);
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
