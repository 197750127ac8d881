package dev.mtasts.fetch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trust manager's decisions without a handshake: the PKIX delegate here is a plain
 * {@link X509TrustManager} (so it needs no handshake session); the real-server tests cover the
 * extended path.
 */
class DnsIdTrustManagerTest {
  private static final String HOST = "mta-sts.example.test";
  private static TestPki pki;
  private static DnsIdTrustManager tm;

  @BeforeAll
  static void setUp() {
    pki = TestPki.create("trust manager test root");
    X509TrustManager pkix = pki.trustManager();
    tm = new DnsIdTrustManager(new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
      }
    });
  }

  private static SSLEngine engine(@Nullable String host) throws Exception {
    return host == null ? SSLContext.getDefault().createSSLEngine()
        : SSLContext.getDefault().createSSLEngine(host, 443);
  }

  private static PolicyHostCertificateException refusal(TestPki.Issued c, @Nullable String host)
      throws Exception {
    SSLEngine engine = engine(host);
    PolicyHostCertificateException e = catchThrowableOfType(PolicyHostCertificateException.class,
        () -> tm.checkServerTrusted(c.chain(), "ECDHE_ECDSA", engine));
    assertThat(e).as("refused").isNotNull();
    assertThat(e.certificate()).isEqualTo(CertificateSummary.of(c.certificate()));
    return e;
  }

  @Test
  void validChainForThePeerHostPasses() throws Exception {
    // FET-2, FET-3
    for (TestPki.Issued c : new TestPki.Issued[] {pki.leaf().dnsNames(HOST).issue(),
        pki.leaf().dnsNames("*.example.test").issue()}) {
      assertThatCode(() -> tm.checkServerTrusted(c.chain(), "ECDHE_ECDSA",
          engine(HOST))).doesNotThrowAnyException();
    }
  }

  @Test
  void eachRefusalCarriesItsReason() throws Exception {
    assertThat(refusal(pki.leaf().dnsNames(HOST).expired().issue(), HOST).reason())
        .isEqualTo(FetchFailure.CERTIFICATE_EXPIRED);
    assertThat(refusal(pki.leaf().dnsNames(HOST).notYetValid().issue(), HOST).reason())
        .isEqualTo(FetchFailure.CERTIFICATE_EXPIRED);
    assertThat(refusal(pki.leaf().dnsNames(HOST).selfSigned().issue(), HOST).reason())
        .isEqualTo(FetchFailure.CERTIFICATE_NOT_TRUSTED);
    assertThat(refusal(pki.leaf().dnsNames("mta-sts.other.test").issue(), HOST).reason())
        .isEqualTo(FetchFailure.CERTIFICATE_NAME_MISMATCH);
    assertThat(refusal(pki.leaf().commonName(HOST).issue(), HOST).reason())
        .isEqualTo(FetchFailure.CERTIFICATE_NAME_MISMATCH);
  }

  @Test
  void unknownPeerHostIsAMismatch() throws Exception {
    assertThat(refusal(pki.leaf().dnsNames(HOST).issue(), null).reason())
        .isEqualTo(FetchFailure.CERTIFICATE_NAME_MISMATCH);
  }

  @Test
  void checksWithoutAnEngineAndClientChecksAreRefused() throws Exception {
    X509Certificate[] chain = pki.leaf().dnsNames(HOST).issue().chain();
    SSLEngine engine = engine(HOST);
    assertThat(catchThrowableOfType(CertificateException.class,
        () -> tm.checkServerTrusted(chain, "ECDHE_ECDSA"))).isNotNull();
    assertThat(catchThrowableOfType(CertificateException.class,
        () -> tm.checkServerTrusted(chain, "ECDHE_ECDSA", new Socket()))).isNotNull();
    assertThat(catchThrowableOfType(CertificateException.class,
        () -> tm.checkClientTrusted(chain, "ECDHE_ECDSA", engine))).isNotNull();
    assertThat(catchThrowableOfType(CertificateException.class,
        () -> tm.checkClientTrusted(chain, "ECDHE_ECDSA"))).isNotNull();
    assertThat(tm.getAcceptedIssuers()).containsExactly(pki.caCertificate());
  }

  @Test
  void aSocketWithTheJdksEndpointIdentificationStillGetsOnlyTheDnsIdRule() throws Exception {
    // FET-15: the JDK's HTTPS identification falls back to the common name; PKIX sees the socket
    // without it (ServerCertificateCheck), so only the DNS-ID rule decides, never the CN.
    X509Certificate[] cnOnly = pki.leaf().commonName(HOST).issue().chain();
    try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
      SSLParameters p = socket.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(p);
      PolicyHostCertificateException e = catchThrowableOfType(PolicyHostCertificateException.class,
          () -> tm.checkServerTrusted(cnOnly, "ECDHE_ECDSA", socket));
      assertThat(e.reason()).isEqualTo(FetchFailure.CERTIFICATE_NAME_MISMATCH);
      assertThat(e).hasMessageContaining("never the common name");
    }
  }

  @Test
  void aSocketWithoutAHandshakeHasNoPeerHostAndIsAMismatch() throws Exception {
    // FET-3: the name comes from the handshaking socket only
    TestPki.Issued c = pki.leaf().dnsNames(HOST).issue();
    try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket()) {
      PolicyHostCertificateException e = catchThrowableOfType(PolicyHostCertificateException.class,
          () -> tm.checkServerTrusted(c.chain(), "ECDHE_ECDSA", socket));
      assertThat(e.reason()).isEqualTo(FetchFailure.CERTIFICATE_NAME_MISMATCH);
    }
  }
}
