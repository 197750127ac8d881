package dev.mtasts.tlsrpt;

import dev.mtasts.core.internal.Text;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.SafeText;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.TxtRecordSelection;
import dev.mtasts.core.dns.DnsLookup;
import dev.mtasts.core.dns.DnsOutcome;
import dev.mtasts.tlsrpt.ReportSchedulerListener.Outcome;
import dev.mtasts.tlsrpt.internal.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 *       supports (RPT-4, RPT-5), up to {@link Builder#maxRuaUris(int)} of them (default 10,
 *       SEC-17);
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
 * <p><b>Durable state.</b> With {@link Builder#stateDirectory(Path)} every report waiting to be
 * sent or retried is kept in its own file, written atomically (temporary file, force, atomic
 * rename, force of the directory) whenever its state changes: when the report is built (before the
 * recorder deletes the day's counts), when an attempt starts, when the {@code rua} is looked up,
 * as soon as an endpoint accepts it, and when a retry is scheduled; the file is deleted when the
 * scheduler is done with the report. A new scheduler on the same directory resumes every saved
 * report with its history: the report's exact bytes and {@code report-id}, the next attempt time,
 * the number of attempts made, the first attempt time (the 24-hour retry period of RPT-27 counts
 * from it, across restarts) and the endpoints that accepted it, which are not sent to again
 * (RPT-5). A crash can repeat at most what the files do not know yet: a delivery that an endpoint
 * accepted while the process died before saving that fact. A file that cannot be read is renamed
 * to {@code <name>.corrupt-<millis>} and logged; the other reports still load. At most
 * {@code maxPoliciesPerDay * maxOpenDays} of the recorder's limits are read, the newest first.
 * The directory is locked: a second scheduler on it fails to build until the first is closed.
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
 *     .stateDirectory(Path.of("/var/lib/mta/tlsrpt"))   // optional: waiting reports survive restarts
 *     .build();
 * ScheduledFuture<?> task = scheduler.start(scheduledExecutor, Duration.ofMinutes(1));
 * ...
 * task.cancel(false);
 * scheduler.close();   // on shutdown
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-5">RFC 8460 §5</a>
 */
public final class ReportScheduler implements AutoCloseable {
  /** The default for the fixed part of {@link Builder#sendDelay(Duration, Duration)}. */
  public static final Duration DEFAULT_MIN_SEND_DELAY = Duration.ofMinutes(30);
  /** The default for the random part of {@link Builder#sendDelay(Duration, Duration)}. */
  public static final Duration DEFAULT_MAX_SEND_JITTER = Duration.ofHours(4);
  /** The default for the first back-off of {@link Builder#retry(Duration, Duration)}. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMinutes(5);
  /** The default for the retry period of {@link Builder#retry(Duration, Duration)} (RPT-27). */
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofHours(24);
  /** The default for {@link Builder#maxRuaUris(int)}. */
  public static final int DEFAULT_MAX_RUA_URIS = 10;

  private static final Logger LOG = LoggerFactory.getLogger(ReportScheduler.class);
  private static final String STATE_KIND = "report";

  private final TlsRptRecorder recorder;
  private final ReporterIdentity reporter;
  private final DnsLookup dns;
  private final List<ReportDelivery> deliveries;
  private final RandomGenerator random;
  private final Duration minDelay;
  private final Duration jitter;
  private final Duration initialBackoff;
  private final Duration retryPeriod;
  private final int maxRuaUris;
  private final List<ReportSchedulerListener> listeners;
  private final InstantSource clock;

  private final Object lock = new Object();
  /** Guarded by {@code lock}. */
  private final List<Job> jobs = new ArrayList<>();
  /** The files of the waiting reports; null without a state directory. */
  private final @Nullable StateDirectory state;
  /** Calls of runDue and attempts under way; guarded by {@code lock}. */
  private int busy;
  /** Guarded by {@code lock}. */
  private boolean closed;
  /** The state directory was released; guarded by {@code lock}. */
  private boolean released;

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
    this.maxRuaUris = b.maxRuaUris;
    this.listeners = List.copyOf(b.listeners);
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.state = b.stateDirectory == null ? null
        : StateDirectory.open(b.stateDirectory, STATE_KIND, "TLS-RPT scheduler", this::restore);
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
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.completedFuture(null);
      }
      busy++;
    }
    try {
      List<Job> created = new ArrayList<>();
      recorder.closeDaysBefore(LocalDate.ofInstant(now, ZoneOffset.UTC), closedDays -> createJobs(closedDays, created));
      List<Job> due = new ArrayList<>();
      List<Job> expired = new ArrayList<>();
      synchronized (lock) {
        for (Job job : jobs) {
          if (job.inFlight || job.nextAttempt.isAfter(now)) {
            continue;
          }
          job.inFlight = true;
          Instant first = job.firstAttempt;
          if (first != null && now.isAfter(first.plus(retryPeriod))) {
            // Only after a restart or a late call: the retry period is over (RPT-27).
            expired.add(job);
            continue;
          }
          job.attempts++;
          if (first == null) {
            job.firstAttempt = now;
          }
          due.add(job);
        }
        busy += due.size();
      }
      for (Job job : created) {
        notify(l -> l.scheduled(job.report, job.nextAttempt));
      }
      for (Job job : expired) {
        boolean delivered;
        synchronized (lock) {
          delivered = !job.accepted.isEmpty();
        }
        finish(job, delivered ? Outcome.DELIVERED : Outcome.NOT_DELIVERED, "the retry period of " + retryPeriod
            + " after the first attempt at " + job.firstAttempt + " is over after " + job.attempts + " attempts");
      }
      List<CompletableFuture<Void>> running = new ArrayList<>(due.size());
      for (Job job : due) {
        persist(job);
        running.add(attempt(job, now).whenComplete((v, e) -> done()));
      }
      return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
    } finally {
      done();
    }
  }

  /**
   * Builds the jobs of the closed days and saves them, before the recorder deletes the days' counts.
   * A day and domain that already has a job (restored after a crash that came between the two) is
   * not built again.
   *
   * @return whether every job was saved
   */
  private boolean createJobs(List<DailyAggregate> closedDays, List<Job> created) {
    synchronized (lock) {
      Set<String> existing = new HashSet<>();
      for (Job j : jobs) {
        existing.add(j.day + " " + j.report.policyDomain().name());
      }
      for (DailyAggregate a : closedDays) {
        if (existing.contains(a.day() + " " + a.policyDomain().name())) {
          LOG.info("TLS-RPT report of {} for {} was saved before a restart; the recorder's copy of its counts "
              + "is dropped", a.policyDomain(), a.day());
          continue;
        }
        try {
          Job job = newJob(a);
          jobs.add(job);
          created.add(job);
        } catch (RuntimeException e) {
          LOG.error("TLS-RPT report of {} for {} cannot be built and is dropped", a.policyDomain(), a.day(), e);
        }
      }
    }
    boolean saved = true;
    for (Job job : created) {
      saved &= persist(job);
    }
    return saved;
  }

  /** Ends a call of runDue or an attempt; releases the state directory after close(). */
  private void done() {
    boolean release;
    synchronized (lock) {
      busy--;
      release = closed && busy == 0 && !released;
      if (release) {
        released = true;
      }
    }
    if (release && state != null) {
      state.release();
    }
  }

  /**
   * Stops the scheduler: later calls of {@link #runDue(Instant)} do nothing, so the recorder keeps
   * its days. Attempts under way finish and save their outcome; then the state directory is
   * released, and a new scheduler may resume the waiting reports from it. Cancel the task of
   * {@link #start(ScheduledExecutorService, Duration)} as well. Idempotent; does not block.
   */
  @Override
  public void close() {
    boolean release;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      release = busy == 0 && !released;
      if (release) {
        released = true;
      }
    }
    if (release && state != null) {
      state.release();
    }
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
    long millis = Builders.positive(period, "period").toMillis();
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
    return new Job(report, aggregate.day(), sendAt);
  }

  /**
   * Saves a job's current state, unless it is finished; writes of one job are serialized and each
   * takes the newest state.
   *
   * @return whether the state is saved (or there is no state directory)
   */
  private boolean persist(Job job) {
    StateDirectory s = state;
    if (s == null) {
      return true;
    }
    synchronized (job) {
      List<Map.Entry<String, String>> fields = new ArrayList<>();
      synchronized (lock) {
        if (job.finished || released) {
          return true;
        }
        fields.add(Map.entry("day", job.day.toString()));
        fields.add(Map.entry("unique-id", job.report.uniqueId()));
        fields.add(Map.entry("policy-domain", job.report.policyDomain().name()));
        fields.add(Map.entry("submitter", job.report.submitter()));
        fields.add(Map.entry("file-name", job.report.fileName()));
        fields.add(Map.entry("next-attempt", job.nextAttempt.toString()));
        if (job.firstAttempt != null) {
          fields.add(Map.entry("first-attempt", job.firstAttempt.toString()));
        }
        fields.add(Map.entry("attempts", Integer.toString(job.attempts)));
        fields.add(Map.entry("lookup", job.pending == null ? "needed" : "done"));
        for (URI u : job.pending == null ? Set.<URI>of() : job.pending) {
          fields.add(Map.entry("pending", u.toString()));
        }
        for (URI u : job.accepted) {
          fields.add(Map.entry("accepted", u.toString()));
        }
      }
      try {
        s.write(job.key(), StateDirectory.encode(STATE_KIND, fields, job.report.content()));
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.error("TLS-RPT report {} cannot be saved in {}; it goes on in memory, but a restart would resume "
            + "it from an older state, if any", job.report.fileName(), s.directory(), e);
        return false;
      }
    }
  }

  /** Reads the saved jobs; called by the constructor. */
  private void restore(StateDirectory s) {
    List<Job> restored = s.loadAll(STATE_KIND, recorder.maxStoredReports(), ReportScheduler::decodeJob);
    for (Job job : restored) {
      if (job.pending != null && job.pending.isEmpty()) {
        // Done before the restart, but the process died before deleting the file.
        try {
          s.delete(job.key());
        } catch (IOException e) {
          LOG.warn("Cannot delete the state of finished TLS-RPT report {}", job.report.fileName(), e);
        }
        continue;
      }
      jobs.add(job);
    }
    if (!jobs.isEmpty()) {
      LOG.info("Restored {} waiting TLS-RPT report(s) from {}", jobs.size(), s.directory());
    }
  }

  /** Reads one job file, checking that it is consistent. */
  private static Job decodeJob(String key, StateDirectory.Envelope e) {
    LocalDate day = LocalDate.parse(e.one("day"));
    String uniqueId = e.one("unique-id");
    if (!key.equals(day + "-" + uniqueId)) {
      throw new IllegalArgumentException("the file holds report " + day + "-" + uniqueId + ", not " + key);
    }
    TlsRptReport report = StateReports.parse(e.body());
    PolicyDomain domain = PolicyDomain.of(e.one("policy-domain"));
    if (!DateRange.utcDay(day).equals(report.dateRange()) || report.reportId() == null
        || report.policies().isEmpty()
        || !report.policies().stream().allMatch(p -> domain.name().equals(p.policy().policyDomain()))) {
      throw new IllegalArgumentException("the report does not match its header (day " + day + ", domain "
          + domain + ")");
    }
    EncodedReport encoded = new EncodedReport(report, domain, e.one("submitter"), uniqueId, e.one("file-name"),
        e.body());
    Job job = new Job(encoded, day, Instant.parse(e.one("next-attempt")));
    List<String> first = e.all("first-attempt");
    if (first.size() > 1) {
      throw new IllegalArgumentException("more than one first-attempt");
    }
    job.firstAttempt = first.isEmpty() ? null : Instant.parse(first.get(0));
    job.attempts = Integer.parseInt(e.one("attempts"));
    if (job.attempts < 0 || (job.attempts > 0) != (job.firstAttempt != null)) {
      throw new IllegalArgumentException("attempts and first-attempt disagree");
    }
    String lookup = e.one("lookup");
    if (lookup.equals("done")) {
      job.pending = new LinkedHashSet<>();
      for (String u : e.all("pending")) {
        job.pending.add(StateReports.uri(u));
      }
    } else if (!lookup.equals("needed") || !e.all("pending").isEmpty()) {
      throw new IllegalArgumentException("bad lookup state '" + lookup + "'");
    }
    for (String u : e.all("accepted")) {
      job.accepted.add(StateReports.uri(u));
    }
    return job;
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
      boolean looked;
      synchronized (lock) {
        looked = job.pending == null;
        if (looked) {
          job.pending = new LinkedHashSet<>(l.uris);
          job.pending.removeAll(job.accepted);
        }
      }
      if (looked) {
        persist(job);
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
      Set<URI> usable = new LinkedHashSet<>();
      int skipped = 0;
      for (URI u : found.record().reportUris()) {
        if (deliveryFor(u) == null || usable.contains(u)) {
          continue;
        }
        if (usable.size() < maxRuaUris) {
          usable.add(u);
        } else {
          skipped++;
        }
      }
      if (usable.isEmpty()) {
        return Lookup.drop(Outcome.NO_SUPPORTED_RUA, name + " lists no rua URI a configured delivery supports: "
            + found.record().rua());
      }
      if (skipped > 0) {
        // SEC-17: one record must not fan a report out to any number of endpoints.
        LOG.warn("TLS-RPT record {} lists {} more supported rua URIs than the {} used; the rest are ignored",
            SafeText.escape(name, 300), skipped, maxRuaUris);
      }
      return Lookup.found(new ArrayList<>(usable));
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
    List<CompletableFuture<DeliveryOutcome>> results = new ArrayList<>(targets.size());
    for (URI u : targets) {
      results.add(deliverOne(job.report, u).thenApply(r -> {
        if (r instanceof DeliveryOutcome.Delivered) {
          // Saved at once, so that a restart does not send to this endpoint again (RPT-5).
          synchronized (lock) {
            job.accepted.add(u);
            Objects.requireNonNull(job.pending).remove(u);
          }
          persist(job);
        }
        return r;
      }));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenRun(() -> {
      List<DeliveryOutcome> done = new ArrayList<>(results.size());
      for (CompletableFuture<DeliveryOutcome> f : results) {
        done.add(f.join());
      }
      settle(job, targets, done, now);
    });
  }

  private CompletableFuture<DeliveryOutcome> deliverOne(EncodedReport report, URI uri) {
    ReportDelivery d = Objects.requireNonNull(deliveryFor(uri), "delivery");
    CompletableFuture<DeliveryOutcome> f;
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
      return new DeliveryOutcome.Failed(uri, true, "the delivery failed: " + e, e);
    });
  }

  private void settle(Job job, List<URI> targets, List<DeliveryOutcome> results, Instant now) {
    for (DeliveryOutcome r : results) {
      if (r instanceof DeliveryOutcome.Delivered ok) {
        notify(l -> l.delivered(job.report, ok));
      } else if (r instanceof DeliveryOutcome.Failed failed) {
        LOG.info("TLS-RPT report {} not delivered to {}: {}", job.report.fileName(), failed.rua(), failed.message());
        notify(l -> l.deliveryFailed(job.report, failed));
      }
    }
    boolean remaining;
    int delivered;
    synchronized (lock) {
      Set<URI> pending = Objects.requireNonNull(job.pending);
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i) instanceof DeliveryOutcome.Failed f && !f.retryable()) {
          pending.remove(targets.get(i));
        }
      }
      remaining = !pending.isEmpty();
      delivered = job.accepted.size();
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
      delivered = !job.accepted.isEmpty();
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
      persist(job);
      Instant at = next;
      notify(l -> l.retryScheduled(job.report, at, attempt));
    }
  }

  private void finish(Job job, Outcome outcome, String detail) {
    StateDirectory s = state;
    synchronized (job) {
      boolean delete;
      synchronized (lock) {
        jobs.remove(job);
        job.finished = true;
        delete = !released;
      }
      if (s != null && delete) {
        try {
          s.delete(job.key());
        } catch (IOException e) {
          // A restart resumes the report from its saved state; it never resends to an endpoint that accepted it.
          LOG.warn("Cannot delete the state of finished TLS-RPT report {}", job.report.fileName(), e);
        }
      }
    }
    if (outcome == Outcome.DELIVERED) {
      LOG.debug("TLS-RPT report {} {}: {}", job.report.fileName(), outcome, detail);
    } else {
      LOG.info("TLS-RPT report {} {}: {}", job.report.fileName(), outcome, detail);
    }
    notify(l -> l.finished(job.report, outcome, detail));
  }

  private void notify(Consumer<ReportSchedulerListener> event) {
    for (ReportSchedulerListener l : listeners) {
      try {
        event.accept(l);
      } catch (Throwable e) { // a listener must never stop the scheduler (SEC-26)
        if (e instanceof VirtualMachineError vm) {
          throw vm;
        }
        LOG.warn("TLS-RPT scheduler listener {} failed: {}", l, Text.message(e));
      }
    }
  }

  /**
   * One report on its way; mutable state guarded by {@code lock}. Its monitor serializes the
   * writes and the deletion of its file, and is always taken before {@code lock}.
   */
  private static final class Job {
    final EncodedReport report;
    final LocalDate day;
    Instant nextAttempt;
    @Nullable Instant firstAttempt;
    int attempts;
    boolean inFlight;
    boolean finished;
    /** The endpoints still to deliver to; null until the record was looked up. */
    @Nullable Set<URI> pending;
    /** The endpoints that accepted the report (RPT-5). */
    final Set<URI> accepted = new LinkedHashSet<>();

    Job(EncodedReport report, LocalDate day, Instant sendAt) {
      this.report = report;
      this.day = day;
      this.nextAttempt = sendAt;
    }

    /** The key of its state file: the day first, so that the newest sort first. */
    String key() {
      return day + "-" + report.uniqueId();
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
    private int maxRuaUris = DEFAULT_MAX_RUA_URIS;
    private final List<ReportSchedulerListener> listeners = new ArrayList<>();
    private @Nullable InstantSource clock;
    private @Nullable Path stateDirectory;
    private final Builders.Tracker set = new Builders.Tracker();

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
     * Sets how many {@code rua} URIs of one {@code _smtp._tls} record a report is sent to: the
     * first ones, in record order, that a configured delivery supports, duplicates counted once.
     * RFC 8460 §3 allows several URIs; the cap keeps a hostile record from making one report into
     * hundreds of requests or mails (SEC-17).
     *
     * @param max at least 1; the default is {@value ReportScheduler#DEFAULT_MAX_RUA_URIS}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxRuaUris(int max) {
      set.mark("maxRuaUris");
      this.maxRuaUris = Builders.atLeast(max, 1, "maxRuaUris");
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
      this.initialBackoff = Builders.positive(initialBackoff, "initialBackoff");
      this.retryPeriod = Builders.positive(retryPeriod, "retryPeriod");
      return this;
    }

    /**
     * Adds a listener; every listener receives every event, in the order added, and one that
     * throws neither stops the scheduler nor the other listeners.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder addListener(ReportSchedulerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
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
     * Keeps every report waiting to be sent or retried in a directory, with its attempt history,
     * so that a restart resumes it; see the class description. The scheduler owns the files
     * {@code tlsrpt-report-<day>-<unique-id>.state} and {@code tlsrpt-report.lock} there; the
     * recorder may use the same directory. Give the recorder a state directory too, or the open
     * days are lost on a restart.
     *
     * @param directory the directory; created if missing
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder stateDirectory(Path directory) {
      set.mark("stateDirectory");
      this.stateDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Builds the scheduler, restoring the saved reports if it has a state directory.
     *
     * @return the scheduler
     * @throws IllegalStateException if the recorder, reporter, DNS lookup or every delivery is
     *     missing, or another scheduler, in this or another process, uses the state directory
     * @throws UncheckedIOException if the state directory cannot be created, locked or listed
     */
    public ReportScheduler build() {
      if (recorder == null || reporter == null || dns == null || deliveries.isEmpty()) {
        throw new IllegalStateException("recorder, reporter, dnsLookup and at least one delivery are required");
      }
      return new ReportScheduler(this);
    }
  }
}
