package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Text;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.owner.monitor.MtaStsMonitor;
import dev.mtasts.owner.monitor.ReportSource;
import dev.mtasts.owner.monitor.SpikeRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
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
 *     .reportSource(InboxReportSource.builder(Path.of("/var/mail/tlsrpt")).authenticatedOnly(true)
 *         .dkimVerifier(verifier).executor(executor).build())
 *     ...
 * }</pre>
 *
 * <p>Bounded: the directory is read by a {@link ReportInbox} with its default caps (16 MiB per
 * message, 64 parts, 100,000 inputs per read, 32 MiB inflated per report), at most once per
 * {@linkplain Builder#rereadAfter re-read period} however many domains a round checks (the other queries answer from that read),
 * on the executor given; the monitor's check deadline bounds the wait. {@link #dailyCounts} never
 * throws: an unreadable directory, or an executor that refuses the task, completes the stage
 * exceptionally, and the monitor then keeps its report-derived alerts as they were.
 *
 * <p>Thread-safe; reads run one at a time.
 */
public final class InboxReportSource implements ReportSource {
  /** How long one read of the inbox is used by default before a query reads it again: one minute. */
  public static final Duration DEFAULT_REREAD = Duration.ofMinutes(1);

  private final Path directory;
  private final boolean authenticatedOnly;
  private final ReportInbox inbox;
  private final Executor executor;
  private final LongSupplier ticker;
  private final long rereadNanos;
  private final Object lock = new Object();
  private @Nullable ReportAggregates last;
  private long readAt;

  private InboxReportSource(Builder b) {
    this.directory = b.directory;
    this.authenticatedOnly = b.authenticatedOnly != null && b.authenticatedOnly;
    ReportInbox.Builder inboxBuilder = ReportInbox.builder();
    if (b.dkim != null) {
      inboxBuilder.dkimVerifier(b.dkim);
    }
    if (b.clock != null) {
      inboxBuilder.clock(b.clock);
    }
    this.inbox = inboxBuilder.build();
    this.executor = Objects.requireNonNull(b.executor, "executor is required");
    this.ticker = b.ticker != null ? b.ticker : System::nanoTime;
    this.rereadNanos = (b.reread != null ? b.reread : DEFAULT_REREAD).toNanos();
  }

  /**
   * Starts a source over an inbox: a Maildir, mbox files, {@code .eml} and saved
   * {@code .json}/{@code .json.gz} submissions, as {@link ReportInbox#read(Path)} reads them. The
   * executor is required.
   *
   * @param directory the inbox, a directory or a single file
   * @return a builder
   */
  public static Builder builder(Path directory) {
    return new Builder(Objects.requireNonNull(directory, "directory"));
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
      long now = ticker.getAsLong();
      ReportAggregates a = last;
      if (a == null || now - readAt >= rereadNanos) {
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

  /** Configures an {@link InboxReportSource}; each option may be set once. */
  public static final class Builder {
    private final Path directory;
    private @Nullable Boolean authenticatedOnly;
    private @Nullable DkimVerifier dkim;
    private @Nullable Executor executor;
    private @Nullable InstantSource clock;
    private @Nullable LongSupplier ticker;
    private @Nullable Duration reread;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * Counts only the reports RFC 8460 §3 lets a receiver use: HTTPS submissions, and mails whose
     * DKIM signature passed (RPT-23); without a {@linkplain #dkimVerifier DKIM verifier} that
     * leaves the HTTPS submissions only.
     *
     * @param only {@code true} for authenticated reports only; default {@code false}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder authenticatedOnly(boolean only) {
      authenticatedOnly = Builders.once(authenticatedOnly, only, "authenticatedOnly");
      return this;
    }

    /**
     * Checks the DKIM signatures of mailed reports (RFC 8460 §3).
     *
     * @param verifier the verifier, such as {@code mta-sts-tlsrpt-dkim}'s; default: mails are not checked
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder dkimVerifier(DkimVerifier verifier) {
      dkim = Builders.once(dkim, verifier, "dkimVerifier");
      return this;
    }

    /**
     * Sets where the inbox is read: blocking file I/O, and DNS through the DKIM verifier.
     *
     * @param executor the executor (required)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Sets the clock the inbox judges report dates by: a report starting more than a day after it
     * is not counted (RPT-55). Give the monitor's clock, so that reports dated by a manual clock
     * are judged by it.
     *
     * @param clock the clock; default the system clock
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Sets the monotonic ticker that times the re-read period, so that a test with a manual clock
     * sees new reports when its time moves.
     *
     * @param nanos nanoseconds from an arbitrary origin, such as {@code ManualClock.ticker()};
     *     default {@link System#nanoTime()}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder ticker(LongSupplier nanos) {
      ticker = Builders.once(ticker, nanos, "ticker");
      return this;
    }

    /**
     * Sets how long one read of the inbox answers queries before the next query reads it again:
     * the queries of one monitor round (one per domain) share a read.
     *
     * @param period at least zero (zero reads for every query); default {@link #DEFAULT_REREAD}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if negative
     */
    public Builder rereadAfter(Duration period) {
      reread = Builders.once(reread, Builders.nonNegative(period, "rereadAfter"), "rereadAfter");
      return this;
    }

    /**
     * Builds the source.
     *
     * @return the source
     * @throws NullPointerException if no executor was set
     */
    public InboxReportSource build() {
      return new InboxReportSource(this);
    }
  }
}
