package dev.mtasts.owner.monitor;

import static dev.mtasts.owner.monitor.MonitorFixture.DOMAIN;
import static dev.mtasts.owner.monitor.MonitorFixture.T0;
import static dev.mtasts.owner.monitor.MonitorFixture.cert;
import static dev.mtasts.owner.monitor.MonitorFixture.lines;
import static dev.mtasts.owner.monitor.MonitorFixture.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.tls.TlsFailure;
import dev.mtasts.owner.CheckReport;
import dev.mtasts.owner.Finding;
import dev.mtasts.owner.FindingCode;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.owner.monitor.internal.DomainState;
import dev.mtasts.owner.monitor.internal.Evaluation;
import dev.mtasts.owner.monitor.internal.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's alert rules over simulated days, with fakes, a manual clock and a manual scheduler. */
class MtaStsMonitorTest {
  @TempDir
  Path dir;

  MonitorFixture f;

  MonitorFixture fixture() {
    f = new MonitorFixture(dir);
    return f;
  }

  @Test
  void aHealthyDomainRaisesNothingRoundAfterRound() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      for (int i = 0; i < 5; i++) {
        assertThat(round(m)).isEmpty();
        f.clock.advance(Duration.ofHours(1));
      }
    }
  }

  /** MON-1, MON-27, MON-29, MON-30: fires once, stays quiet, reminds after the period, resolves. */
  @Test
  void aVanishedStsRecordFiresOnceRemindsAfterThePeriodAndResolvesWhenItIsBack() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor(b -> b.reminder(Duration.ofDays(2)))) {
      round(m);
      f.dns.removeTxt("_mta-sts.example.com");
      List<Alert> fired = round(m);
      assertThat(lines(fired)).containsExactly("FIRING STS_RECORD_GONE _mta-sts.example.com");
      Alert a = fired.get(0);
      assertThat(a.severity()).isEqualTo(Severity.ERROR);
      assertThat(a.after()).contains("no v=STSv1 TXT record");
      assertThat(a.fix()).contains("_mta-sts.example.com");
      f.clock.advance(Duration.ofDays(1));
      assertThat(round(m)).isEmpty();
      f.clock.advance(Duration.ofDays(1));
      assertThat(lines(round(m))).containsExactly("REMINDER STS_RECORD_GONE _mta-sts.example.com");
      assertThat(round(m)).isEmpty();
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
      List<Alert> resolved = round(m);
      assertThat(lines(resolved)).containsExactly("RESOLVED STS_RECORD_GONE _mta-sts.example.com");
      assertThat(resolved.get(0).since()).isEqualTo(T0);
      assertThat(round(m)).isEmpty();
    }
  }

  /** MON-2, MON-3. */
  @Test
  void anInvalidOrRepeatedStsRecordFiresAndResolves() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=bad id!");
      assertThat(lines(round(m))).containsExactly("FIRING STS_RECORD_INVALID _mta-sts.example.com");
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1", "v=STSv1; id=2");
      assertThat(lines(round(m))).containsExactly("FIRING STS_RECORD_MULTIPLE _mta-sts.example.com",
          "RESOLVED STS_RECORD_INVALID _mta-sts.example.com");
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
      assertThat(lines(round(m))).containsExactly("RESOLVED STS_RECORD_MULTIPLE _mta-sts.example.com");
    }
  }

  /** MON-4, MON-30: N consecutive failures before the alert; what needs the policy is kept meanwhile. */
  @Test
  void anUnreachablePolicyHostAlertsAfterNFailuresAndKeepsThePolicyAlertsAsTheyWere() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor(b -> b.failuresBeforeAlert(3))) {
      f.dns.putMx(DOMAIN, new MxRecord(10, "mx1.example.com"), new MxRecord(20, "mx2.example.com"),
          new MxRecord(30, "mx3.example.com"));
      f.mxCerts.put("mx3.example.com", cert("mx3.example.com", T0.plus(Duration.ofDays(90)), "m3"));
      assertThat(lines(round(m))).containsExactly("FIRING MX_NOT_COVERED mx3.example.com");
      f.fake.fail(DOMAIN, FetchFailure.CONNECT_FAILED);
      assertThat(round(m)).isEmpty();
      assertThat(round(m)).isEmpty();
      List<Alert> third = round(m);
      assertThat(lines(third)).containsExactly("FIRING POLICY_UNREACHABLE mta-sts.example.com");
      assertThat(third.get(0).after()).startsWith("3 consecutive fetches");
      assertThat(round(m)).isEmpty();
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE);
      assertThat(lines(round(m))).containsExactly("RESOLVED POLICY_UNREACHABLE mta-sts.example.com");
    }
  }

  /** MON-5. */
  @Test
  void anInvalidPolicyFiresAndResolves() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      f.fake.serve(DOMAIN, "version: STSv1\nmode: sometimes\n");
      assertThat(lines(round(m))).containsExactly("FIRING POLICY_INVALID mta-sts.example.com");
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE);
      assertThat(lines(round(m))).containsExactly("RESOLVED POLICY_INVALID mta-sts.example.com");
    }
  }

  /** MON-6: before and after are the two policies; the alert holds until a new id is published. */
  @Test
  void aPolicyChangedUnderTheSameIdFiresWithBothPoliciesUntilANewIdIsPublished() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      round(m);
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE.replace("mx2", "mx9").replace("mx: mx9.example.com\n",
          "mx: mx9.example.com\nmx: mx2.example.com\n"));
      List<Alert> fired = round(m);
      assertThat(lines(fired)).containsExactly("FIRING POLICY_CHANGED_WITHOUT_NEW_ID _mta-sts.example.com",
          "FIRING MX_PATTERN_UNUSED mx9.example.com");
      assertThat(fired.get(0).before()).contains("mx: mx2.example.com").doesNotContain("mx9");
      assertThat(fired.get(0).after()).contains("mx9.example.com");
      assertThat(round(m)).isEmpty();
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=2");
      assertThat(lines(round(m))).containsExactly("RESOLVED POLICY_CHANGED_WITHOUT_NEW_ID _mta-sts.example.com");
    }
  }

  /** MON-28: an open alert fires again when it gets worse, not when it gets milder. */
  @Test
  void anAlertFiresAgainWhenWorseNotWhenMilder() {
    MonitorFixture f = fixture();
    String one = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n";
    f.fake.serve("example.com", one);
    try (MtaStsMonitor m = f.monitor()) {
      assertThat(lines(round(m))).containsExactly("FIRING MX_NOT_COVERED mx2.example.com");
      f.fake.serve("example.com", one.replace("enforce", "testing"));
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=2");
      assertThat(round(m)).as("an error became a warning: nothing to page about").isEmpty();
      assertThat(m.runOnce().toCompletableFuture().join().open()).singleElement()
          .extracting(MonitorRound.OpenCondition::severity).isEqualTo(Severity.WARNING);
      f.fake.serve("example.com", one);
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=3");
      assertThat(round(m)).extracting(a -> a.status() + " " + a.code() + " " + a.severity())
          .containsExactly("FIRING MX_NOT_COVERED ERROR");
    }
  }

  /** APP-12: alert texts say durations in whole seconds and words, once: no "(86400 seconds (1 day))". */
  @Test
  void alertTextsSayDurationsInWholeSecondsOnce() {
    MonitorFixture f = fixture();
    f.policyCert = cert("mta-sts.example.com", T0.plus(Duration.ofDays(10)).plusMillis(1234), "p1");
    f.fake.serve("example.com", MonitorFixture.ENFORCE.replace("604800", "86400"));
    try (MtaStsMonitor m = f.monitor()) {
      List<Alert> alerts = round(m);
      assertThat(alerts).filteredOn(a -> a.code() == AlertCode.MAX_AGE_SHORT).singleElement()
          .extracting(Alert::after).isEqualTo("mode enforce with max_age 86400 seconds (1 day)");
      assertThat(alerts).filteredOn(a -> a.code() == AlertCode.POLICY_CERT_EXPIRING).singleElement()
          .extracting(Alert::after).asString().endsWith("expires within 14 days (in 864001 seconds (about 10 days))");
    }
  }

  /** MON-7, MON-8, MON-9, MON-28: each threshold fires once, from 7 days as an error; expiry; rotation. */
  @Test
  void thePolicyHostCertificateFiresAtEachThresholdThenExpiredThenChangedAndResolves() {
    MonitorFixture f = fixture();
    f.policyCert = cert("mta-sts.example.com", T0.plus(Duration.ofDays(40)), "p1");
    try (MtaStsMonitor m = f.monitor(b -> b.reminder(Duration.ofDays(365)))) {
      List<String> all = new ArrayList<>();
      List<Severity> severities = new ArrayList<>();
      for (int day = 0; day <= 42; day++) {
        for (Alert a : round(m)) {
          all.add("day " + day + " " + a.status() + " " + a.code());
          severities.add(a.severity());
        }
        f.clock.advance(Duration.ofDays(1));
      }
      assertThat(all).containsExactly(
          "day 10 FIRING POLICY_CERT_EXPIRING",
          "day 26 FIRING POLICY_CERT_EXPIRING",
          "day 33 FIRING POLICY_CERT_EXPIRING",
          "day 39 FIRING POLICY_CERT_EXPIRING",
          "day 40 FIRING POLICY_CERT_EXPIRED",
          "day 40 RESOLVED POLICY_CERT_EXPIRING");
      assertThat(severities).containsExactly(Severity.WARNING, Severity.WARNING, Severity.ERROR, Severity.ERROR,
          Severity.ERROR, Severity.ERROR);
      f.policyCert = cert("mta-sts.example.com", T0.plus(Duration.ofDays(130)), "p2");
      List<Alert> rotated = round(m);
      assertThat(lines(rotated)).containsExactly("RESOLVED POLICY_CERT_EXPIRED mta-sts.example.com",
          "NOTICE POLICY_CERT_CHANGED mta-sts.example.com");
      assertThat(rotated.get(1).before()).contains("sha256 p1");
      assertThat(rotated.get(1).after()).contains("sha256 p2");
    }
  }

  /** MON-10, and the fetch failing for an expired certificate is MON-8. */
  @Test
  void aPolicyCertificateThatFailsTheFetchFiresItsOwnCode() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      f.fake.fail(DOMAIN, FetchFailure.CERTIFICATE_NOT_TRUSTED);
      assertThat(lines(round(m))).containsExactly("FIRING POLICY_CERT_INVALID mta-sts.example.com");
      f.fake.fail(DOMAIN, FetchFailure.CERTIFICATE_EXPIRED);
      assertThat(lines(round(m))).containsExactly("FIRING POLICY_CERT_EXPIRED mta-sts.example.com",
          "RESOLVED POLICY_CERT_INVALID mta-sts.example.com");
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE);
      assertThat(lines(round(m))).containsExactly("RESOLVED POLICY_CERT_EXPIRED mta-sts.example.com");
    }
  }

  /** MON-11, MON-12, MON-13. */
  @Test
  void mxChangesAreNoticedAndUncoveredHostsAndUnusedPatternsFire() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      round(m);
      f.mxCerts.put("mx3.example.com", cert("mx3.example.com", T0.plus(Duration.ofDays(90)), "m3"));
      f.dns.putMx(DOMAIN, new MxRecord(10, "mx1.example.com"), new MxRecord(30, "mx3.example.com"));
      List<Alert> changed = round(m);
      assertThat(lines(changed)).containsExactly("FIRING MX_NOT_COVERED mx3.example.com",
          "FIRING MX_PATTERN_UNUSED mx2.example.com", "NOTICE MX_CHANGED example.com");
      assertThat(changed.get(0).severity()).isEqualTo(Severity.ERROR);
      assertThat(changed.get(2).before()).isEqualTo("[mx1.example.com, mx2.example.com]");
      assertThat(changed.get(2).after()).isEqualTo("[mx1.example.com, mx3.example.com]");
      assertThat(round(m)).isEmpty();
      f.dns.putMx(DOMAIN, new MxRecord(10, "mx1.example.com"), new MxRecord(20, "mx2.example.com"));
      assertThat(lines(round(m))).containsExactly("RESOLVED MX_NOT_COVERED mx3.example.com",
          "RESOLVED MX_PATTERN_UNUSED mx2.example.com", "NOTICE MX_CHANGED example.com");
    }
  }

  /** MON-14, MON-15, MON-16, MON-17, MON-18, MON-19, MON-20. */
  @Test
  void mxHostAlertsFireAndResolvePerHost() {
    MonitorFixture f = fixture();
    f.mxCerts.put("mx1.example.com", cert("mx1.example.com", T0.plus(Duration.ofDays(20)), "m1"));
    try (MtaStsMonitor m = f.monitor(b -> b.failuresBeforeAlert(2))) {
      assertThat(lines(round(m))).containsExactly("FIRING MX_CERT_EXPIRING mx1.example.com");
      f.clock.advance(Duration.ofDays(21));
      assertThat(lines(round(m))).containsExactly("FIRING MX_CERT_EXPIRED mx1.example.com",
          "RESOLVED MX_CERT_EXPIRING mx1.example.com");
      f.mxCerts.put("mx1.example.com", cert("mx1.example.com", T0.plus(Duration.ofDays(200)), "m1b"));
      assertThat(lines(round(m))).containsExactly("RESOLVED MX_CERT_EXPIRED mx1.example.com",
          "NOTICE MX_CERT_CHANGED mx1.example.com");
      f.mxCerts.put("mx2.example.com", cert("other.example.net", T0.plus(Duration.ofDays(200)), "m2b"));
      assertThat(lines(round(m))).containsExactly("FIRING MX_CERT_INVALID mx2.example.com",
          "NOTICE MX_CERT_CHANGED mx2.example.com");
      f.probes.put("mx2.example.com", new SmtpProbeOutcome.NoStartTls("mx2.example.com", "250 mx2 ok"));
      assertThat(lines(round(m))).containsExactly("FIRING MX_STARTTLS_GONE mx2.example.com",
          "RESOLVED MX_CERT_INVALID mx2.example.com");
      f.probes.put("mx2.example.com", new SmtpProbeOutcome.TlsFailed("mx2.example.com", "handshake_failure"));
      assertThat(lines(round(m))).containsExactly("FIRING MX_TLS_FAILED mx2.example.com",
          "RESOLVED MX_STARTTLS_GONE mx2.example.com");
      f.probes.put("mx2.example.com", new SmtpProbeOutcome.Unreachable("mx2.example.com", "connection refused"));
      assertThat(round(m)).as("unreachable once: the TLS alert is kept, nothing new").isEmpty();
      assertThat(lines(round(m))).containsExactly("FIRING MX_UNREACHABLE mx2.example.com");
      f.probes.remove("mx2.example.com");
      f.mxCerts.put("mx2.example.com", cert("mx2.example.com", T0.plus(Duration.ofDays(200)), "m2b"));
      assertThat(lines(round(m))).containsExactly("RESOLVED MX_TLS_FAILED mx2.example.com",
          "RESOLVED MX_UNREACHABLE mx2.example.com");
    }
  }

  /**
   * MON-48: the probe's PKIX verdict "out of validity" fires MX_CERT_EXPIRED even when the leaf's
   * end date has not passed (here a renewed certificate not valid yet), and it holds until PKIX
   * accepts the certificate, not merely until a certificate with a later end date appears.
   */
  @Test
  void anMxCertificateRefusedAsNotYetValidFiresExpiredUntilItIsValid() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      assertThat(round(m)).isEmpty();
      CertificateSummary early = new CertificateSummary("CN=mx1.example.com", "CN=Test CA", List.of("mx1.example.com"),
          T0.plus(Duration.ofDays(2)), T0.plus(Duration.ofDays(200)), "m1-early");
      f.probes.put("mx1.example.com", new SmtpProbeOutcome.Completed("mx1.example.com", "TLSv1.3", List.of(early),
          new TlsFailure(TlsRptResultType.CERTIFICATE_EXPIRED, "X509_V_ERR_CERT_NOT_YET_VALID",
              "the certificate is not yet valid: NotBefore: " + T0.plus(Duration.ofDays(2)))));
      List<Alert> refused = round(m);
      assertThat(lines(refused)).containsExactly("FIRING MX_CERT_EXPIRED mx1.example.com",
          "NOTICE MX_CERT_CHANGED mx1.example.com");
      assertThat(refused.get(0).after()).contains("not yet valid");
      f.clock.advance(Duration.ofDays(1));
      assertThat(round(m)).as("still refused: nothing new, nothing resolved").isEmpty();
      f.clock.advance(Duration.ofDays(1));
      f.probes.put("mx1.example.com", new SmtpProbeOutcome.Completed("mx1.example.com", "TLSv1.3", List.of(early),
          null));
      assertThat(lines(round(m))).containsExactly("RESOLVED MX_CERT_EXPIRED mx1.example.com");
    }
  }

  /** MON-21, MON-22. */
  @Test
  void aTlsRptRecordGoneOrWithoutAUsableEndpointFiresAndResolves() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      f.dns.removeTxt("_smtp._tls.example.com");
      assertThat(lines(round(m))).containsExactly("FIRING TLSRPT_RECORD_GONE _smtp._tls.example.com");
      f.dns.putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=ftp://reports.example.com/x");
      assertThat(lines(round(m))).containsExactly("FIRING TLSRPT_NO_USABLE_ENDPOINT _smtp._tls.example.com",
          "RESOLVED TLSRPT_RECORD_GONE _smtp._tls.example.com");
      f.dns.putTxt("_smtp._tls.example.com", "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
      assertThat(lines(round(m))).containsExactly("RESOLVED TLSRPT_NO_USABLE_ENDPOINT _smtp._tls.example.com");
    }
  }

  /** MON-23. */
  @Test
  void aShortMaxAgeUnderEnforceFiresAndResolves() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE.replace("604800", "86400"));
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=2");
      assertThat(lines(round(m))).containsExactly("FIRING MAX_AGE_SHORT example.com");
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE);
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=3");
      assertThat(lines(round(m))).containsExactly("RESOLVED MAX_AGE_SHORT example.com");
    }
  }

  /** MON-24, MON-38: the in-memory report source says clean; testing long enough; enforce resolves it. */
  @Test
  void aDomainInTestingWithCleanReportsIsReadyForEnforceAfterTheConfiguredPeriod() {
    MonitorFixture f = fixture();
    Map<LocalDate, DailyReportCounts> counts = new ConcurrentHashMap<>();
    f.fake.serve(DOMAIN, MonitorFixture.ENFORCE.replace("enforce", "testing"));
    try (MtaStsMonitor m = f.monitor(b -> b.readyForEnforceAfter(Duration.ofDays(14))
        .reportSource((d, from, to) -> CompletableFuture.completedStage(counts.values().stream()
            .filter(c -> !c.day().isBefore(from) && !c.day().isAfter(to)).toList())))) {
      List<String> all = new ArrayList<>();
      for (int day = 0; day <= 15; day++) {
        LocalDate yesterday = LocalDate.ofInstant(f.clock.instant(), java.time.ZoneOffset.UTC).minusDays(1);
        counts.put(yesterday, new DailyReportCounts(yesterday, 100, day == 3 ? 1 : 0));
        lines(round(m)).forEach(l -> all.add(l));
        f.clock.advance(Duration.ofDays(1));
      }
      assertThat(all).as("day 3 had one failure, so 14 days are not clean").isEmpty();
      counts.clear();
      for (int day = 16; day <= 17; day++) {
        LocalDate yesterday = LocalDate.ofInstant(f.clock.instant(), java.time.ZoneOffset.UTC).minusDays(1);
        counts.put(yesterday, new DailyReportCounts(yesterday, 100, 0));
        lines(round(m)).forEach(l -> all.add(l));
        f.clock.advance(Duration.ofDays(1));
      }
      assertThat(all).containsExactly("FIRING READY_FOR_ENFORCE example.com");
      f.fake.serve(DOMAIN, MonitorFixture.ENFORCE);
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=2");
      assertThat(lines(round(m))).containsExactly("RESOLVED READY_FOR_ENFORCE example.com");
    }
  }

  /** MON-25, MON-38: a day far above the baseline fires; an ordinary day resolves it. */
  @Test
  void aSpikeOfFailuresInTheReportsFiresAndResolves() {
    MonitorFixture f = fixture();
    Map<LocalDate, DailyReportCounts> counts = new ConcurrentHashMap<>();
    LocalDate today = LocalDate.ofInstant(T0, java.time.ZoneOffset.UTC);
    for (int i = 1; i <= 8; i++) {
      counts.put(today.minusDays(i), new DailyReportCounts(today.minusDays(i), 1000, 2));
    }
    try (MtaStsMonitor m = f.monitor(b -> b.reportSource((d, from, to) ->
        CompletableFuture.completedStage(List.copyOf(counts.values()))))) {
      assertThat(round(m)).isEmpty();
      counts.put(today, new DailyReportCounts(today, 900, 100));
      f.clock.advance(Duration.ofDays(1));
      List<Alert> fired = round(m);
      assertThat(lines(fired)).containsExactly("FIRING REPORT_FAILURE_SPIKE example.com");
      assertThat(fired.get(0).after()).isEqualTo("failure spike on " + today
          + ": 10.0% of 1000 sessions failed, against 0.2% over the 7 days with reports before");
      LocalDate next = today.plusDays(1);
      counts.put(next, new DailyReportCounts(next, 1000, 3));
      f.clock.advance(Duration.ofDays(1));
      assertThat(lines(round(m))).containsExactly("RESOLVED REPORT_FAILURE_SPIKE example.com");
    }
  }

  /** MON-25, MON-30: a day no report covers yet (senders report a day late) keeps the spike alert as it is. */
  @Test
  void aDayWithoutReportsYetKeepsTheSpikeAlert() {
    MonitorFixture f = fixture();
    Map<LocalDate, DailyReportCounts> counts = new ConcurrentHashMap<>();
    LocalDate today = LocalDate.ofInstant(T0, java.time.ZoneOffset.UTC);
    for (int i = 1; i <= 8; i++) {
      counts.put(today.minusDays(i), new DailyReportCounts(today.minusDays(i), 1000, 2));
    }
    counts.put(today, new DailyReportCounts(today, 900, 100));
    try (MtaStsMonitor m = f.monitor(b -> b.reportSource((d, from, to) ->
        CompletableFuture.completedStage(List.copyOf(counts.values()))))) {
      f.clock.advance(Duration.ofDays(1));
      assertThat(lines(round(m))).containsExactly("FIRING REPORT_FAILURE_SPIKE example.com");
      f.clock.advance(Duration.ofDays(1));
      assertThat(round(m)).as("no report covers the new day yet: neither resolved nor fired again").isEmpty();
      assertThat(m.runOnce().toCompletableFuture().join().open()).extracting(MonitorRound.OpenCondition::code)
          .contains(AlertCode.REPORT_FAILURE_SPIKE);
      LocalDate next = today.plusDays(1);
      counts.put(next, new DailyReportCounts(next, 1000, 3));
      assertThat(lines(round(m))).containsExactly("RESOLVED REPORT_FAILURE_SPIKE example.com");
    }
  }

  /** MON-40, MON-41: the monitor judges spikes by the one rule; a first day of reports has no baseline. */
  @Test
  void theSpikeAlertFollowsTheOneSpikeRule() {
    LocalDate yesterday = LocalDate.ofInstant(T0, java.time.ZoneOffset.UTC).minusDays(1);
    // A new domain: its first day of reports already has failures, with one quiet day before it.
    ReportSource source = (d, from, to) -> CompletableFuture.completedStage(List.of(
        new DailyReportCounts(yesterday, 100, 50), new DailyReportCounts(yesterday.minusDays(1), 100, 0)));
    try (MtaStsMonitor m = fixture().monitor(b -> b.reportSource(source))) {
      // The former monitor rule (10 failures, 5%, 3 times the week) fired here; the one rule needs 3 days before.
      assertThat(round(m)).isEmpty();
    }
    java.nio.file.Path other = dir.resolve("custom");
    try (MtaStsMonitor m = new MonitorFixture(other).monitor(b -> b.reportSource(source)
        .spikeRule(new SpikeRule(7, 1, 10, 3.0, 0.01)))) {
      assertThat(lines(round(m))).containsExactly("FIRING REPORT_FAILURE_SPIKE example.com");
    }
  }

  @Test
  @DisplayName("MON-41: the spike rule is set once, like every other option")
  void theSpikeRuleIsSetOnce() {
    MtaStsMonitor.Builder b = MtaStsMonitor.builder().spikeRule(SpikeRule.DEFAULT);
    assertThatThrownBy(() -> b.spikeRule(SpikeRule.DEFAULT)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spikeRule");
  }

  /** MON-38, MON-30: a failing report source keeps the report alerts as they were. */
  @Test
  void aFailingReportSourceKeepsTheReportAlerts() {
    MonitorFixture f = fixture();
    LocalDate yesterday = LocalDate.ofInstant(T0, java.time.ZoneOffset.UTC).minusDays(1);
    List<DailyReportCounts> counts = List.of(new DailyReportCounts(yesterday, 100, 50),
        new DailyReportCounts(yesterday.minusDays(1), 100, 0), new DailyReportCounts(yesterday.minusDays(2), 100, 0),
        new DailyReportCounts(yesterday.minusDays(3), 100, 0));
    java.util.concurrent.atomic.AtomicBoolean fail = new java.util.concurrent.atomic.AtomicBoolean();
    try (MtaStsMonitor m = f.monitor(b -> b.reportSource((d, from, to) -> fail.get()
        ? CompletableFuture.failedStage(new java.io.IOException("inbox offline"))
        : CompletableFuture.completedStage(counts)))) {
      assertThat(lines(round(m))).containsExactly("FIRING REPORT_FAILURE_SPIKE example.com");
      fail.set(true);
      assertThat(round(m)).isEmpty();
      assertThat(m.runOnce().toCompletableFuture().join().open()).extracting(MonitorRound.OpenCondition::code)
          .containsExactly(AlertCode.REPORT_FAILURE_SPIKE);
    }
  }

  /**
   * MON-26, MON-4: when the monitor's own DNS fails, the policy host's name does not resolve either;
   * that is one incomplete check, not also an unreachable policy host. A name that does not resolve
   * while the other lookups answer still counts.
   */
  @Test
  void aDnsOutageOnTheMonitorsSideIsOneAlertNotTwo() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor(b -> b.failuresBeforeAlert(2))) {
      f.dns.failTxt("_mta-sts.example.com", DnsFailure.TIMEOUT).failTxt("_smtp._tls.example.com", DnsFailure.TIMEOUT)
          .failMx("example.com", DnsFailure.TIMEOUT);
      f.fake.fail("example.com", FetchFailure.HOST_NOT_FOUND);
      assertThat(round(m)).isEmpty();
      assertThat(lines(round(m))).containsExactly("FIRING CHECK_INCOMPLETE example.com");
      assertThat(round(m)).isEmpty();
    }
    MonitorFixture g = new MonitorFixture(dir.resolve("other"));
    try (MtaStsMonitor m = g.monitor(b -> b.failuresBeforeAlert(2))) {
      g.fake.fail("example.com", FetchFailure.HOST_NOT_FOUND);
      assertThat(round(m)).isEmpty();
      assertThat(lines(round(m))).containsExactly("FIRING POLICY_UNREACHABLE mta-sts.example.com");
    }
  }

  /** MON-26, MON-30: DNS failures keep every DNS-derived alert and alert after N checks. */
  @Test
  void failingDnsKeepsTheOpenAlertsAndFiresCheckIncompleteAfterNChecks() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor(b -> b.failuresBeforeAlert(2))) {
      f.dns.removeTxt("_mta-sts.example.com");
      assertThat(lines(round(m))).containsExactly("FIRING STS_RECORD_GONE _mta-sts.example.com");
      f.dns.failTxt("_mta-sts.example.com", DnsFailure.TIMEOUT);
      assertThat(round(m)).isEmpty();
      assertThat(lines(round(m))).containsExactly("FIRING CHECK_INCOMPLETE example.com");
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
      assertThat(lines(round(m))).containsExactlyInAnyOrder("RESOLVED STS_RECORD_GONE _mta-sts.example.com",
          "RESOLVED CHECK_INCOMPLETE example.com");
    }
  }

  /**
   * MON-42, MON-30: which lookups failed comes from the report's structure. The same failed
   * lookups with the finding messages reworded give the same verdict (the former prefix match on
   * "looking up NAME failed" read the reworded report as records gone).
   */
  @Test
  void aRewordedDnsFailureMessageDoesNotChangeTheVerdict() {
    MonitorFixture f = fixture();
    f.dns.failTxt("_smtp._tls.example.com", DnsFailure.TIMEOUT);
    f.dns.failMx(DOMAIN, DnsFailure.SERVFAIL);
    CheckReport real = f.checker().check(PolicyDomain.of(DOMAIN)).toCompletableFuture().join();
    List<Finding> findings = real.findings().stream().map(x -> x.code() != FindingCode.DNS_FAILURE ? x
        : new Finding(x.code(), x.severity(), "DNS said nothing in time (" + x.message().length() + ")", x.fix()))
        .toList();
    CheckReport reworded = new CheckReport(real.domain(), real.checkedAt(), real.stsRecords(), real.stsCnameChain(),
        real.policyId(), real.fetch(), real.policy(), real.tlsRptRecords(), real.mxHosts(), findings,
        real.failedLookups(), real.observation());
    Settings settings = new Settings(3, MtaStsMonitor.DEFAULT_REMINDER, MtaStsMonitor.EXPIRY_DAYS, 7,
        MtaStsMonitor.DEFAULT_READY_AFTER, SpikeRule.DEFAULT);
    Evaluation.Result before = Evaluation.evaluate(new DomainState(PolicyDomain.of(DOMAIN)), real, null, false,
        settings, T0);
    Evaluation.Result after = Evaluation.evaluate(new DomainState(PolicyDomain.of(DOMAIN)), reworded, null, false,
        settings, T0);
    assertThat(before.conditions()).isEmpty();
    assertThat(before.carriedCodes()).contains(AlertCode.TLSRPT_RECORD_GONE, AlertCode.MX_NOT_COVERED,
        AlertCode.MX_UNREACHABLE).doesNotContain(AlertCode.STS_RECORD_GONE);
    assertThat(after).isEqualTo(before);
  }

  /** MON-34: the deadline comes from the scheduler; a check that misses it changes no alert. */
  @Test
  void aCheckThatMissesItsDeadlineChangesNothingAndCountsAsIncomplete() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor(b -> b.checkDeadline(Duration.ofSeconds(30)).failuresBeforeAlert(1))) {
      f.dns.removeTxt("_mta-sts.example.com");
      round(m);
      dev.mtasts.testing.Gate gate = f.fake.hold(DOMAIN);
      CompletableFuture<MonitorRound> r = m.runOnce().toCompletableFuture();
      assertThat(r).isNotDone();
      f.scheduler.advance(Duration.ofSeconds(29));
      assertThat(r).isNotDone();
      f.scheduler.advance(Duration.ofSeconds(1));
      assertThat(r).isDone();
      assertThat(lines(r.join().alerts())).containsExactly("FIRING CHECK_INCOMPLETE example.com");
      assertThat(r.join().open()).extracting(MonitorRound.OpenCondition::code)
          .contains(AlertCode.STS_RECORD_GONE);
      gate.release();
    }
  }

  /** MON-35: a sink that throws or fails stops neither the monitor nor the other sinks. */
  @Test
  void aFailingSinkDoesNotStopTheOthersOrTheMonitor() {
    MonitorFixture f = fixture();
    List<Alert> second = new ArrayList<>();
    CompletableFuture<Void> slow = new CompletableFuture<>();
    try (MtaStsMonitor m = f.monitor(b -> b
        .addSink(a -> {
          throw new IllegalStateException("broken sink");
        })
        .addSink(a -> CompletableFuture.failedStage(new java.io.IOException("refused")))
        .addSink(a -> slow)
        .addSink(a -> {
          second.add(a);
          return CompletableFuture.completedStage(null);
        }))) {
      f.dns.removeTxt("_mta-sts.example.com");
      MonitorRound r = m.runOnce().toCompletableFuture().join();
      assertThat(lines(f.received)).containsExactly("FIRING STS_RECORD_GONE _mta-sts.example.com");
      assertThat(second).hasSize(1);
      assertThat(r.delivered().toCompletableFuture()).as("the slow sink holds delivery, not the round").isNotDone();
      slow.complete(null);
      assertThat(r.delivered().toCompletableFuture()).isCompletedWithValue(null);
    }
  }

  /** MON-37 (the library half): hasOpenErrors tells whether an error condition is open. */
  @Test
  void theRoundSaysWhetherAnErrorIsOpen() {
    MonitorFixture f = fixture();
    try (MtaStsMonitor m = f.monitor()) {
      assertThat(m.runOnce().toCompletableFuture().join().hasOpenErrors()).isFalse();
      f.dns.removeTxt("_smtp._tls.example.com");
      assertThat(m.runOnce().toCompletableFuture().join().hasOpenErrors()).as("a warning only").isFalse();
      f.dns.removeTxt("_mta-sts.example.com");
      MonitorRound r = m.runOnce().toCompletableFuture().join();
      assertThat(r.hasOpenErrors()).isTrue();
      assertThat(r.open()).hasSize(2);
    }
  }
}
