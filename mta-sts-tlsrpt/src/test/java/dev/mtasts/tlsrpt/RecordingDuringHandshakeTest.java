package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.resolver.delivery.DeliveryPlan;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.resolver.delivery.TlsRequirement;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.delivery.MtaStsTrustManager;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Recording from the handshake path, over a real TLS handshake on loopback. */
@Timeout(60)
class RecordingDuringHandshakeTest {
  static final String HOST = "mx00000.example.com";

  @Test
  @DisplayName("SEC-15, RPT-30, RPT-33: recording a 54 KB policy never fails a valid MX handshake")
  void aValidMxHandshakeSucceedsAndIsRecordedUnderALongPolicy() throws Exception {
    TestPki pki = TestPki.create();
    ManualClock clock = ManualClock.at(Instant.parse("2026-03-10T12:00:00Z"));
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
    FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    fetcher.serve("example.com", TlsRptRecorderBoundsTest.longPolicyBody(54_000));
    MtaStsResolver resolver = MtaStsResolver.builder()
        .dnsLookup(FakeDnsLookup.create().putTxt("_mta-sts.example.com", "v=STSv1; id=1"))
        .policyFetcher(fetcher).clock(clock).ticker(clock.ticker()).executor(Runnable::run).backgroundRecheck(false).build();
    PolicyResolution resolution = resolver.resolveSync("example.com");
    MxCandidate candidate = DeliveryPlan.of(resolution, List.of(new MxRecord(10, HOST))).candidates().get(0);
    assertThat(candidate.requirement()).isEqualTo(TlsRequirement.STS_ENFORCE);
    TlsRptReporting.SessionReporter sessions = TlsRptReporting.sessions(recorder, resolution);

    try (SSLServerSocket server = (SSLServerSocket) pki.leaf().dnsNames(HOST).issue().serverContext()
        .getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.startHandshake();
          s.getOutputStream().write('.');
          s.getOutputStream().flush();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 10_000);
        plain.setSoTimeout(10_000);
        TlsRptReporting.SessionReporter session = sessions.connection(plain.getLocalAddress(), plain.getInetAddress());
        MtaStsTrustManager tm = MtaStsTrustManager.forCandidate(candidate, session, pki.trustManager());
        try (SSLSocket tls = (SSLSocket) tm.sslContext().getSocketFactory().createSocket(plain, HOST, 25, false)) {
          SSLParameters params = tls.getSSLParameters();
          params.setServerNames(List.of(new SNIHostName(HOST)));
          tls.setSSLParameters(params);
          tls.startHandshake();
          assertThat(tls.getInputStream().read()).isEqualTo('.');
        }
      }
      served.get(10, TimeUnit.SECONDS);
    }

    RecorderStats stats = recorder.stats();
    assertThat(stats.recordedSessions()).isEqualTo(1);
    assertThat(stats.sessionsWithTruncatedPolicy()).isEqualTo(1);
    assertThat(recorder.snapshot()).singleElement()
        .satisfies(a -> assertThat(a.policies().get(0).totalSuccessfulSessionCount()).isEqualTo(1));
  }
}
