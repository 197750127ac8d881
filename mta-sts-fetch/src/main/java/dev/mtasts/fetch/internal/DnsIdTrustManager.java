package dev.mtasts.fetch.internal;

import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.core.tls.ServerCertificateCheck;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
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
 * wrapper that does). The delegate sees the engine through {@link ServerCertificateCheck#checkPkix}, which
 * hides the {@code HTTPS} identification algorithm {@code HttpClient} always sets, so the
 * delegate's algorithm constraints and stapled OCSP responses still apply.
 *
 * <p>A refusal is a {@link PolicyHostCertificateException} with the precise
 * {@link FetchFailure} and the leaf certificate. Server certificates are checked on an
 * {@link SSLEngine} only (which is what {@code HttpClient} uses); the client-side methods and
 * the variants without an engine refuse every chain, since there is no host name to check.
 */
public final class DnsIdTrustManager extends X509ExtendedTrustManager {
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
    if (chain == null || chain.length == 0) {
      throw new IllegalArgumentException("the server sent no certificate");
    }
    CertificateSummary leaf = CertificateSummary.of(chain[0]);
    String host = engine.getPeerHost();
    try {
      ServerCertificateCheck.checkPkix(pkix, chain, authType, null, engine);
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
        + leaf.dnsNames();
    return "the certificate is not valid for " + host + ": " + ids + " (subject " + leaf.subject()
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
    String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    if (PolicyHostCertificateException.isValidityFailure(failure)) {
      String validity = leaf == null ? "" : " (the leaf is valid from " + leaf.notBefore() + " to "
          + leaf.notAfter() + ")";
      return new PolicyHostCertificateException(FetchFailure.CERTIFICATE_EXPIRED,
          "a certificate presented by " + host + " has expired or is not yet valid" + validity
              + ": " + detail + " (FET-2)", leaf, failure);
    }
    String issuer = leaf == null ? "" : " (leaf issued by " + leaf.issuer() + ")";
    return new PolicyHostCertificateException(FetchFailure.CERTIFICATE_NOT_TRUSTED,
        "the certificate chain presented by " + host + " does not validate against the trusted roots"
            + issuer + ": " + detail + " (FET-2)", leaf, failure);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("the policy fetcher validates server certificates on an SSLEngine only");
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
