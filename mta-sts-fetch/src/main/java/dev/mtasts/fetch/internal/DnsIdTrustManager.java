package dev.mtasts.fetch.internal;

import dev.mtasts.core.SafeText;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.core.tls.ServerCertificateCheck;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The policy fetcher's trust manager: PKIX validation by the configured trust manager without
 * the JDK's host name check, then the DNS-ID-only name check of RFC 8461 §3.3 (FET-2, FET-3,
 * FET-15).
 *
 * <p>Because this is an {@link X509ExtendedTrustManager}, JSSE calls it as is and adds no
 * endpoint identification of its own (only a plain {@link X509TrustManager} gets the JDK's
 * wrapper that does). PKIX runs through the project's one certificate check,
 * {@link ServerCertificateCheck#checkPkix}: the delegate sees the handshaking socket or engine
 * (so its algorithm constraints and stapled OCSP responses apply) without any endpoint
 * identification algorithm, whose common-name fallback RFC 8461 forbids (FET-15); refusals are
 * classified by {@link TlsFailure#classify}, as for MX hosts.
 *
 * <p>A refusal is a {@link PolicyHostCertificateException} with the precise
 * {@link FetchFailure} and the leaf certificate. The client-side methods and the variant without
 * a socket or engine refuse every chain, since there is no host name to check.
 */
public final class DnsIdTrustManager extends X509ExtendedTrustManager {
  /** How much of a certificate name or an exception message a message shows. */
  private static final int SHOWN = 300;
  private final X509TrustManager pkix;

  /**
   * Wraps a PKIX trust manager.
   *
   * @param pkix the trust manager that validates the chain, such as the JDK default one
   */
  public DnsIdTrustManager(X509TrustManager pkix) {
    this.pkix = Objects.requireNonNull(pkix, "pkix");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain, authType, engine.getPeerHost(), null, engine);
  }

  private void check(X509Certificate[] chain, String authType, @Nullable String host, @Nullable Socket socket,
      @Nullable SSLEngine engine) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new IllegalArgumentException("the server sent no certificate");
    }
    CertificateSummary leaf = CertificateSummary.of(chain[0]);
    try {
      ServerCertificateCheck.checkPkix(pkix, chain, authType, socket, engine);
    } catch (CertificateException e) {
      throw refusal(host == null ? "the policy host" : host, leaf, e, chain);
    }
    checkName(host, chain[0], leaf);
  }

  /**
   * Applies the DNS-ID-only name rule to a certificate that passed PKIX.
   *
   * @param host the policy host, {@code null} when unknown
   * @param certificate the leaf certificate
   * @param leaf its summary
   * @throws PolicyHostCertificateException with {@link FetchFailure#CERTIFICATE_NAME_MISMATCH}
   *     when no DNS-ID matches
   */
  static void checkName(@Nullable String host, X509Certificate certificate, CertificateSummary leaf)
      throws PolicyHostCertificateException {
    if (host == null || !CertificateNames.matches(certificate, host)) {
      throw new PolicyHostCertificateException(FetchFailure.CERTIFICATE_NAME_MISMATCH,
          nameMismatchMessage(host == null ? "the policy host" : host, leaf), leaf, null);
    }
  }

  /**
   * Describes a certificate that is not valid for the policy host.
   *
   * @param host the policy host
   * @param leaf the leaf certificate
   * @return a sentence naming the host and the DNS-IDs found
   */
  public static String nameMismatchMessage(String host, CertificateSummary leaf) {
    String ids = leaf.dnsNames().isEmpty() ? "it has no DNS-ID at all" : "its DNS-IDs are "
        + SafeText.escape(leaf.dnsNames().toString(), SHOWN);
    return "the certificate is not valid for " + host + ": " + ids + " (subject "
        + SafeText.escape(leaf.subject(), SHOWN)
        + "); only subject alternative DNS names count, never the common name, and a wildcard only"
        + " as the whole left-most label (RFC 8461 §3.3, FET-3)";
  }

  /**
   * Turns a PKIX failure into the refusal with its precise reason.
   *
   * @param host the policy host
   * @param leaf the leaf certificate
   * @param failure what PKIX validation threw
   * @return the exception to throw
   */
  public static PolicyHostCertificateException refusal(String host, @Nullable CertificateSummary leaf,
      Throwable failure, X509Certificate[] chain) {
    TlsFailure classified = TlsFailure.classify(failure, chain);
    if (classified.resultType() == TlsRptResultType.CERTIFICATE_EXPIRED) {
      String validity = leaf == null ? "" : " (the leaf is valid from " + leaf.notBefore() + " to "
          + leaf.notAfter() + ")";
      return new PolicyHostCertificateException(FetchFailure.CERTIFICATE_EXPIRED,
          "the certificate presented by " + host + " is refused: " + classified.message() + validity + " (FET-2)",
          leaf, failure);
    }
    String issuer = leaf == null ? "" : " (leaf issued by " + SafeText.escape(leaf.issuer(), SHOWN) + ")";
    return new PolicyHostCertificateException(FetchFailure.CERTIFICATE_NOT_TRUSTED,
        "the certificate presented by " + host + " is refused: " + classified.message() + issuer + " (FET-2)",
        leaf, failure);
  }


  /**
   * Checks a server chain during a handshake on {@code socket}: PKIX by the delegate, which sees
   * the socket itself (so its algorithm constraints and stapled OCSP responses apply), then the
   * DNS-ID rule against the socket's peer host, the name given when the fetcher created it.
   *
   * @param chain the server's chain, leaf first
   * @param authType the key exchange algorithm
   * @param socket the fetcher's {@link SSLSocket}; it must have no endpoint identification
   *     algorithm, since the JDK's would accept a common name (FET-15)
   * @throws CertificateException a {@link PolicyHostCertificateException} with the reason, or
   *     a plain one when the socket is not such a socket
   */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (!(socket instanceof SSLSocket ssl)) {
      throw new CertificateException("the policy fetcher validates server certificates on an SSLSocket or SSLEngine");
    }
    SSLSession handshake = ssl.getHandshakeSession();
    String host = handshake == null ? null : handshake.getPeerHost();
    check(chain, authType, host, ssl, null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the policy fetcher cannot check a certificate without the host name");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw noClientAuthentication();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw noClientAuthentication();
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw noClientAuthentication();
  }

  private static CertificateException noClientAuthentication() {
    return new CertificateException("the policy fetcher does not authenticate clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix.getAcceptedIssuers();
  }
}
