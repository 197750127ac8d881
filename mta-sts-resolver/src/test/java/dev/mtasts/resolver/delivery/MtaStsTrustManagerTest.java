package dev.mtasts.resolver.delivery;

import dev.mtasts.core.tls.TlsFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.resolver.delivery.TlsRequirement;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MX certificate checks over real STARTTLS handshakes on loopback (MXM-6 to MXM-10). */
class MtaStsTrustManagerTest {
  static final String HOST = "mx.example.test";
  static TestPki pki;

  @BeforeAll
  static void createPki() {
    pki = TestPki.create();
  }

  /** Records what the trust manager reported. */
  static class Recorder implements TlsCheckListener {
    final List<CertificateSummary> passed = new CopyOnWriteArrayList<>();
    final List<TlsFailure> failed = new CopyOnWriteArrayList<>();

    @Override
    public void passed(MxCandidate candidate, CertificateSummary certificate) {
      passed.add(certificate);
    }

    @Override
    public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
      failed.add(failure);
    }
  }

  static MxCandidate candidate(String host, TlsRequirement requirement) {
    return new MxCandidate(PolicyDomain.of("example.test"), new MxRecord(10, host), requirement, true, null);
  }

  /** A listener with a bug: it throws an {@link AssertionError} from every call. */
  static final class Throwing extends Recorder {
    @Override
    public void passed(MxCandidate candidate, CertificateSummary certificate) {
      super.passed(candidate, certificate);
      throw new AssertionError("listener bug for \u001b[2J" + candidate.host());
    }

    @Override
    public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
      super.failed(candidate, failure, certificate);
      throw new IllegalStateException("listener bug");
    }
  }

  static SSLSession handshake(TestPki.Issued serverCert, MxCandidate candidate, Recorder recorder) throws IOException {
    try (TestSmtpServer smtp = TestSmtpServer.start(serverCert.serverContext())) {
      MtaStsTrustManager tm = MtaStsTrustManager.forCandidate(candidate, recorder, pki.trustManager());
      SSLSession session = StartTlsClient.handshake(smtp.port(), candidate.host(), tm.sslContext());
      assertThat(smtp.sniNames()).as("MXM-10: SNI carries the MX host").containsExactly(candidate.host());
      return session;
    }
  }

  static TlsFailure enforcedFailure(TestPki.Issued serverCert) {
    Recorder recorder = new Recorder();
    assertThatThrownBy(() -> handshake(serverCert, candidate(HOST, TlsRequirement.STS_ENFORCE), recorder))
        .isInstanceOf(SSLException.class)
        .hasRootCauseInstanceOf(Exception.class)
        .satisfies(e -> {
          Throwable t = e;
          while (t != null && !(t instanceof MtaStsCertificateException)) {
            t = t.getCause();
          }
          assertThat(t).as("the handshake failure carries the classified cause").isNotNull();
        });
    assertThat(recorder.passed).isEmpty();
    assertThat(recorder.failed).hasSize(1);
    return recorder.failed.get(0);
  }

  @Test
  void aValidCertificateForTheMxHostPasses() throws IOException {
    // MXM-6, MXM-7, MXM-10
    Recorder recorder = new Recorder();
    SSLSession session = handshake(pki.leaf().dnsNames(HOST).issue(), candidate(HOST, TlsRequirement.STS_ENFORCE), recorder);
    assertThat(session.getProtocol()).isIn("TLSv1.2", "TLSv1.3");
    assertThat(recorder.passed).singleElement().satisfies(s -> assertThat(s.dnsNames()).containsExactly(HOST));
    assertThat(recorder.failed).isEmpty();
  }

  @Test
  void anExpiredCertificateIsRefusedAsCertificateExpired() {
    // MXM-6
    TlsFailure f = enforcedFailure(pki.leaf().dnsNames(HOST).expired().issue());
    assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_EXPIRED);
    assertThat(f.reasonCode()).isEqualTo("X509_V_ERR_CERT_HAS_EXPIRED");
  }

  @Test
  void aNotYetValidCertificateIsRefusedAsCertificateExpired() {
    // MXM-6: RFC 8460 has no separate type; the reason code tells them apart (RPT-15).
    TlsFailure f = enforcedFailure(pki.leaf().dnsNames(HOST).notYetValid().issue());
    assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_EXPIRED);
    assertThat(f.reasonCode()).isEqualTo("X509_V_ERR_CERT_NOT_YET_VALID");
  }

  @Test
  void aSelfSignedCertificateIsNotTrusted() {
    // MXM-6
    TlsFailure f = enforcedFailure(pki.leaf().dnsNames(HOST).selfSigned().issue());
    assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
    assertThat(f.reasonCode()).isEqualTo("X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT");
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() {
    // MXM-6
    TlsFailure f = enforcedFailure(TestPki.create("Other CA").leaf().dnsNames(HOST).issue());
    assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_NOT_TRUSTED);
  }

  @Test
  void aCertificateForAnotherHostIsAHostMismatch() {
    // MXM-7
    TlsFailure f = enforcedFailure(pki.leaf().dnsNames("other.example.test").issue());
    assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
    assertThat(f.message()).contains("other.example.test");
  }

  @Test
  void aCommonNameWithoutDnsSubjectAlternativeNamesNeverMatches() {
    // MXM-7: RFC 6125 §6.4.4 CN fallback does not apply.
    TlsFailure f = enforcedFailure(pki.leaf().commonName(HOST).issue());
    assertThat(f.resultType()).isEqualTo(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
    assertThat(f.message()).contains("CN is not used");
  }

  @Test
  void aWildcardCoversExactlyOneWholeLeftMostLabel() throws IOException {
    // MXM-8
    Recorder ok = new Recorder();
    handshake(pki.leaf().dnsNames("*.example.test").issue(), candidate(HOST, TlsRequirement.STS_ENFORCE), ok);
    assertThat(ok.passed).hasSize(1);
    assertThat(enforcedFailure(pki.leaf().dnsNames("*.test").issue()).resultType())
        .isEqualTo(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
    assertThat(enforcedFailure(pki.leaf().dnsNames("m*.example.test").issue()).resultType())
        .isEqualTo(TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
  }

  @Test
  void inTestingModeFailuresAreReportedButTheHandshakeGoesOn() throws IOException {
    // APP-2
    Recorder recorder = new Recorder();
    SSLSession session = handshake(pki.leaf().dnsNames("wrong.example.test").expired().issue(),
        candidate(HOST, TlsRequirement.STS_TESTING), recorder);
    assertThat(session.isValid()).isTrue();
    assertThat(recorder.failed).singleElement().extracting(TlsFailure::resultType)
        .isEqualTo(TlsRptResultType.CERTIFICATE_EXPIRED);
  }

  @Test
  @DisplayName("SEC-15: a listener that throws never fails a valid handshake nor changes the trust decision")
  void aListenerThatThrowsNeverChangesTheOutcomeOfAHandshake() throws IOException {
    Throwing valid = new Throwing();
    SSLSession session = handshake(pki.leaf().dnsNames(HOST).issue(), candidate(HOST, TlsRequirement.STS_ENFORCE),
        valid);
    assertThat(session.isValid()).isTrue();
    assertThat(valid.passed).hasSize(1);

    // Under testing a failed check still lets the handshake go on ...
    Throwing testing = new Throwing();
    assertThat(handshake(pki.leaf().dnsNames(HOST).expired().issue(), candidate(HOST, TlsRequirement.STS_TESTING),
        testing).isValid()).isTrue();
    assertThat(testing.failed).hasSize(1);

    // ... and under enforce it is still refused, with the classified cause.
    Throwing enforce = new Throwing();
    assertThatThrownBy(() -> handshake(pki.leaf().dnsNames(HOST).expired().issue(),
        candidate(HOST, TlsRequirement.STS_ENFORCE), enforce)).isInstanceOf(SSLException.class);
    assertThat(enforce.failed).extracting(TlsFailure::resultType).containsExactly(TlsRptResultType.CERTIFICATE_EXPIRED);

    // The host name verifier guards its listener too.
    assertThat(new MtaStsHostnameVerifier(candidate("other.example.test", TlsRequirement.STS_TESTING), new Throwing())
        .verify("other.example.test", session)).isTrue();
  }

  @Test
  @DisplayName("SEC-15: a virtual machine error is not swallowed: the handshake fails closed")
  void aVirtualMachineErrorOfAListenerPropagates() {
    TlsCheckListener oom = new TlsCheckListener() {
      @Override
      public void passed(MxCandidate candidate, CertificateSummary certificate) {
        throw new OutOfMemoryError("simulated");
      }

      @Override
      public void failed(MxCandidate candidate, TlsFailure failure, @Nullable CertificateSummary certificate) {
        throw new OutOfMemoryError("simulated");
      }
    };
    TlsCheckListener guarded = TlsCheckListener.guarded(oom);
    assertThat(TlsCheckListener.guarded(guarded)).isSameAs(guarded);
    assertThatThrownBy(() -> guarded.failed(candidate(HOST, TlsRequirement.STS_TESTING),
        new TlsFailure(TlsRptResultType.VALIDATION_FAILURE, "x", "y"), null)).isInstanceOf(OutOfMemoryError.class);
  }

  @Test
  void checksDoNotApplyWithoutAStsRequirement() {
    assertThatIllegalArgumentException().isThrownBy(
        () -> MtaStsTrustManager.forCandidate(candidate(HOST, TlsRequirement.OPPORTUNISTIC), TlsCheckListener.NONE));
    assertThatIllegalArgumentException().isThrownBy(
        () -> new MtaStsHostnameVerifier(candidate(HOST, TlsRequirement.DANE), TlsCheckListener.NONE));
  }

  @Test
  void theHostnameVerifierChecksTheCandidateHostNotTheNameItIsGiven() throws IOException {
    // MXM-7, for Jakarta/Angus Mail
    Recorder permissive = new Recorder();
    SSLSession session = handshake(pki.leaf().dnsNames("other.example.test").issue(),
        candidate(HOST, TlsRequirement.STS_TESTING), permissive);
    Recorder recorder = new Recorder();
    assertThat(new MtaStsHostnameVerifier(candidate(HOST, TlsRequirement.STS_ENFORCE), recorder)
        .verify("other.example.test", session)).isFalse();
    assertThat(new MtaStsHostnameVerifier(candidate(HOST, TlsRequirement.STS_TESTING), recorder)
        .verify(HOST, session)).isTrue();
    assertThat(recorder.failed).extracting(TlsFailure::resultType)
        .containsExactly(TlsRptResultType.CERTIFICATE_HOST_MISMATCH, TlsRptResultType.CERTIFICATE_HOST_MISMATCH);
    assertThat(new MtaStsHostnameVerifier(candidate("other.example.test", TlsRequirement.STS_ENFORCE), recorder)
        .verify("other.example.test", session)).isTrue();
  }
}
