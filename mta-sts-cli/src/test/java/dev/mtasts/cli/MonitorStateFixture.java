package dev.mtasts.cli;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.SmtpProbeOutcome;
import dev.mtasts.owner.monitor.MonitorScheduler;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.testing.FakePolicyFetcher;
import dev.mtasts.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A monitor state directory written by a real {@link MtaStsMonitor} over four daily rounds
 * (2026-04-01 to 04-04, 06:00 UTC) of two domains behind fakes: example.org loses its
 * {@code _mta-sts} record for a day (fired, then resolved); quiet.example's MX host never answers
 * (MX_UNREACHABLE) and it loses its {@code _smtp._tls} record on the last day.
 */
final class MonitorStateFixture {
  private MonitorStateFixture() {}

  /**
   * Writes the state.
   *
   * @param state the directory
   * @param stsStillGone {@code true} to end with example.org's record gone again (an open error)
   * @return {@code state}
   */
  static Path write(Path state, boolean stsStillGone) {
    ManualClock clock = ManualClock.at(Instant.parse("2026-04-01T06:00:00Z"));
    FakeDnsLookup dns = FakeDnsLookup.create();
    FakePolicyFetcher fetcher = FakePolicyFetcher.create();
    for (String d : List.of("example.org", "quiet.example")) {
      dns.putTxt("_mta-sts." + d, "v=STSv1; id=1");
      dns.putTxt("_smtp._tls." + d, "v=TLSRPTv1; rua=mailto:tlsrpt@" + d);
      dns.putMx(d, new MxRecord(10, "mx." + d));
      fetcher.serve(d, "version: STSv1\nmode: enforce\nmx: mx." + d + "\nmax_age: 604800\n");
    }
    MtaStsChecker checker = MtaStsChecker.builder().dnsLookup(dns).policyFetcher(fetcher)
        .smtpProbe(host -> CompletableFuture.completedStage(new SmtpProbeOutcome.Unreachable(host, "refused")))
        .clock(clock).build();
    ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    try (MtaStsMonitor m = MtaStsMonitor.builder().checker(checker)
        .domains(List.of(PolicyDomain.of("example.org"), PolicyDomain.of("quiet.example"))).stateDirectory(state)
        .scheduler(MonitorScheduler.of(timers)).clock(clock).build()) {
      m.runOnce().toCompletableFuture().join();
      dns.removeTxt("_mta-sts.example.org");
      clock.advance(Duration.ofDays(1));
      m.runOnce().toCompletableFuture().join();
      dns.putTxt("_mta-sts.example.org", "v=STSv1; id=1");
      clock.advance(Duration.ofDays(1));
      m.runOnce().toCompletableFuture().join();
      dns.removeTxt("_smtp._tls.quiet.example");
      if (stsStillGone) {
        dns.removeTxt("_mta-sts.example.org");
      }
      clock.advance(Duration.ofDays(1));
      m.runOnce().toCompletableFuture().join();
    } finally {
      timers.shutdownNow();
    }
    return state;
  }
}
