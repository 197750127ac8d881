package dev.mtasts.tlsrpt.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertStatus;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.owner.monitor.SpikeVerdict;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MON-41: the inbox's aggregates (the page, {@code reports summary}) and the monitor's
 * {@code REPORT_FAILURE_SPIKE} alert, fed by {@link InboxReportSource}, judge the same reports the
 * same way. Each scenario is a day the two former rules judged differently.
 */
class SpikeAgreementTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);
  /** The monitor runs the morning after D, so D is its last complete day. */
  static final Instant CHECKED = Instant.parse("2026-04-09T06:00:00Z");

  @TempDir
  Path dir;

  static void submission(Path inbox, LocalDate day, long ok, long failed) throws IOException {
    InboxFixtures.submission(inbox, "r" + day + "-" + ok + "-" + failed, day, ok, failed);
  }

  /** The inbox's verdict on D and the monitor's report alerts after one round over the same inbox. */
  record Judged(SpikeVerdict inbox, List<Alert> monitor) {}

  Judged judge(Path inbox) throws IOException {
    SpikeVerdict verdict = ReportAggregates.of(ReportInbox.builder().build().read(inbox)).spike("example.org", D);
    FakeDnsLookup dns = FakeDnsLookup.create();
    dns.putTxt("_mta-sts.example.org", "v=STSv1; id=1");
    dns.putTxt("_smtp._tls.example.org", "v=TLSRPTv1; rua=mailto:tlsrpt@example.org");
    dns.putMx("example.org", new MxRecord(10, "mx.example.org"));
    FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    fetcher.serve("example.org", InboxFixtures.POLICY_BODY);
    ManualClock clock = ManualClock.at(CHECKED);
    MtaStsChecker checker = MtaStsChecker.builder().dnsLookup(dns).policyFetcher(fetcher).clock(clock).build();
    try (MtaStsMonitor monitor = MtaStsMonitor.builder().checker(checker)
        .domains(List.of(PolicyDomain.of("example.org"))).stateDirectory(dir.resolve(inbox.getFileName() + "-state"))
        // The fakes answer at once: no deadline ever has to fire.
        .scheduler((task, delay) -> () -> { }).clock(clock)
        .reportSource(InboxReportSource.builder(inbox).executor(Runnable::run).build()).build()) {
      List<Alert> alerts = monitor.runOnce().toCompletableFuture().join().alerts().stream()
          .filter(a -> a.code() == AlertCode.REPORT_FAILURE_SPIKE).toList();
      return new Judged(verdict, alerts);
    }
  }

  @Test
  @DisplayName("MON-41: a 2% day over a 0.1% week is a spike for both (the former monitor rule wanted 5%)")
  void aLargeSendersIncidentIsASpikeForBoth() throws IOException {
    Path inbox = dir.resolve("large");
    for (int i = 1; i <= 7; i++) {
      submission(inbox, D.minusDays(i), 9990, 10);
    }
    submission(inbox, D, 9800, 200);

    Judged j = judge(inbox);

    assertThat(j.inbox().kind()).isEqualTo(SpikeVerdict.Kind.SPIKE);
    assertThat(j.monitor()).extracting(Alert::status).containsExactly(AlertStatus.FIRING);
    assertThat(j.monitor().get(0).after()).isEqualTo(j.inbox().describe());
  }

  @Test
  @DisplayName("MON-41: a new domain's first bad day has no baseline for both (the former monitor rule fired)")
  void aNewDomainsFirstBadDayIsNoSpikeForEither() throws IOException {
    Path inbox = dir.resolve("new");
    submission(inbox, D.minusDays(1), 1000, 0);
    submission(inbox, D, 900, 100);

    Judged j = judge(inbox);

    assertThat(j.inbox().kind()).isEqualTo(SpikeVerdict.Kind.NO_BASELINE);
    assertThat(j.monitor()).isEmpty();
  }

  @Test
  @DisplayName("MON-41: an ordinary spike over a quiet week fires on both sides with the same sentence")
  void anOrdinarySpikeIsTheSameForBoth() throws IOException {
    Path inbox = dir.resolve("ordinary");
    for (int i = 1; i <= 7; i++) {
      submission(inbox, D.minusDays(i), 995, 5);
    }
    submission(inbox, D, 900, 100);

    Judged j = judge(inbox);

    assertThat(j.inbox().spike()).isTrue();
    assertThat(j.monitor()).extracting(Alert::after).containsExactly(
        "failure spike on 2026-04-08: 10.0% of 1000 sessions failed, against 0.5% over the 7 days with reports before");
  }
}
