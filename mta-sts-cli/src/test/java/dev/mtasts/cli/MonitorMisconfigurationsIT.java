package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertStatus;
import dev.mtasts.owner.monitor.MonitorScheduler;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.PolicyHost;
import dev.mtasts.testing.TestPki;
import dev.mtasts.tlsrpt.inbox.InboxReportSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The misconfigurations {@link MonitorScenarioIT} does not walk through, one after the other on
 * real loopback servers (knotd, the HTTPS policy host, STARTTLS MX hosts): each is deployed for a
 * day and then undone, and its alert must fire exactly once and resolve the next day. Then the
 * received reports, read from real report files by the TLS-RPT inbox, make the domain ready for
 * enforce and show a failure spike. Together the two scenarios raise every {@link AlertCode}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MonitorMisconfigurationsIT {
  static final String D = "codes.test";
  static final String MX1 = "mx1." + D;
  static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: " + MX1 + "\nmax_age: 604800\n";

  @TempDir
  Path dir;

  @TempDir
  Path inbox;

  final TestPki pki = TestPki.create();
  final Instant start = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(12));
  final ManualClock clock = ManualClock.at(start);
  final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> PolicyHost.daemon(r,
      "monitor-deadlines"));
  final TestPki.Issued policyCert = pki.leaf().dnsNames("mta-sts." + D).issue();
  final TestPki.Issued mx1Cert = pki.leaf().dnsNames(MX1).issue();
  final ScenarioDeployment site = new ScenarioDeployment(D, pki, clock, pki.trustManager(clock), ENFORCE,
      policyCert);

  @AfterEach
  void stop() {
    site.close();
    timers.shutdownNow();
  }

  /** STARTTLS offered, but the server has no certificate to complete a handshake with. */
  static SSLContext brokenTls() throws Exception {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(new KeyManager[0], null, null);
    return c;
  }

  @Test
  @DisplayName("MON-2, MON-3, MON-5, MON-10, MON-13, MON-17, MON-19, MON-20, MON-22, MON-23, MON-24, MON-25, MON-26, "
      + "MON-27, MON-30, MON-41: each misconfiguration on real servers, and the reports' verdicts, fire once and resolve")
  void eachMisconfigurationFiresOnceAndResolves() throws Exception {
    site.mx.put(MX1, mx1Cert.serverContext());
    site.deploy();
    List<Alert> alerts = new CopyOnWriteArrayList<>();
    List<String> timeline = new ArrayList<>();
    try (MtaStsMonitor monitor = MtaStsMonitor.builder().checker(site.checker()).domains(List.of(PolicyDomain.of(D)))
        .stateDirectory(dir).scheduler(MonitorScheduler.of(timers)).clock(clock).failuresBeforeAlert(2)
        .reminder(Duration.ofDays(365)).checkDeadline(Duration.ofSeconds(60)).readyForEnforceAfter(Duration.ofDays(5))
        .reportSource(InboxReportSource.builder(inbox).executor(timers).ticker(clock.ticker()).clock(clock).build()).addSink(a -> {
          alerts.add(a);
          return CompletableFuture.completedStage(null);
        }).build()) {
      for (int day = 0; day <= 35; day++) {
        // Each morning, the reports senders mailed about yesterday: 1,000 sessions, a few failures once in
        // enforce, 200 on day 33.
        LocalDate yesterday = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(1);
        long failed = day < 32 ? 0 : day == 34 ? 200 : 5;
        Files.writeString(inbox.resolve("report-" + day + ".json"), ReportsCommandTest.json(D, "Big Sender", yesterday,
            "r" + day, 1000 - failed, failed, "certificate-host-mismatch", MX1));
        switch (day) {
          case 1 -> site.stsRecord = "v=STSv1; id=not valid!";
          case 2, 4 -> {
            site.stsRecord = "v=STSv1; id=1";
            site.records.clear();
          }
          case 3 -> site.records.add("_mta-sts TXT \"v=STSv1; id=2\"");
          case 5 -> site.policy = "version: STSv1\nmode: enforce\nmax_age: 604800\n"; // no mx line
          case 6, 8 -> {
            site.policy = ENFORCE;
            site.policyCert = policyCert;
          }
          case 7 -> site.policyCert = pki.leaf().dnsNames("www." + D).issue();
          case 9 -> {
            site.policy = ENFORCE.replace("max_age", "mx: old." + D + "\nmax_age");
            site.stsRecord = "v=STSv1; id=2";
          }
          case 10, 12 -> {
            site.policy = ENFORCE;
            site.stsRecord = "v=STSv1; id=" + day;
          }
          case 11 -> {
            site.policy = ENFORCE.replace("604800", "86400");
            site.stsRecord = "v=STSv1; id=11";
          }
          case 13 -> site.tlsRptRecord = "v=TLSRPTv1; rua=ftp://reports." + D;
          case 14 -> site.tlsRptRecord = "v=TLSRPTv1; rua=mailto:tlsrpt@" + D;
          case 15 -> site.mx.put(MX1, pki.leaf().dnsNames("smtp.elsewhere.test").issue().serverContext());
          case 16, 18 -> site.mx.put(MX1, mx1Cert.serverContext());
          case 17 -> site.mx.put(MX1, brokenTls());
          case 19 -> { // a second MX host that nothing answers on
            site.records.add("@ MX 20 mx2");
            site.records.add("mx2 A 127.0.0.2");
            site.policy = ENFORCE.replace("max_age", "mx: mx2." + D + "\nmax_age");
            site.stsRecord = "v=STSv1; id=19";
          }
          case 21 -> {
            site.records.clear();
            site.policy = ENFORCE;
            site.stsRecord = "v=STSv1; id=21";
          }
          case 22 -> site.dnsRefuses = true;
          case 24 -> site.dnsRefuses = false;
          case 25 -> { // testing, with clean reports: after 5 days it is time for enforce
            site.policy = ENFORCE.replace("enforce", "testing");
            site.stsRecord = "v=STSv1; id=25";
          }
          case 31 -> {
            site.policy = ENFORCE;
            site.stsRecord = "v=STSv1; id=31";
          }
          default -> { }
        }
        site.deploy();
        int before = alerts.size();
        monitor.runOnce().toCompletableFuture().join();
        for (Alert a : alerts.subList(before, alerts.size())) {
          timeline.add("day " + day + " " + a.status() + " " + a.code() + " " + a.subject());
        }
        clock.advance(Duration.ofDays(1));
      }
      // Unreachable MX hosts and incomplete checks need two failures in a row (failuresBeforeAlert(2)). A
      // certificate swapped for a wrong one is also a changed certificate, both ways. With DNS refused,
      // the policy host's name does not resolve either; that is the same outage, not a second alert.
      assertThat(timeline).containsExactly(
          "day 1 FIRING STS_RECORD_INVALID _mta-sts.codes.test",
          "day 2 RESOLVED STS_RECORD_INVALID _mta-sts.codes.test",
          "day 3 FIRING STS_RECORD_MULTIPLE _mta-sts.codes.test",
          "day 4 RESOLVED STS_RECORD_MULTIPLE _mta-sts.codes.test",
          "day 5 FIRING POLICY_INVALID mta-sts.codes.test",
          "day 6 RESOLVED POLICY_INVALID mta-sts.codes.test",
          "day 7 FIRING POLICY_CERT_INVALID mta-sts.codes.test",
          "day 7 NOTICE POLICY_CERT_CHANGED mta-sts.codes.test",
          "day 8 RESOLVED POLICY_CERT_INVALID mta-sts.codes.test",
          "day 8 NOTICE POLICY_CERT_CHANGED mta-sts.codes.test",
          "day 9 FIRING MX_PATTERN_UNUSED old.codes.test",
          "day 10 RESOLVED MX_PATTERN_UNUSED old.codes.test",
          "day 11 FIRING MAX_AGE_SHORT codes.test",
          "day 12 RESOLVED MAX_AGE_SHORT codes.test",
          "day 13 FIRING TLSRPT_NO_USABLE_ENDPOINT _smtp._tls.codes.test",
          "day 14 RESOLVED TLSRPT_NO_USABLE_ENDPOINT _smtp._tls.codes.test",
          "day 15 FIRING MX_CERT_INVALID mx1.codes.test",
          "day 15 NOTICE MX_CERT_CHANGED mx1.codes.test",
          "day 16 RESOLVED MX_CERT_INVALID mx1.codes.test",
          "day 16 NOTICE MX_CERT_CHANGED mx1.codes.test",
          "day 17 FIRING MX_TLS_FAILED mx1.codes.test",
          "day 18 RESOLVED MX_TLS_FAILED mx1.codes.test",
          "day 19 NOTICE MX_CHANGED codes.test",
          "day 20 FIRING MX_UNREACHABLE mx2.codes.test",
          "day 21 RESOLVED MX_UNREACHABLE mx2.codes.test",
          "day 21 NOTICE MX_CHANGED codes.test",
          "day 23 FIRING CHECK_INCOMPLETE codes.test",
          "day 24 RESOLVED CHECK_INCOMPLETE codes.test",
          "day 30 FIRING READY_FOR_ENFORCE codes.test",
          "day 31 RESOLVED READY_FOR_ENFORCE codes.test",
          "day 34 FIRING REPORT_FAILURE_SPIKE codes.test",
          "day 35 RESOLVED REPORT_FAILURE_SPIKE codes.test");
      Map<AlertCode, Long> fired = alerts.stream().filter(a -> a.status() == AlertStatus.FIRING)
          .collect(Collectors.groupingBy(Alert::code, Collectors.counting()));
      Set<AlertCode> resolved = alerts.stream().filter(a -> a.status() == AlertStatus.RESOLVED).map(Alert::code)
          .collect(Collectors.toCollection(() -> EnumSet.noneOf(AlertCode.class)));
      assertThat(resolved).containsAll(fired.keySet());
      assertThat(fired.values()).as("each fired once").containsOnly(1L);
      assertThat(monitor.runOnce().toCompletableFuture().join().open()).isEmpty();
    }
  }
}
