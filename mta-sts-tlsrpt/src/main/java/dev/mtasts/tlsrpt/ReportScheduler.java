package dev.mtasts.tlsrpt;

import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.TxtRecordSelection;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.tlsrpt.ReportSchedulerListener.Outcome;
import dev.mtasts.tlsrpt.delivery.DeliveryResult;
import dev.mtasts.tlsrpt.delivery.ReportDelivery;
import dev.mtasts.tlsrpt.internal.SetOnce;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the recorder's closed days into delivered reports (RFC 8460 §4.1, §5).
 *
 * <p>Each call of {@link #runDue(Instant)}:
 * <ol>
 *   <li>closes every UTC day before {@code now} in the {@link TlsRptRecorder} and, per policy
 *       domain, builds the report (with a unique {@code report-id}) and picks its send time: the end
 *       of the day plus a fixed delay plus a random jitter (RPT-8; defaults 30 minutes and up to 4
 *       hours, random source injectable);
 *   <li>for each report whose time has come, looks up {@code _smtp._tls.<domain>} with the
 *       {@link DnsLookup} SPI and selects the one valid record (RPT-3; a domain without one gets no
 *       report), then delivers to every {@code rua} URI a configured {@link ReportDelivery}
 *       supports (RPT-4, RPT-5);
 *   <li>retries each endpoint that failed retryably, and DNS lookups that failed temporarily, with
 *       exponential back-off (5, 10, 20, ... minutes by default) for up to 24 hours after the first
 *       attempt (RPT-27); a report counts as delivered once some endpoint accepted it (RPT-5).
 * </ol>
 *
 * <p><b>DNS (SEC-10).</b> An attacker who controls DNS can suppress or replace the
 * {@code _smtp._tls} record and so stop or divert reports; RFC 8460 §7 accepts that risk and
 * leaves it to domain owners (DNSSEC, long TTLs). Temporary lookup failures are retried like
 * delivery failures; a missing or invalid record means the domain gets no report.
 *
 * <p><b>Threads.</b> The scheduler starts none. Either call {@link #runDue(Instant)} from your own
 * loop, or let {@link #start(ScheduledExecutorService, Duration)} call it periodically on your
 * executor. DNS lookups and deliveries run on the executors of the SPI implementations.
 *
 * <pre>{@code
 * ReportScheduler scheduler = ReportScheduler.builder()
 *     .recorder(recorder)
 *     .reporter(new ReporterIdentity("Example Mail", "tlsrpt@mail.example.net"))
 *     .dnsLookup(dns)
 *     .addDelivery(HttpsReportDelivery.builder().executor(executor).build())
 *     .addDelivery(mailDelivery)
 *     .build();
 * scheduler.start(scheduledExecutor, Duration.ofMinutes(1));
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5">RFC 8460 §5</a>
 */
public final class ReportScheduler {
  /** The default for the fixed part of {@link Builder#sendDelay(Duration, Duration)}. */
  public static final Duration DEFAULT_MIN_SEND_DELAY = Duration.ofMinutes(30);
  /** The default for the random part of {@link Builder#sendDelay(Duration, Duration)}. */
  public static final Duration DEFAULT_MAX_SEND_JITTER = Duration.ofHours(4);
  /** The default for the first back-off of {@link Builder#retry(Duration, Duration)}. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMinutes(5);
  /** The default for the retry period of {@link Builder#retry(Duration, Duration)} (RPT-27). */
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger(ReportScheduler.class);

  private final TlsRptRecorder recorder;
  private final ReporterIdentity reporter;
  private final DnsLookup dns;
  private final List<ReportDelivery> deliveries;
  private final RandomGenerator random;
  private final Duration minDelay;
  private final Duration jitter;
  private final Duration initialBackoff;
  private final Duration retryPeriod;
  private final ReportSchedulerListener listener;
  private final InstantSource clock;

  private final Object lock = new Object();
  /** Guarded by {@code lock}. */
  private final List<Job> jobs = new ArrayList<>();

  private ReportScheduler(Builder b) {
    this.recorder = Objects.requireNonNull(b.recorder, "recorder");
    this.reporter = Objects.requireNonNull(b.reporter, "reporter");
    this.dns = Objects.requireNonNull(b.dns, "dnsLookup");
    this.deliveries = List.copyOf(b.deliveries);
    this.random = b.random == null ? new SplittableRandom() : b.random;
    this.minDelay = b.minDelay;
    this.jitter = b.jitter;
    this.initialBackoff = b.initialBackoff;
    this.retryPeriod = b.retryPeriod;
    this.listener = b.listener == null ? new ReportSchedulerListener() {} : b.listener;
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
  }

  /**
   * Starts building a scheduler.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Closes finished days and starts every attempt that is due at {@code now}.
   *
   * @param now the current time; attempts due at or before it start
   * @return a stage that completes when every attempt started by this call has finished (DNS lookup
   *     and deliveries, with retries scheduled); it never completes exceptionally
   */
  public CompletionStage<Void> runDue(Instant now) {
    Objects.requireNonNull(now, "now");
    List<DailyAggregate> closed = recorder.closeDaysBefore(LocalDate.ofInstant(now, ZoneOffset.UTC));
    List<Job> created = new ArrayList<>(closed.size());
    List<Job> due = new ArrayList<>();
    synchronized (lock) {
      for (DailyAggregate a : closed) {
        try {
          Job job = newJob(a);
          jobs.add(job);
          created.add(job);
        } catch (RuntimeException e) {
          LOG.error("TLS-RPT report of {} for {} cannot be built and is dropped", a.policyDomain(), a.day(), e);
        }
      }
      for (Job job : jobs) {
        if (!job.inFlight && !job.nextAttempt.isAfter(now)) {
          job.inFlight = true;
          job.attempts++;
          if (job.firstAttempt == null) {
            job.firstAttempt = now;
          }
          due.add(job);
        }
      }
    }
    for (Job job : created) {
      notify(l -> l.scheduled(job.report, job.nextAttempt));
    }
    List<CompletableFuture<Void>> running = new ArrayList<>(due.size());
    for (Job job : due) {
      running.add(attempt(job, now));
    }
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
  }

  /**
   * Calls {@link #runDue(Instant)} with the scheduler's clock every {@code period} on the given
   * executor, starting now. Failures are logged and do not stop the schedule.
   *
   * @param executor the executor that runs the checks
   * @param period the time between checks, such as one minute
   * @return the scheduled task; cancel it to stop
   */
  public ScheduledFuture<?> start(ScheduledExecutorService executor, Duration period) {
    long millis = SetOnce.positive(period, "period").toMillis();
    return executor.scheduleWithFixedDelay(() -> {
      try {
        runDue(clock.instant());
      } catch (RuntimeException e) {
        LOG.error("TLS-RPT report scheduling failed; trying again in {}", period, e);
      }
    }, 0, Math.max(1, millis), TimeUnit.MILLISECONDS);
  }

  /**
   * Returns how many reports are waiting to be sent or retried.
   *
   * @return the number of reports not yet finished
   */
  public int pendingReports() {
    synchronized (lock) {
      return jobs.size();
    }
  }

  /**
   * Returns when the next attempt is due, for callers that drive {@link #runDue(Instant)}
   * themselves. Days not yet closed are not considered: call {@code runDue} after each midnight UTC
   * as well.
   *
   * @return the earliest due time of a waiting report, or empty if none waits
   */
  public Optional<Instant> nextDue() {
    synchronized (lock) {
      Instant min = null;
      for (Job job : jobs) {
        if (!job.inFlight && (min == null || job.nextAttempt.isBefore(min))) {
          min = job.nextAttempt;
        }
      }
      return Optional.ofNullable(min);
    }
  }

  /** Creates the job of one aggregate; called under the lock (uses the random source). */
  private Job newJob(DailyAggregate aggregate) {
    String uniqueId = HexFormat.of().toHexDigits(random.nextLong());
    String reportId = aggregate.day() + "." + uniqueId + "@" + reporter.submitter();
    EncodedReport report = EncodedReport.encode(TlsRptReport.of(reporter, aggregate, reportId), uniqueId);
    long jitterMillis = jitter.isZero() ? 0 : random.nextLong(jitter.toMillis() + 1);
    Instant sendAt = aggregate.dateRange().end().plus(minDelay).plusMillis(jitterMillis);
    return new Job(report, sendAt);
  }

  private CompletableFuture<Void> attempt(Job job, Instant now) {
    List<URI> known;
    synchronized (lock) {
      known = job.pending == null ? null : List.copyOf(job.pending);
    }
    CompletableFuture<Lookup> lookup;
    if (known != null) {
      lookup = CompletableFuture.completedFuture(Lookup.found(known));
    } else {
      String name = job.report.policyDomain().tlsRptRecordName();
      try {
        lookup = dns.txt(name).toCompletableFuture().handle((outcome, error) -> interpret(name, outcome, error));
      } catch (RuntimeException e) {
        lookup = CompletableFuture.completedFuture(Lookup.retry("DNS lookup of " + name + " failed: " + e));
      }
    }
    return lookup.thenCompose(l -> {
      if (l.dropOutcome != null) {
        finish(job, l.dropOutcome, l.detail);
        return CompletableFuture.<Void>completedFuture(null);
      }
      if (l.uris == null) {
        retryOrGiveUp(job, now, l.detail);
        return CompletableFuture.<Void>completedFuture(null);
      }
      synchronized (lock) {
        if (job.pending == null) {
          job.pending = new LinkedHashSet<>(l.uris);
        }
      }
      return deliverAll(job, now);
    }).exceptionally(e -> {
      LOG.error("TLS-RPT report {}: unexpected failure", job.report.fileName(), e);
      retryOrGiveUp(job, now, "unexpected failure: " + e);
      return null;
    });
  }

  private Lookup interpret(String name, @Nullable DnsOutcome<String> outcome, @Nullable Throwable error) {
    if (error != null || outcome == null) {
      return Lookup.retry("DNS lookup of " + name + " failed: " + error);
    }
    if (outcome instanceof DnsOutcome.TemporaryFailure<String> t) {
      return Lookup.retry("DNS lookup of " + name + " failed temporarily: " + t.message());
    }
    if (!(outcome instanceof DnsOutcome.Records<String> r)) {
      return Lookup.drop(Outcome.NO_TLSRPT_RECORD, name + " has no TXT record");
    }
    TxtRecordSelection<TlsRptRecord> sel = TlsRptRecord.select(r.records());
    if (sel instanceof TxtRecordSelection.Found<TlsRptRecord> found) {
      List<URI> usable = new ArrayList<>();
      for (URI u : found.record().reportUris()) {
        if (deliveryFor(u) != null) {
          usable.add(u);
        }
      }
      if (usable.isEmpty()) {
        return Lookup.drop(Outcome.NO_SUPPORTED_RUA, name + " lists no rua URI a configured delivery supports: "
            + found.record().rua());
      }
      return Lookup.found(usable);
    }
    String why = sel instanceof TxtRecordSelection.MultipleRecords<TlsRptRecord> ? "several TLSRPTv1 records"
        : sel instanceof TxtRecordSelection.InvalidRecord<TlsRptRecord> i ? "an invalid record: " + i.problems()
        : "no v=TLSRPTv1 record";
    return Lookup.drop(Outcome.NO_TLSRPT_RECORD, name + " has " + why + " (RPT-3)");
  }

  private @Nullable ReportDelivery deliveryFor(URI uri) {
    for (ReportDelivery d : deliveries) {
      if (d.supports(uri)) {
        return d;
      }
    }
    return null;
  }

  private CompletableFuture<Void> deliverAll(Job job, Instant now) {
    List<URI> targets;
    synchronized (lock) {
      targets = new ArrayList<>(Objects.requireNonNull(job.pending));
    }
    List<CompletableFuture<DeliveryResult>> results = new ArrayList<>(targets.size());
    for (URI u : targets) {
      results.add(deliverOne(job.report, u));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenRun(() -> {
      List<DeliveryResult> done = new ArrayList<>(results.size());
      for (CompletableFuture<DeliveryResult> f : results) {
        done.add(f.join());
      }
      settle(job, done, now);
    });
  }

  private CompletableFuture<DeliveryResult> deliverOne(EncodedReport report, URI uri) {
    ReportDelivery d = Objects.requireNonNull(deliveryFor(uri), "delivery");
    CompletableFuture<DeliveryResult> f;
    try {
      f = d.deliver(report, uri).toCompletableFuture();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle((r, e) -> {
      if (r != null) {
        return r;
      }
      LOG.warn("TLS-RPT delivery to {} broke its contract and failed with an exception", uri, e);
      return new DeliveryResult.Failed(uri, true, "the delivery failed: " + e, e);
    });
  }

  private void settle(Job job, List<DeliveryResult> results, Instant now) {
    for (DeliveryResult r : results) {
      if (r instanceof DeliveryResult.Delivered ok) {
        notify(l -> l.delivered(job.report, ok));
      } else if (r instanceof DeliveryResult.Failed failed) {
        LOG.info("TLS-RPT report {} not delivered to {}: {}", job.report.fileName(), failed.rua(), failed.message());
        notify(l -> l.deliveryFailed(job.report, failed));
      }
    }
    boolean remaining;
    int delivered;
    synchronized (lock) {
      Set<URI> pending = Objects.requireNonNull(job.pending);
      for (DeliveryResult r : results) {
        if (r instanceof DeliveryResult.Delivered) {
          job.delivered++;
          pending.remove(r.rua());
        } else if (r instanceof DeliveryResult.Failed f && !f.retryable()) {
          pending.remove(r.rua());
        }
      }
      remaining = !pending.isEmpty();
      delivered = job.delivered;
    }
    if (remaining) {
      retryOrGiveUp(job, now, "delivery failed for some endpoints");
    } else {
      finish(job, delivered > 0 ? Outcome.DELIVERED : Outcome.NOT_DELIVERED,
          delivered > 0 ? "accepted by " + delivered + " endpoint(s)" : "every endpoint refused it permanently");
    }
  }

  private void retryOrGiveUp(Job job, Instant now, String why) {
    Instant next;
    int attempt;
    boolean delivered;
    synchronized (lock) {
      delivered = job.delivered > 0;
      long factor = 1L << Math.min(job.attempts - 1, 30);
      next = now.plus(initialBackoff.multipliedBy(factor));
      Instant deadline = Objects.requireNonNull(job.firstAttempt).plus(retryPeriod);
      if (next.isAfter(deadline)) {
        next = null;
      } else {
        job.nextAttempt = next;
        job.inFlight = false;
      }
      attempt = job.attempts + 1;
    }
    if (next == null) {
      finish(job, delivered ? Outcome.DELIVERED : Outcome.NOT_DELIVERED,
          why + "; retry period of " + retryPeriod + " over after " + attempt + " attempts");
    } else {
      Instant at = next;
      notify(l -> l.retryScheduled(job.report, at, attempt));
    }
  }

  private void finish(Job job, Outcome outcome, String detail) {
    synchronized (lock) {
      jobs.remove(job);
    }
    if (outcome == Outcome.DELIVERED) {
      LOG.debug("TLS-RPT report {} {}: {}", job.report.fileName(), outcome, detail);
    } else {
      LOG.info("TLS-RPT report {} {}: {}", job.report.fileName(), outcome, detail);
    }
    notify(l -> l.finished(job.report, outcome, detail));
  }

  private void notify(Consumer<ReportSchedulerListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      LOG.warn("TLS-RPT scheduler listener failed", e);
    }
  }

  /** One report on its way; mutable state guarded by {@code lock}. */
  private static final class Job {
    final EncodedReport report;
    Instant nextAttempt;
    @Nullable Instant firstAttempt;
    int attempts;
    int delivered;
    boolean inFlight;
    /** The endpoints still to deliver to; null until the record was looked up. */
    @Nullable Set<URI> pending;

    Job(EncodedReport report, Instant sendAt) {
      this.report = report;
      this.nextAttempt = sendAt;
    }
  }

  /** The outcome of the rua lookup: URIs, a reason to drop the report, or a reason to retry. */
  private static final class Lookup {
    final @Nullable List<URI> uris;
    final @Nullable Outcome dropOutcome;
    final String detail;

    private Lookup(@Nullable List<URI> uris, @Nullable Outcome dropOutcome, String detail) {
      this.uris = uris;
      this.dropOutcome = dropOutcome;
      this.detail = detail;
    }

    static Lookup found(List<URI> uris) {
      return new Lookup(uris, null, "");
    }

    static Lookup drop(Outcome outcome, String detail) {
      return new Lookup(null, outcome, detail);
    }

    static Lookup retry(String detail) {
      return new Lookup(null, null, detail);
    }
  }

  /**
   * Builds a {@link ReportScheduler}. The recorder, the reporter identity, the DNS lookup and at
   * least one delivery are required; each other option may be set once.
   */
  public static final class Builder {
    private @Nullable TlsRptRecorder recorder;
    private @Nullable ReporterIdentity reporter;
    private @Nullable DnsLookup dns;
    private final List<ReportDelivery> deliveries = new ArrayList<>();
    private @Nullable RandomGenerator random;
    private Duration minDelay = DEFAULT_MIN_SEND_DELAY;
    private Duration jitter = DEFAULT_MAX_SEND_JITTER;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
    private @Nullable ReportSchedulerListener listener;
    private @Nullable InstantSource clock;
    private final SetOnce set = new SetOnce();

    private Builder() {}

    /**
     * Sets the recorder whose days are reported.
     *
     * @param recorder the recorder
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder recorder(TlsRptRecorder recorder) {
      set.mark("recorder");
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /**
     * Sets who sends the reports.
     *
     * @param reporter the organization name and contact
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder reporter(ReporterIdentity reporter) {
      set.mark("reporter");
      this.reporter = Objects.requireNonNull(reporter, "reporter");
      return this;
    }

    /**
     * Sets the DNS lookup for {@code _smtp._tls} records.
     *
     * @param dns the lookup
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder dnsLookup(DnsLookup dns) {
      set.mark("dnsLookup");
      this.dns = Objects.requireNonNull(dns, "dns");
      return this;
    }

    /**
     * Adds a delivery; for each {@code rua} URI the first one that supports it is used.
     *
     * @param delivery the delivery
     * @return this builder
     */
    public Builder addDelivery(ReportDelivery delivery) {
      deliveries.add(Objects.requireNonNull(delivery, "delivery"));
      return this;
    }

    /**
     * Sets the random source for send times and report identifiers; it is used under the
     * scheduler's lock, so it need not be thread-safe.
     *
     * @param random the source; the default is a new {@link SplittableRandom}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder random(RandomGenerator random) {
      set.mark("random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets when a report is first sent: {@code minDelay} plus a uniformly random part of at most
     * {@code maxJitter} after the end of its day (RPT-8).
     *
     * @param minDelay the fixed delay, zero or more; the default is 30 minutes
     * @param maxJitter the largest random delay, zero or more; the default is 4 hours
     * @return this builder
     * @throws IllegalArgumentException if a duration is negative or their sum exceeds a day
     * @throws IllegalStateException if already set
     */
    public Builder sendDelay(Duration minDelay, Duration maxJitter) {
      set.mark("sendDelay");
      if (minDelay.isNegative() || maxJitter.isNegative() || minDelay.plus(maxJitter).compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("send delays must be zero or more and add up to at most a day");
      }
      this.minDelay = minDelay;
      this.jitter = maxJitter;
      return this;
    }

    /**
     * Sets the retry schedule (RPT-27): after the n-th failed attempt the next one is
     * {@code initialBackoff * 2^(n-1)} later, as long as it falls within {@code retryPeriod} of the
     * first attempt.
     *
     * @param initialBackoff the first back-off, positive; the default is 5 minutes
     * @param retryPeriod how long to keep trying, positive; the default is 24 hours
     * @return this builder
     * @throws IllegalArgumentException if a duration is not positive
     * @throws IllegalStateException if already set
     */
    public Builder retry(Duration initialBackoff, Duration retryPeriod) {
      set.mark("retry");
      this.initialBackoff = SetOnce.positive(initialBackoff, "initialBackoff");
      this.retryPeriod = SetOnce.positive(retryPeriod, "retryPeriod");
      return this;
    }

    /**
     * Sets the listener.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder listener(ReportSchedulerListener listener) {
      set.mark("listener");
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the clock {@link #start(ScheduledExecutorService, Duration)} reads.
     *
     * @param clock the clock; the default is {@link InstantSource#system()}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(InstantSource clock) {
      set.mark("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the scheduler.
     *
     * @return the scheduler
     * @throws IllegalStateException if the recorder, reporter, DNS lookup or every delivery is
     *     missing
     */
    public ReportScheduler build() {
      if (recorder == null || reporter == null || dns == null || deliveries.isEmpty()) {
        throw new IllegalStateException("recorder, reporter, dnsLookup and at least one delivery are required");
      }
      return new ReportScheduler(this);
    }
  }
}
