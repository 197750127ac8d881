package dev.mtasts.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

/**
 * MON-46: the test PKI's trust manager at an injected time decides a real TLS handshake with the
 * kit's HTTPS policy host as the JDK would on that day.
 */
class TestPkiTest {
  final TestPki pki = TestPki.create();
  final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  final ManualClock clock = ManualClock.at(now);

  @Test
  void aHandshakeAtTheInjectedTimePassesUntilNotAfterAndFailsAsExpiredOnceTheClockPassesIt() {
    Instant notAfter = now.plus(Duration.ofDays(30));
    TestPki.Issued cert = pki.leaf().dnsNames("mta-sts.example.test").validity(now.minus(Duration.ofDays(10)), notAfter)
        .issue();
    X509ExtendedTrustManager atClock = pki.trustManager(clock);
    try (PolicyHost host = PolicyHost.start(cert, PolicyHost.policy())) {
      assertThatCode(() -> handshake(host.address(), atClock)).doesNotThrowAnyException();
      clock.set(notAfter);
      assertThatCode(() -> handshake(host.address(), atClock)).as("valid through notAfter (RFC 5280 §4.1.2.5)")
          .doesNotThrowAnyException();
      clock.set(notAfter.plusSeconds(1));
      assertThatThrownBy(() -> handshake(host.address(), atClock)).isInstanceOf(SSLHandshakeException.class)
          .hasRootCauseInstanceOf(CertificateExpiredException.class);
      assertThatCode(() -> handshake(host.address(), pki.trustManager()))
          .as("the real time still accepts it: the failure is the injected time's").doesNotThrowAnyException();
      clock.set(now);
      assertThatCode(() -> handshake(host.address(), atClock)).as("read at each check, not once")
          .doesNotThrowAnyException();
    }
  }

  @Test
  void aHandshakeBeforeNotBeforeFailsAsNotYetValidAndPassesOnceTheClockReachesIt() {
    Instant notBefore = now.plus(Duration.ofDays(5));
    TestPki.Issued cert = pki.leaf().dnsNames("mta-sts.example.test").validity(notBefore, now.plus(Duration.ofDays(95)))
        .issue();
    X509ExtendedTrustManager atClock = pki.trustManager(clock);
    try (PolicyHost host = PolicyHost.start(cert, PolicyHost.policy())) {
      assertThatThrownBy(() -> handshake(host.address(), atClock)).isInstanceOf(SSLHandshakeException.class)
          .hasRootCauseInstanceOf(CertificateNotYetValidException.class);
      clock.set(notBefore);
      assertThatCode(() -> handshake(host.address(), atClock)).doesNotThrowAnyException();
    }
  }

  @Test
  void aCertificateOfAnotherCaIsRefusedAtAnyTime() {
    TestPki.Issued foreign = TestPki.create("Other CA").leaf().dnsNames("mta-sts.example.test").issue();
    try (PolicyHost host = PolicyHost.start(foreign, PolicyHost.policy())) {
      assertThatThrownBy(() -> handshake(host.address(), pki.trustManager(clock)))
          .isInstanceOf(SSLHandshakeException.class).hasMessageContaining("PKIX path");
    }
  }

  /** A real client handshake with the host, bounded by a read timeout. */
  private static void handshake(InetSocketAddress address, X509ExtendedTrustManager trust)
      throws IOException, GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {trust}, new SecureRandom());
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(address.getAddress(), address.getPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
    }
  }
}
