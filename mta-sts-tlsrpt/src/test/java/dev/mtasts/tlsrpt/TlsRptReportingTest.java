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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wiring between the resolver, the delivery path and the recorder. */
class TlsRptReportingTest {
  static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";

  final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T10:00:00Z"));
  final FakeDnsLookup dns = FakeDnsLookup.create().putTxt("_mta-sts.example.com", "v=STSv1; id=1");
  final FakePolicyFetcher fetcher = FakePolicyFetcher.create();
  final TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();
  final MtaStsResolver resolver = MtaStsResolver.builder().dnsLookup(dns).policyFetcher(fetcher)
      .clock(clock).ticker(() -> clock.millis() * 1_000_000L).executor(Runnable::run).backgroundRecheck(false)
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

  @Test
  void withoutAPolicySessionsCountUnderNoPolicyFound() {
    PolicyResolution none = resolver.resolveSync("nopolicy.example");
    TlsRptReporting.SessionReporter sessions = TlsRptReporting.sessions(recorder, none);
    sessions.succeeded(DeliveryPlan.of(none, List.of(new MxRecord(10, "mx.nopolicy.example"))).candidates().get(0));
    assertThat(onlyPolicy().policy()).isEqualTo(ReportPolicy.noPolicyFound(PolicyDomain.of("nopolicy.example")));
  }
}
