package dev.mtasts.cli.internal;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.owner.monitor.ReportSource;
import dev.mtasts.tlsrpt.inbox.DkimVerifier;
import dev.mtasts.tlsrpt.inbox.DomainDay;
import dev.mtasts.tlsrpt.inbox.ReportAggregates;
import dev.mtasts.tlsrpt.inbox.ReportInbox;
import dev.mtasts.tlsrpt.inbox.SpikeRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The monitor's {@link ReportSource} read from a TLS-RPT inbox ({@code monitor --reports DIR}):
 * the received reports of each domain, counted per UTC day by the inbox (RFC 8460 §4), feed the
 * "ready for enforce" and failure-spike alerts (MON-38). The inbox is read, with its caps, at most
 * once a minute however many domains a round checks, on the monitor's executor.
 */
final class InboxReportSource implements ReportSource {
  private static final long REREAD_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Path from;
  private final boolean authenticatedOnly;
  private final @Nullable DkimVerifier dkim;
  private final Executor executor;
  private @Nullable ReportAggregates last;
  private long readAt;

  InboxReportSource(Path from, boolean authenticatedOnly, @Nullable DkimVerifier dkim, Executor executor) {
    this.from = from;
    this.authenticatedOnly = authenticatedOnly;
    this.dkim = dkim;
    this.executor = executor;
  }

  @Override
  public CompletionStage<List<DailyReportCounts>> dailyCounts(PolicyDomain domain, LocalDate from, LocalDate to) {
    return CompletableFuture.supplyAsync(() -> {
      List<DailyReportCounts> out = new ArrayList<>();
      for (DomainDay d : aggregates().days(domain.name())) {
        if (!d.day().isBefore(from) && !d.day().isAfter(to)) {
          out.add(new DailyReportCounts(d.day(), d.successfulSessions(), d.failedSessions()));
        }
      }
      return out;
    }, executor);
  }

  private synchronized ReportAggregates aggregates() {
    long now = System.nanoTime();
    ReportAggregates a = last;
    if (a == null || now - readAt >= REREAD_NANOS) {
      ReportInbox.Builder b = ReportInbox.builder();
      if (dkim != null) {
        b.dkimVerifier(dkim); // RPT-48: so --authenticated-only counts the mails whose signature passed
      }
      try {
        a = ReportAggregates.of(b.build().read(from).reports(), authenticatedOnly,
            SpikeRule.DEFAULT);
      } catch (IOException e) {
        // The monitor keeps its report-derived alerts as they were when the source fails.
        throw new UncheckedIOException("cannot read the reports in " + from + ": " + e.getMessage(), e);
      }
      last = a;
      readAt = now;
    }
    return a;
  }
}
