package dev.mtasts.core.tls;

import dev.mtasts.core.TlsRptResultType;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The one certificate check of the project, for the policy host (RFC 8461 §3.3: FET-2, FET-3,
 * FET-15) and for MX hosts (§4.2: MXM-6, MXM-7, MXM-8): PKIX validation by a delegate trust
 * manager, then the DNS-ID-only name rule of {@link CertificateNames} against the host actually
 * dialled, every refusal classified once as a {@link TlsFailure} with its RFC 8460 result type.
 *
 * <p>The delegate is handed the handshaking {@link SSLEngine} or {@link SSLSocket} whenever there
 * is one, so that what JSSE would apply still applies: algorithm constraints, stapled OCSP
 * responses, the handshake session. Only the endpoint identification algorithm is hidden from
 * it (through a read-only view of the engine or socket), because that check falls back to the
 * common name and accepts partial wildcards, which RFC 8461 forbids, and would report a name
 * mismatch as a generic failure; the DNS-ID rule replaces it.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServerCertificateCheck {
  private ServerCertificateCheck() {}

  /**
   * Checks a server's chain: PKIX by {@code pkix}, then the DNS-IDs of the leaf against
   * {@code host}.
   *
   * @param pkix validates the chain, such as {@link #defaultTrustManager()}
   * @param chain the chain the server presented, leaf first
   * @param authType the key exchange algorithm, as JSSE passes it
   * @param host the host name dialled (the MX host, or {@code mta-sts.<domain>}), A-label or
   *     U-label
   * @param socket the handshaking socket, or {@code null}
   * @param engine the handshaking engine, or {@code null}
   * @return {@code null} when the certificate is valid for {@code host}, else the classified
   *     failure: {@code certificate-expired}, {@code certificate-not-trusted},
   *     {@code certificate-host-mismatch} or {@code validation-failure}
   */
  public static @Nullable TlsFailure check(X509TrustManager pkix, X509Certificate[] chain, String authType,
      String host, @Nullable Socket socket, @Nullable SSLEngine engine) {
    Objects.requireNonNull(pkix, "pkix");
    Objects.requireNonNull(host, "host");
    if (chain == null || chain.length == 0) {
      return new TlsFailure(TlsRptResultType.VALIDATION_FAILURE, "X509_V_ERR_UNSPECIFIED",
          "the server sent no certificate");
    }
    try {
      checkPkix(pkix, chain, authType, socket, engine);
    } catch (CertificateException | RuntimeException e) {
      // A delegate may throw IllegalArgumentException and the like for a malformed chain: it is
      // still a refusal, never a crash of the handshake thread.
      return TlsFailure.classify(e, chain);
    }
    if (!CertificateNames.matches(chain[0], host)) {
      return TlsFailure.hostMismatch(chain[0], host);
    }
    return null;
  }

  /**
   * Runs only the PKIX half of {@link #check}: the delegate validates the chain with the engine
   * (seen without its endpoint identification algorithm) or the socket, whichever is given.
   *
   * @param pkix validates the chain
   * @param chain the chain the server presented, leaf first
   * @param authType the key exchange algorithm, as JSSE passes it
   * @param socket the handshaking socket, or {@code null}
   * @param engine the handshaking engine, or {@code null}
   * @throws CertificateException when the delegate refuses the chain
   */
  public static void checkPkix(X509TrustManager pkix, X509Certificate[] chain, String authType,
      @Nullable Socket socket, @Nullable SSLEngine engine) throws CertificateException {
    if (pkix instanceof X509ExtendedTrustManager extended && engine != null) {
      extended.checkServerTrusted(chain, authType, new TrustDecisionEngine(engine));
    } else if (pkix instanceof X509ExtendedTrustManager extended && socket instanceof SSLSocket ssl) {
      extended.checkServerTrusted(chain, authType, new TrustDecisionSocket(ssl));
    } else if (pkix instanceof X509ExtendedTrustManager extended && socket != null) {
      extended.checkServerTrusted(chain, authType, socket);
    } else {
      pkix.checkServerTrusted(chain, authType);
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
}
