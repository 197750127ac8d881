package dev.mtasts.owner.monitor;

import static dev.mtasts.owner.monitor.MonitorFixture.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a report page reads of a monitor: its state directory, read-only, with the alert history. */
class MonitorStatusTest {
  @TempDir
  Path dir;

  /** MON-56, MON-57: the history lists what the sinks got, in order, reminders left out. */
  @Test
  void theStatusHoldsTheLastObservationTheOpenAlertsAndTheHistoryInOrder() {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor(b -> b.reminder(Duration.ofDays(1)))) {
      round(m);
      f.dns.removeTxt("_mta-sts.example.com");
      f.clock.advance(Duration.ofHours(1));
      round(m); // fires
      f.clock.advance(Duration.ofDays(2));
      round(m); // a reminder: not history
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
      f.clock.advance(Duration.ofHours(1));
      round(m); // resolves
      f.dns.removeTxt("_smtp._tls.example.com");
      round(m); // fires, stays open

      MonitorStatus status = MonitorStatus.read(dir);
      assertThat(status.problems()).isEmpty();
      assertThat(status.domains()).hasSize(1);
      DomainStatus d = status.domains().get(0);
      assertThat(d.domain()).isEqualTo(PolicyDomain.of("example.com"));
      assertThat(d.lastChecked()).isEqualTo(f.clock.instant());
      assertThat(d.policyId()).isEqualTo("1");
      assertThat(d.policy()).isEqualToNormalizingNewlines(MonitorFixture.ENFORCE);
      assertThat(d.mxHosts()).containsExactly("mx1.example.com", "mx2.example.com");
      assertThat(d.policyCertificate()).contains("mta-sts.example.com");
      assertThat(d.mxCertificates()).containsOnlyKeys("mx1.example.com", "mx2.example.com");
      assertThat(d.testingSince()).isNull();
      assertThat(d.history()).extracting(a -> a.status() + " " + a.code()).containsExactly(
          "FIRING STS_RECORD_GONE", "RESOLVED STS_RECORD_GONE", "FIRING TLSRPT_RECORD_GONE");
      assertThat(f.received).extracting(Alert::status).contains(AlertStatus.REMINDER);
      assertThat(d.history().get(0)).isEqualTo(f.received.get(0));
      assertThat(d.open()).singleElement().satisfies(a -> {
        assertThat(a.code()).isEqualTo(AlertCode.TLSRPT_RECORD_GONE);
        assertThat(a.status()).isEqualTo(AlertStatus.FIRING);
        assertThat(a.fix()).contains("_smtp._tls.example.com");
      });
    }
  }

  /** MON-56: the history is bounded; the newest alerts are kept, and long texts are cut. */
  @Test
  void theHistoryKeepsTheNewestAlertsAndStaysSmall() throws IOException {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor()) {
      round(m);
      for (int i = 0; i < MonitorStatus.MAX_HISTORY; i++) {
        f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1; " + "x".repeat(3000), "v=STSv1; id=2");
        round(m); // two records: fires
        f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
        round(m); // resolves
      }
    }
    List<Alert> history = MonitorStatus.read(dir).domains().get(0).history();
    assertThat(history).hasSize(MonitorStatus.MAX_HISTORY);
    assertThat(history.get(history.size() - 1).status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(history).allSatisfy(a -> {
      assertThat(a.after() == null ? 0 : a.after().length()).isLessThanOrEqualTo(1_000);
      assertThat(a.before() == null ? 0 : a.before().length()).isLessThanOrEqualTo(1_000);
    });
    assertThat(Files.size(dir.resolve("example.com.monitor"))).isLessThan(300_000);
  }

  /** MON-57: reading never locks, quarantines or rewrites; a damaged file is named, the others are read. */
  @Test
  void aDamagedFileIsNamedAndLeftInPlaceWhileTheMonitorRuns() throws IOException {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor()) {
      round(m);
      Files.writeString(dir.resolve("broken.example.monitor"), "MTA-STS-MONITOR-STATE 1\ngarbage",
          StandardCharsets.UTF_8);
      MonitorStatus status = MonitorStatus.read(dir);
      assertThat(status.domains()).extracting(d -> d.domain().name()).containsExactly("example.com");
      assertThat(status.problems()).singleElement().asString().startsWith("broken.example.monitor: ");
      assertThat(dir.resolve("broken.example.monitor")).exists();
      assertThat(round(m)).as("the monitor still owns its directory").isEmpty();
    }
  }

  /** MON-57: a state file written before the history was kept still reads, with an empty history. */
  @Test
  void aStateFileWithoutHistoryReads() throws IOException {
    String body = "{\"domain\":\"example.com\",\"open\":[],\"policy_failures\":0,\"incomplete_checks\":0,"
        + "\"mx_failures\":{},\"observed_id\":\"7\",\"observed_policy\":null,\"stale_id\":null,\"policy_cert\":null,"
        + "\"mx_certs\":{},\"mx_hosts\":null,\"testing_since\":null}";
    Files.write(dir.resolve("example.com.monitor"), AtomicFiles.frame("MTA-STS-MONITOR-STATE 1",
        List.of(Map.entry("domain", "example.com")), body.getBytes(StandardCharsets.UTF_8)));
    DomainStatus d = MonitorStatus.read(dir).domains().get(0);
    assertThat(d.policyId()).isEqualTo("7");
    assertThat(d.history()).isEmpty();
    assertThat(d.lastChecked()).isNull();
  }

  /** MON-57: reading is bounded in files and bytes; what is left out is said. */
  @Test
  void readingStopsAtTheCapsAndSaysSo() throws IOException {
    for (String d : List.of("a.example", "b.example", "c.example")) {
      MonitorFixture f = new MonitorFixture(dir.resolve(d));
      try (MtaStsMonitor m = f.monitor()) {
        round(m);
      }
      Files.move(dir.resolve(d).resolve("example.com.monitor"), dir.resolve(d + ".monitor"));
    }
    List<String> problems = new java.util.ArrayList<>();
    assertThat(dev.mtasts.owner.monitor.internal.StateStore.readAll(dir, problems, 2, Long.MAX_VALUE)).hasSize(2);
    assertThat(problems).singleElement().asString().startsWith("more than 2 state files");
    problems.clear();
    assertThat(dev.mtasts.owner.monitor.internal.StateStore.readAll(dir, problems, 10, 1)).hasSize(1);
    assertThat(problems).singleElement().asString().endsWith("the other 2 files are left out");
  }

  /** A directory that is not there is the user's mistake, said in words. */
  @Test
  void aMissingDirectoryIsReportedInWords() {
    assertThatThrownBy(() -> MonitorStatus.read(dir.resolve("nope")))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cannot read the monitor state in");
  }
}
