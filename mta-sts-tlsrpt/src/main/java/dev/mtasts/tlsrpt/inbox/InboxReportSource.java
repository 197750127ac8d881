package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.Text;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.owner.monitor.ReportSource;
import dev.mtasts.owner.monitor.SpikeRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The {@link MtaStsMonitor}'s {@link ReportSource} read from a TLS-RPT inbox (RFC 8460 §5, MON-38,
 * MON-43): the reports a domain received, counted per UTC day by {@link ReportAggregates}, feed
 * the monitor's {@code READY_FOR_ENFORCE} and {@code REPORT_FAILURE_SPIKE} alerts. The monitor
 * judges spikes with the same {@link SpikeRule} as the aggregates, so with the default rule on both
 * sides its alert and the inbox's page and summary agree on which days are spikes.
 *
 * <pre>{@code
 * MtaStsMonitor.builder()
 *     .reportSource(InboxReportSource.of(Path.of("/var/mail/tlsrpt"), true, null, executor))
 *     ...
 * }</pre>
 *
 * <p>Bounded: the directory is read by a {@link ReportInbox} with its default caps (16 MiB per
 * message, 64 parts, 100,000 inputs per read, 32 MiB inflated per report), at most once per
 * {@link #REREAD} however many domains a round checks (the other queries answer from that read),
 * on the executor given; the monitor's check deadline bounds the wait. {@link #dailyCounts} never
 * throws: an unreadable directory, or an executor that refuses the task, completes the stage
 * exceptionally, and the monitor then keeps its report-derived alerts as they were.
 *
 * <p>Thread-safe; reads run one at a time.
 */
public final class InboxReportSource implements ReportSource {
  /** How long one read of the inbox is used before the next query reads it again: one minute. */
  public static final Duration REREAD = Duration.ofMinutes(1);

  private final Path directory;
  private final boolean authenticatedOnly;
  private final ReportInbox inbox;
  private final Executor executor;
  private final Object lock = new Object();
  private @Nullable ReportAggregates last;
  private long readAt;

  private InboxReportSource(Path directory, boolean authenticatedOnly, ReportInbox inbox, Executor executor) {
    this.directory = directory;
    this.authenticatedOnly = authenticatedOnly;
    this.inbox = inbox;
    this.executor = executor;
  }

  /**
   * Creates a source over an inbox directory (a Maildir, mbox files, {@code .eml} and saved
   * {@code .json}/{@code .json.gz} submissions, as {@link ReportInbox#read(Path)} reads them).
   *
   * @param directory the inbox, a directory or a single file
   * @param authenticatedOnly {@code true} to count only the reports RFC 8460 §3 lets a receiver
   *     use (HTTPS submissions, and mails whose DKIM signature passed; RPT-23); without a
   *     {@code dkim} verifier that leaves the HTTPS submissions only
   * @param dkim checks the mails' DKIM signatures, or {@code null} to leave them unchecked
   * @param executor where the inbox is read (blocking file I/O, and DNS through the verifier)
   * @return the source
   */
  public static InboxReportSource of(Path directory, boolean authenticatedOnly, @Nullable DkimVerifier dkim,
      Executor executor) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(executor, "executor");
    ReportInbox.Builder b = ReportInbox.builder();
    if (dkim != null) {
      b.dkimVerifier(dkim);
    }
    return new InboxReportSource(directory, authenticatedOnly, b.build(), executor);
  }

  /**
   * Returns the inbox's counts of a domain's days from {@code from} to {@code to}.
   *
   * @param domain the Policy Domain
   * @param from the first UTC day
   * @param to the last UTC day, included
   * @return one entry per day with reports; completes exceptionally when the inbox cannot be read
   */
  @Override
  public CompletionStage<List<DailyReportCounts>> dailyCounts(PolicyDomain domain, LocalDate from, LocalDate to) {
    try {
      Objects.requireNonNull(domain, "domain");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      return CompletableFuture.supplyAsync(() -> aggregates().dailyCounts(domain.name(), from, to), executor);
    } catch (RuntimeException e) {
      // A refused executor (or a bad argument) fails the stage: the monitor keeps its report alerts (MON-38).
      return CompletableFuture.failedStage(e);
    }
  }

  private ReportAggregates aggregates() {
    synchronized (lock) {
      long now = System.nanoTime();
      ReportAggregates a = last;
      if (a == null || now - readAt >= REREAD.toNanos()) {
        try {
          a = ReportAggregates.of(inbox.read(directory).reports(), authenticatedOnly, SpikeRule.DEFAULT);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the reports in " + directory + ": " + Text.message(e), e);
        }
        last = a;
        readAt = now;
      }
      return a;
    }
  }

  @Override
  public String toString() {
    return "InboxReportSource[" + directory + (authenticatedOnly ? ", authenticated only" : "") + "]";
  }
}
