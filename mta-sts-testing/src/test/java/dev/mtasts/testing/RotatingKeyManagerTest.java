package dev.mtasts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FET-40, MXM-40: the kit's rotating key manager replaces a server's certificate on a running
 * port, and the server still resumes an earlier session with its old certificate, so that tests
 * can tell a full handshake from a resumed one.
 */
@Timeout(60)
class RotatingKeyManagerTest {
  private static final String HOST = "mta-sts.example.test";

  final TestPki pki = TestPki.create();

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aNewClientIsShownTheCertificatePresentedNow(String protocol) throws IOException {
    TestPki.Issued first = pki.leaf().dnsNames(HOST).issue();
    TestPki.Issued second = pki.leaf().dnsNames(HOST).issue();
    RotatingKeyManager keys = RotatingKeyManager.presenting(first);
    try (PolicyHost host = PolicyHost.start(keys.serverContext(), new String[] {protocol}, PolicyHost.policy())) {
      assertThat(get(pki.clientContext(), host.address())).isEqualTo(first.certificate());
      keys.present(second);
      assertThat(keys.presented()).isSameAs(second);
      assertThat(get(pki.clientContext(), host.address())).isEqualTo(second.certificate());
      assertThat(keys.fullHandshakes()).isEqualTo(2);
      assertThat(host.requests()).hasSize(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void aClientThatResumesItsSessionIsStillShownTheOldCertificate(String protocol) throws IOException {
    TestPki.Issued first = pki.leaf().dnsNames(HOST).issue();
    RotatingKeyManager keys = RotatingKeyManager.presenting(first);
    SSLContext client = pki.clientContext();
    try (PolicyHost host = PolicyHost.start(keys.serverContext(), new String[] {protocol}, PolicyHost.policy())) {
      get(client, host.address());
      keys.present(pki.leaf().dnsNames(HOST).issue());
      assertThat(get(client, host.address())).as("a resumed session carries the old certificate")
          .isEqualTo(first.certificate());
      assertThat(keys.fullHandshakes()).as("the second handshake chose no certificate").isEqualTo(1);
    }
  }

  /** One HTTPS request over a fresh connection; returns the leaf of its session. */
  private static Certificate get(SSLContext client, InetSocketAddress address) throws IOException {
    try (Socket raw = new Socket(address.getAddress(), address.getPort());
        SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(raw, HOST, address.getPort(), true)) {
      SSLParameters p = tls.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(HOST)));
      tls.setSSLParameters(p);
      OutputStream out = tls.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Reading the whole response also reads a TLS 1.3 NewSessionTicket, which is what the
      // client would resume with.
      assertThat(new String(tls.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
          .startsWith("HTTP/1.1 200");
      return tls.getSession().getPeerCertificates()[0];
    }
  }
}
