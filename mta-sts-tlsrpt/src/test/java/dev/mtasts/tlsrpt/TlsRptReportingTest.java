package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.resolver.delivery.DeliveryPlan;
import dev.mtasts.resolver.delivery.MxCandidate;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.resolver.MtaStsResolver;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The wiring between the resolver, the delivery path and the recorder. */
class TlsRptReportingTest {
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";

  final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  final FakeDnsLookup dns = FakeDnsLookup.create().putTxt("_mta-sts.example.com", "v=STSv1; id=1");
  final FakePolicyFetcher fetcher = FakePolicyFetcher.create();
  final TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
  final MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher)
      .clock(clock).ticker(clock.ticker()).executor(Runnable::run).backgroundRecheck(false)
      .addListener(TlsRptReporting.resolverListener(recorder)).build();

  PolicyReport onlyPolicy() {
    List<DailyAggregate> days = recorder.snapshot();
    assertThat(days).hasSize(1);
    assertThat(days.get(0).policies()).hasSize(1);
    return days.get(0).policies().get(0);
  }

  @Test
  void aFailedFetchWithNothingCachedIsReportedAgainstAnStsPolicyWithoutStrings() {
    // APP-7
    fetcher.fail("example.com", FetchFailure.CERTIFICATE_EXPIRED);
    resolver.resolveSync("example.com");
    PolicyReport r = onlyPolicy();
    assertThat(r.policy()).isEqualTo(ReportPolicy.stsWithoutPolicy(PolicyDomain.of("example.com")));
    assertThat(r.totalFailureSessionCount()).isEqualTo(1);
    assertThat(r.failureDetails()).extracting(FailureDetail::resultType, FailureDetail::failureReasonCode)
        .containsExactly(tuple("sts-webpki-invalid", "certificate-expired"));
  }

  @Test
  void aFailedFetchWithAPolicyCachedIsReportedAgainstThatPolicy() {
    // APP-7, CAC-6
    fetcher.serve("example.com", POLICY);
    resolver.resolveSync("example.com");
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=2");
    fetcher.fail("example.com", FetchFailure.HTTP_STATUS);
    clock.advance(Duration.ofMinutes(10));
    assertThat(resolver.resolveSync("example.com")).isInstanceOf(PolicyResolution.Active.class);
    PolicyReport r = onlyPolicy();
    assertThat(r.policy().policyStrings()).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.example.com",
        "max_age: 86400");
    assertThat(r.policy().mxHosts()).containsExactly("mx1.example.com");
    assertThat(r.failureDetails()).extracting(FailureDetail::resultType).containsExactly("sts-policy-fetch-error");
  }

  @Test
  void noFailureIsReportedWhileANonePolicyIsCached() {
    // CAC-10
    fetcher.serve("example.com", POLICY.replace("enforce", "none"));
    resolver.resolveSync("example.com");
    dns.putTxt("_mta-sts.example.com", "v=STSv1; id=2");
    fetcher.fail("example.com", FetchFailure.TIMEOUT);
    clock.advance(Duration.ofMinutes(10));
    resolver.resolveSync("example.com");
    assertThat(recorder.snapshot()).isEmpty();
  }

  @Test
  void theSessionReporterRecordsHandshakesRefusalsAndMissingStarttls() {
    fetcher.serve("example.com", POLICY);
    PolicyResolution resolution = resolver.resolveSync("example.com");
    DeliveryPlan plan = DeliveryPlan.of(resolution, List.of(new MxRecord(5, "rogue.example.net"),
        new MxRecord(10, "mx1.example.com")));
    TlsRptReporting.SessionReporter sessions = TlsRptReporting.sessions(recorder, resolution);
    MxCandidate rogue = plan.candidates().get(0);
    MxCandidate mx1 = plan.candidates().get(1);
    sessions.refused(rogue);
    sessions.failed(mx1, new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED", "x"), null);
    sessions.starttlsNotSupported(mx1);
    sessions.passed(mx1, new dev.mtasts.core.fetch.CertificateSummary("CN=a", "CN=b", List.of("mx1.example.com"),
        Instant.EPOCH, Instant.MAX, ""));
    PolicyReport r = onlyPolicy();
    assertThat(r.totalSuccessfulSessionCount()).isEqualTo(1);
    assertThat(r.totalFailureSessionCount()).isEqualTo(3);
    assertThat(r.failureDetails()).extracting(FailureDetail::resultType, FailureDetail::receivingMxHostname,
        FailureDetail::failureReasonCode).containsExactlyInAnyOrder(
            tuple("validation-failure", "rogue.example.net", "mtasts-policy-mx-mismatch"),
            tuple("certificate-expired", "mx1.example.com", "X509_V_ERR_CERT_HAS_EXPIRED"),
            tuple("starttls-not-supported", "mx1.example.com", null));
    assertThatIllegalArgumentException().isThrownBy(() -> sessions.refused(mx1));
  }

  static final dev.mtasts.core.fetch.CertificateSummary CERT = new dev.mtasts.core.fetch.CertificateSummary(
      "CN=a", "CN=b", List.of("rogue.example.net"), Instant.EPOCH, Instant.MAX, "");

  /** Set by {@link #reporterUnderTesting()}: the only MX host, which no pattern of the policy covers. */
  MxCandidate rogue;

  /** A testing policy, a plan whose only MX host is {@link #rogue}, and the delivery's reporter. */
  TlsRptReporting.SessionReporter reporterUnderTesting() {
    fetcher.serve("example.com", POLICY.replace("enforce", "testing"));
    PolicyResolution resolution = resolver.resolveSync("example.com");
    rogue = DeliveryPlan.of(resolution, List.of(new MxRecord(5, "rogue.example.net"))).candidates().get(0);
    assertThat(rogue.mayAttempt()).as("APP-2: testing still delivers").isTrue();
    assertThat(rogue.refusal()).isNotNull();
    return TlsRptReporting.sessions(recorder, resolution);
  }

  @Test
  @DisplayName("RPT-32: testing mode, MX not in the policy: one session is one validation-failure, never a success")
  void anUnmatchedMxUnderTestingCountsOnceAsAValidationFailure() {
    TlsRptReporting.SessionReporter sessions = reporterUnderTesting();

    // The trust manager reports the handshake, then the caller reports the refusal, as documented.
    sessions.passed(rogue, CERT);
    sessions.refused(rogue);
    sessions.succeeded(rogue);

    PolicyReport r = onlyPolicy();
    assertThat(r.totalSuccessfulSessionCount()).isZero();
    assertThat(r.totalFailureSessionCount()).isEqualTo(1);
    assertThat(r.failureDetails()).singleElement().satisfies(d -> {
      assertThat(d.resultType()).isEqualTo("validation-failure");
      assertThat(d.failureReasonCode()).isEqualTo(DeliveryPlan.MX_MISMATCH_REASON);
      assertThat(d.receivingMxHostname()).isEqualTo("rogue.example.net");
    });
  }

  @Test
  @DisplayName("RPT-32: a failed handshake or missing STARTTLS to an unmatched MX is still one validation-failure")
  void anyCallForAnUnmatchedMxRecordsTheRefusalOnce() {
    TlsRptReporting.SessionReporter sessions = reporterUnderTesting();
    sessions.failed(rogue, new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED", "x"),
        CERT);
    sessions.starttlsNotSupported(rogue);
    sessions.refused(rogue);
    // A second connection is a second session.
    sessions.connection(InetAddress.getLoopbackAddress(), InetAddress.getLoopbackAddress()).refused(rogue);

    PolicyReport r = onlyPolicy();
    assertThat(r.totalFailureSessionCount()).isEqualTo(2);
    assertThat(r.failureDetails()).extracting(FailureDetail::resultType).containsOnly("validation-failure");
  }

  @Test
  @DisplayName("RPT-33: a connection's reporter adds sending-mta-ip and receiving-ip to its failures")
  void aConnectionReporterCarriesTheAddresses() throws Exception {
    fetcher.serve("example.com", POLICY);
    PolicyResolution resolution = resolver.resolveSync("example.com");
    MxCandidate mx1 = DeliveryPlan.of(resolution, List.of(new MxRecord(10, "mx1.example.com"))).candidates().get(0);
    TlsRptReporting.SessionReporter session = TlsRptReporting.sessions(recorder, resolution)
        .connection(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8:0:0:0:0:0:25"));

    session.failed(mx1, new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_HAS_EXPIRED", "x"), CERT);
    session.starttlsNotSupported(mx1);

    assertThat(onlyPolicy().failureDetails()).hasSize(2).allSatisfy(d -> {
      assertThat(d.sendingMtaIp()).isEqualTo("192.0.2.1");
      assertThat(d.receivingIp()).isEqualTo("2001:db8::25");
      assertThat(d.receivingMxHostname()).isEqualTo("mx1.example.com");
    });
  }

  @Test
  void withoutAPolicySessionsCountUnderNoPolicyFound() {
    PolicyResolution none = resolver.resolveSync("nopolicy.example");
    TlsRptReporting.SessionReporter sessions = TlsRptReporting.sessions(recorder, none);
    sessions.succeeded(DeliveryPlan.of(none, List.of(new MxRecord(10, "mx.nopolicy.example"))).candidates().get(0));
    assertThat(onlyPolicy().policy()).isEqualTo(ReportPolicy.noPolicyFound(PolicyDomain.of("nopolicy.example")));
  }
}
