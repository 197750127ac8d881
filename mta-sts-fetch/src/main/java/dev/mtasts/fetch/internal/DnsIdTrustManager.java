package dev.mtasts.fetch.internal;

import dev.mtasts.core.SafeText;
import dev.mtasts.core.tls.CertificateNames;
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
 * wrapper that does). The delegate sees the handshaking socket or engine itself, so its
 * algorithm constraints and stapled OCSP responses apply: the fetcher's {@link SSLSocket} has no
 * endpoint identification algorithm, and an {@link SSLEngine} is shown through
 * {@link TrustDecisionEngine}, which hides one such as the {@code HTTPS} algorithm
 * {@code java.net.http.HttpClient} always sets.
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
    check(chain, authType, engine.getPeerHost(),
        delegate -> delegate.checkServerTrusted(chain, authType, new TrustDecisionEngine(engine)));
  }

  /** A PKIX check by an extended trust manager. */
  @FunctionalInterface
  private interface ExtendedCheck {
    void check(X509ExtendedTrustManager delegate) throws CertificateException;
  }

  private void check(X509Certificate[] chain, String authType, @Nullable String host, ExtendedCheck extended)
      throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new IllegalArgumentException("the server sent no certificate");
    }
    CertificateSummary leaf = CertificateSummary.of(chain[0]);
    try {
      if (pkix instanceof X509ExtendedTrustManager e) {
        extended.check(e);
      } else {
        pkix.checkServerTrusted(chain, authType);
      }
    } catch (CertificateException e) {
      throw refusal(host == null ? "the policy host" : host, leaf, e);
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
      Throwable failure) {
    String detail = failure.getMessage() == null ? failure.getClass().getSimpleName()
        : SafeText.escape(failure.getMessage(), SHOWN);
    if (PolicyHostCertificateException.isValidityFailure(failure)) {
      String validity = leaf == null ? "" : " (the leaf is valid from " + leaf.notBefore() + " to "
          + leaf.notAfter() + ")";
      return new PolicyHostCertificateException(FetchFailure.CERTIFICATE_EXPIRED,
          "a certificate presented by " + host + " has expired or is not yet valid" + validity
              + ": " + detail + " (FET-2)", leaf, failure);
    }
    String issuer = leaf == null ? "" : " (leaf issued by " + SafeText.escape(leaf.issuer(), SHOWN) + ")";
    return new PolicyHostCertificateException(FetchFailure.CERTIFICATE_NOT_TRUSTED,
        "the certificate chain presented by " + host + " does not validate against the trusted roots"
            + issuer + ": " + detail + " (FET-2)", leaf, failure);
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
    String algorithm = ssl.getSSLParameters().getEndpointIdentificationAlgorithm();
    if (algorithm != null && !algorithm.isEmpty()) {
      throw new CertificateException("the policy fetcher's socket must not use endpoint identification ("
          + algorithm + "): the DNS-ID rule replaces it (FET-15)");
    }
    SSLSession handshake = ssl.getHandshakeSession();
    String host = handshake == null ? null : handshake.getPeerHost();
    check(chain, authType, host, delegate -> delegate.checkServerTrusted(chain, authType, socket));
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
