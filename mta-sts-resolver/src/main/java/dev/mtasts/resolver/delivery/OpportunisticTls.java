package dev.mtasts.resolver.delivery;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for an MX host that no policy covers ({@link TlsRequirement#OPPORTUNISTIC}): SMTP's
 * opportunistic encryption (RFC 3207, RFC 7435), which encrypts against passive eavesdroppers and
 * accepts whatever certificate the host presents, because without MTA-STS or DANE a sender has
 * nothing to check it against and must not fail delivery over it (RFC 8461 §6: no report, no
 * failure for domains without a policy).
 *
 * <p>Use it only for candidates whose {@link MxCandidate#requirement()} is {@code OPPORTUNISTIC};
 * candidates under a policy get {@link MtaStsTrustManager#forCandidate}.
 *
 * <pre>{@code
 * SSLContext tls = c.stsChecksApply()
 *     ? MtaStsTrustManager.forCandidate(c, sessions).sslContext()
 *     : OpportunisticTls.sslContext();
 * }</pre>
 */
public final class OpportunisticTls {
  private OpportunisticTls() {}

  /**
   * Returns an SSL context that encrypts without authenticating the server: TLS 1.2 or later, no
   * client certificate, every non-empty server chain accepted.
   *
   * @return a new context
   * @throws IllegalStateException if the platform has no TLS implementation
   */
  public static SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AnyServer()}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation available", e);
    }
  }

  /** Accepts any server chain (and no client), with no endpoint identification of its own. */
  private static final class AnyServer extends X509ExtendedTrustManager {
    private static void server(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the server sent no certificate");
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      server(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      server(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      server(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("opportunistic TLS only checks SMTP servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("opportunistic TLS only checks SMTP servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("opportunistic TLS only checks SMTP servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
