package dev.mtasts.resolver.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/** APP-13: without a policy, delivery uses opportunistic TLS and never fails over the certificate. */
class OpportunisticTlsTest {

  @Test
  void aSelfSignedWrongNameCertificateStillEncryptsTheSession() throws Exception {
    TestPki.Issued cert = TestPki.create().leaf().dnsNames("other.example.test").selfSigned().issue();
    try (TestSmtpServer smtp = TestSmtpServer.start(cert.serverContext())) {
      SSLSession session = StartTlsClient.handshake(smtp.port(), "mx.example.test", OpportunisticTls.sslContext());
      assertThat(session.getProtocol()).isIn("TLSv1.2", "TLSv1.3");
      assertThat(session.getPeerCertificates()).isNotEmpty();
    }
  }
}
