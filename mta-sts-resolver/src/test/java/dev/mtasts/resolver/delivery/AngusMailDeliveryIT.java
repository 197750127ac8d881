package dev.mtasts.resolver.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.delivery.MtaStsHostnameVerifier;
import dev.mtasts.resolver.delivery.MtaStsTrustManager;
import dev.mtasts.resolver.delivery.TlsCheckListener;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Angus Mail (Jakarta Mail) sends through a real STARTTLS SMTP server on loopback, with the MTA-STS
 * hostname verifier and trust manager: delivered when the MX certificate matches the enforced
 * policy, refused when it does not (APP-1, MXM-6, MXM-7, MXM-10).
 */
class AngusMailDeliveryIT {
  static final String MX = "mx.example.test";
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 604800\n";
  static TestPki pki;

  @BeforeAll
  static void createPki() {
    pki = TestPki.create();
  }

  /** Records what the MTA-STS checks reported. */
  static final class Recorder implements TlsCheckListener {
    final List<String> passed = new CopyOnWriteArrayList<>();
    final List<TlsFailure> failed = new CopyOnWriteArrayList<>();

    @Override
    public void passed(MxCandidate candidate, CertificateSummary certificate) {
      passed.add(candidate.host());
    }

    @Override
    public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
      failed.add(failure);
    }
  }

  /**
   * Connects every socket to the test server on 127.0.0.1, whatever host Angus asks for: the MX
   * host name stays the name used for SNI and certificate checks, as with real DNS.
   */
  static final class LoopbackSocketFactory extends SocketFactory {
    private final int port;

    LoopbackSocketFactory(int port) {
      this.port = port;
    }

    @Override
    public Socket createSocket() {
      return new Socket() {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
          super.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
        }
      };
    }

    @Override
    public Socket createSocket(String host, int p) throws IOException {
      return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public Socket createSocket(String host, int p, InetAddress localHost, int localPort) throws IOException {
      return new Socket(InetAddress.getLoopbackAddress(), port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int p) throws IOException {
      return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int p, InetAddress localAddress, int localPort) throws IOException {
      return new Socket(InetAddress.getLoopbackAddress(), port, localAddress, localPort);
    }
  }

  /** Resolves the enforced policy and plans the delivery, as an MTA would before connecting. */
  static MxCandidate plan() {
    FakeDnsLookup dns = FakeDnsLookup.create().putTxt("_mta-sts.example.test", "v=STSv1; id=1")
        .putMx("example.test", new MxRecord(10, MX));
    FakePolicyFetcher fetcher = FakePolicyFetcher.create().serve("example.test", POLICY);
    MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher).build();
    PolicyResolution resolution = resolver.resolveSync("example.test");
    DeliveryPlan plan = DeliveryPlan.of(resolution, List.of(new MxRecord(10, MX)));
    MxCandidate candidate = plan.candidates().get(0);
    assertThat(candidate.requirement()).isEqualTo(TlsRequirement.STS_ENFORCE);
    return candidate;
  }

  static void send(MxCandidate candidate, TestSmtpServer smtp, Recorder recorder) throws MessagingException {
    MtaStsTrustManager trust = MtaStsTrustManager.forCandidate(candidate, recorder, pki.trustManager());
    Properties props = new Properties();
    props.put("mail.smtp.host", candidate.host());
    props.put("mail.smtp.port", "25");
    props.put("mail.smtp.socketFactory", new LoopbackSocketFactory(smtp.port()));
    props.put("mail.smtp.socketFactory.fallback", "false");
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", Boolean.toString(candidate.failuresAreFatal()));
    props.put("mail.smtp.ssl.socketFactory", trust.sslContext().getSocketFactory());
    props.put("mail.smtp.ssl.hostnameverifier", new MtaStsHostnameVerifier(candidate, recorder));
    props.put("mail.smtp.connectiontimeout", "10000");
    props.put("mail.smtp.timeout", "10000");
    Session session = Session.getInstance(props);
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress("sender@origin.test"));
    message.setRecipient(Message.RecipientType.TO, new InternetAddress("user@example.test"));
    message.setSubject("MTA-STS test");
    message.setText("hello over verified TLS");
    Transport.send(message);
  }

  @Test
  void aMessageIsDeliveredWhenTheMxCertificateMatchesTheEnforcedPolicy() throws Exception {
    MxCandidate candidate = plan();
    Recorder recorder = new Recorder();
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames(MX).issue().serverContext())) {
      send(candidate, smtp, recorder);
      assertThat(smtp.messages()).singleElement().satisfies(m -> {
        assertThat(m.overTls()).isTrue();
        assertThat(m.recipients()).containsExactly("<user@example.test>");
        assertThat(m.data()).contains("hello over verified TLS");
      });
      assertThat(smtp.sniNames()).containsExactly(MX);
    }
    assertThat(recorder.passed).containsExactly(MX);
    assertThat(recorder.failed).isEmpty();
  }

  @Test
  void aMessageIsRefusedWhenTheMxCertificateDoesNotMatch() throws Exception {
    MxCandidate candidate = plan();
    Recorder recorder = new Recorder();
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames("other.example.test").issue().serverContext())) {
      assertThatThrownBy(() -> send(candidate, smtp, recorder)).isInstanceOf(MessagingException.class);
      assertThat(smtp.messages()).isEmpty();
    }
    assertThat(recorder.failed).extracting(TlsFailure::resultType).contains(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
    assertThat(recorder.passed).isEmpty();
  }

  @Test
  void aMessageIsRefusedWhenTheMxCertificateIsUntrusted() throws Exception {
    MxCandidate candidate = plan();
    Recorder recorder = new Recorder();
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames(MX).selfSigned().issue().serverContext())) {
      assertThatThrownBy(() -> send(candidate, smtp, recorder)).isInstanceOf(MessagingException.class);
      assertThat(smtp.messages()).isEmpty();
    }
    assertThat(recorder.failed).extracting(TlsFailure::resultType).containsExactly(TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  void aServerWithoutStarttlsIsRefusedUnderEnforce() throws Exception {
    MxCandidate candidate = plan();
    try (TestSmtpServer smtp = TestSmtpServer.start(null)) {
      assertThatThrownBy(() -> send(candidate, smtp, new Recorder())).isInstanceOf(MessagingException.class)
          .hasMessageContaining("STARTTLS");
      assertThat(smtp.messages()).isEmpty();
    }
  }
}
