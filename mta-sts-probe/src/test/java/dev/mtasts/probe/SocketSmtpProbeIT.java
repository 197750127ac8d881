package dev.mtasts.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.RotatingKeyManager;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The probe against a real STARTTLS SMTP server on loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketSmtpProbeIT {
  static final String MX = "mx.example.test";
  static TestPki pki;

  @BeforeAll
  static void createPki() {
    pki = TestPki.create();
  }

  static SocketSmtpProbe probe(int port) {
    return SocketSmtpProbe.builder().port(port).deadline(Duration.ofSeconds(5)).trustManager(pki.trustManager())
        .addressResolver(host -> List.of(InetAddress.getLoopbackAddress())).build();
  }

  static SmtpProbeOutcome run(SocketSmtpProbe probe) {
    return probe.probe(MX).toCompletableFuture().join();
  }

  @Test
  void reportsTheChainOfAValidServerWithItsSni() throws IOException {
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames(MX).issue().serverContext())) {
      SmtpProbeOutcome r = run(probe(smtp.port()));
      assertThat(r).isInstanceOfSatisfying(SmtpProbeOutcome.Completed.class, c -> {
        assertThat(c.pkixFailure()).isNull();
        assertThat(c.leaf().dnsNames()).containsExactly(MX);
        assertThat(c.chain()).hasSize(2);
        assertThat(c.protocol()).isIn("TLSv1.2", "TLSv1.3");
      });
      assertThat(smtp.sniNames()).containsExactly(MX);
    }
  }

  @Test
  void reportsAMissingStarttls() throws IOException {
    try (TestSmtpServer smtp = TestSmtpServer.start(null)) {
      assertThat(run(probe(smtp.port()))).isInstanceOfSatisfying(SmtpProbeOutcome.NoStartTls.class,
          n -> assertThat(n.response()).startsWith("250"));
    }
  }

  @Test
  void classifiesUntrustedAndExpiredChains() throws IOException {
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames(MX).selfSigned().issue().serverContext())) {
      assertThat(run(probe(smtp.port()))).isInstanceOfSatisfying(SmtpProbeOutcome.Completed.class,
          c -> assertThat(c.pkixFailure().resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_NOT_TRUSTED));
    }
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames(MX).expired().issue().serverContext())) {
      assertThat(run(probe(smtp.port()))).isInstanceOfSatisfying(SmtpProbeOutcome.Completed.class,
          c -> assertThat(c.pkixFailure().resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_EXPIRED));
    }
  }

  @Test
  void aClosedPortIsUnreachable() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(run(probe(port))).isInstanceOf(SmtpProbeOutcome.Unreachable.class);
  }

  @Test
  void aSilentServerIsUnreachableWithinTheDeadline() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SocketSmtpProbe probe = SocketSmtpProbe.builder().port(silent.getLocalPort()).deadline(Duration.ofSeconds(1))
          .addressResolver(host -> List.of(InetAddress.getLoopbackAddress())).build();
      assertThat(run(probe)).isInstanceOfSatisfying(SmtpProbeOutcome.Unreachable.class,
          u -> assertThat(u.message()).contains("failed"));
    }
  }

  @Test
  void anUnknownHostIsUnreachable() {
    SocketSmtpProbe probe = SocketSmtpProbe.builder().addressResolver(host -> {
      throw new java.net.UnknownHostException(host);
    }).build();
    assertThat(run(probe)).isInstanceOfSatisfying(SmtpProbeOutcome.Unreachable.class,
        u -> assertThat(u.message()).contains("does not resolve"));
  }

  @Test
  @DisplayName("FET-20: the MX host's addresses come from the DnsLookup given, not the system resolver")
  void theAddressesComeFromTheDnsLookupGiven() throws IOException {
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames(MX).issue().serverContext())) {
      // mx.example.test is in no hosts file: only the fake DNS knows it.
      FakeDnsLookup dns = FakeDnsLookup.create().putAddresses(MX, InetAddress.getLoopbackAddress())
          .failAddresses("down.example.test", DnsFailure.SERVFAIL);
      SocketSmtpProbe probe = SocketSmtpProbe.builder().port(smtp.port()).deadline(Duration.ofSeconds(5))
          .trustManager(pki.trustManager()).dnsLookup(dns).build();
      assertThat(run(probe)).isInstanceOfSatisfying(SmtpProbeOutcome.Completed.class,
          c -> assertThat(c.pkixFailure()).isNull());
      assertThat(dns.addressQueries(MX)).isEqualTo(1);
      assertThat(smtp.sniNames()).containsExactly(MX);
      assertThat(probe.probe("nowhere.example.test").toCompletableFuture().join())
          .isEqualTo(new SmtpProbeOutcome.Unreachable("nowhere.example.test",
              "the host name does not exist in DNS (NXDOMAIN)"));
      assertThat(probe.probe("down.example.test").toCompletableFuture().join())
          .isEqualTo(new SmtpProbeOutcome.Unreachable("down.example.test",
              "looking up its addresses failed (SERVFAIL): A: fake SERVFAIL"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  @DisplayName("MXM-40: one probe, one port, the certificate replaced between probes: each probe reports the chain"
      + " presented then, by a full handshake")
  void eachProbeReportsTheCertificatePresentedThenWithoutResumingASession(String protocol) throws IOException {
    TestPki.Issued first = pki.leaf().dnsNames(MX).issue();
    TestPki.Issued renewed = pki.leaf().dnsNames(MX).issue();
    TestPki.Issued untrusted = TestPki.create("an untrusted root").leaf().dnsNames(MX).issue();
    RotatingKeyManager keys = RotatingKeyManager.presenting(first);
    try (TestSmtpServer smtp = TestSmtpServer.start(keys.serverContext(), new String[] {protocol})) {
      SocketSmtpProbe probe = probe(smtp.port());
      assertPresented(run(probe), first, null);
      keys.present(renewed);
      assertPresented(run(probe), renewed, null);
      keys.present(untrusted);
      assertPresented(run(probe), untrusted, TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
      assertThat(keys.fullHandshakes()).as("a full handshake on each probe, none resumed").isEqualTo(3);
    }
  }

  private static void assertPresented(SmtpProbeOutcome outcome, TestPki.Issued credential,
      @Nullable TlsRptResultType failure) {
    assertThat(outcome).isInstanceOfSatisfying(SmtpProbeOutcome.Completed.class, c -> {
      assertThat(c.leaf()).isEqualTo(CertificateSummary.of(credential.certificate()));
      if (failure == null) {
        assertThat(c.pkixFailure()).isNull();
      } else {
        assertThat(c.pkixFailure()).isNotNull();
        assertThat(c.pkixFailure().resultType()).isEqualTo(failure);
      }
    });
  }
}
