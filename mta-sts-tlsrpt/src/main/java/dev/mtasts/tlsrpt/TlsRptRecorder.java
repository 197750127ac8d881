package dev.mtasts.tlsrpt;

import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.tlsrpt.internal.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts TLS sessions per policy and UTC day, for TLS-RPT reports (RFC 8460 §4).
 *
 * <p>The MTA calls {@link #record(ReportPolicy, SessionOutcome)} once per session (or per attempt
 * to apply a policy, see APP-7), from any thread. The day is taken from the injected clock.
 * {@link #closeDaysBefore(LocalDate)} ends the days before a given one and returns their counts,
 * one {@link DailyAggregate} per policy domain; {@link ReportScheduler} calls it.
 *
 * <pre>{@code
 * TlsRptRecorder recorder = TlsRptRecorder.builder().build();
 * ReportPolicy policy = ReportPolicy.sts(domain, mtaStsPolicy, rawBody);
 * recorder.record(policy, SessionOutcome.success());
 * recorder.record(policy, SessionOutcome.failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED)
 *     .receivingMxHostname("mx2.example.com").build());
 * }</pre>
 *
 * <p><b>Exact counts.</b> Counters are {@link LongAdder}s in concurrent maps; a day is closed under
 * a write lock whose read side every {@code record} call holds, so each session is counted exactly
 * once: in its day's report, or (if its day was closed while the call was running) in
 * {@link RecorderStats#lateSessions()}.
 *
 * <p><b>Bounded memory.</b> Per day at most {@code maxPoliciesPerDay} distinct policies are
 * kept; sessions of further policies are not reported and are counted in
 * {@link RecorderStats#sessionsOverPolicyLimit()}. Per policy at most
 * {@code maxFailureDetailsPerPolicy} distinct failure details are kept, and per day at most
 * {@code maxFailureDetailsPerDay}; further failures are still counted exactly, under an entry that
 * keeps only the result type, with {@code failure-reason-code}
 * {@value SessionOutcome.Failure#DETAIL_LIMIT_REASON_CODE} (counted in
 * {@link RecorderStats#sessionsOverDetailLimit()}). At most {@code maxOpenDays} days are kept; if
 * nobody closes them, the oldest is dropped and its sessions are counted in
 * {@link RecorderStats#discardedSessions()}.
 *
 * <p><b>Byte budget (RPT-31).</b> The counts of all open days together are also bounded by an
 * estimate of the memory they take ({@link Builder#maxBytes(long)}, default
 * {@value #DEFAULT_MAX_BYTES} bytes, 64 MiB): each policy and each failure detail is charged the
 * estimated size of its key (its strings, as UTF-16, plus a fixed overhead per object) when it is
 * first seen in a day, and the charge is given back when the day is closed or dropped. Once the
 * budget is spent, sessions of policies not yet seen that day are not counted (see
 * {@link RecorderStats#sessionsOverByteBudget()}) and new failure details fall back to the coarse
 * entry above; policies and details already held still count every session. Recording never
 * blocks on the budget and never throws because of it.
 *
 * <p><b>Long policies (RPT-30).</b> The {@code policy-string} and {@code mx-host} values of a
 * policy are kept up to {@value #MAX_POLICY_CHARS} characters in total (the limit under which
 * this library's {@link ReportParser} accepts every string of a report): lines past the limit are
 * dropped, and a line that crosses it is cut at a character boundary, never inside a surrogate
 * pair, so the report stays valid I-JSON (RFC 7493). Such sessions are counted under the shortened
 * policy, and in {@link RecorderStats#sessionsWithTruncatedPolicy()}; a policy the parser accepts
 * (up to 64 KiB, whose {@code mx} patterns appear twice) is never a reason to fail.
 *
 * <p><b>No report loops (RPT-24).</b> Sessions that deliver a report by mail must not be counted.
 * Report mails built by this library carry the {@code TLS-Report-Domain} and
 * {@code TLS-Report-Submitter} header fields (RPT-20); an MTA recognises them with
 * {@link #isReportMessage(Collection)} and records such sessions with
 * {@link #recordReportDelivery(ReportPolicy, SessionOutcome)}, which counts them nowhere but in
 * {@link RecorderStats#ignoredReportDeliveries()}. (It must also deliver them despite MTA-STS or
 * DANE failures.) HTTPS deliveries are not SMTP sessions and are never seen here.
 *
 * <p><b>Durable state.</b> With {@link Builder#stateDirectory(Path)} the counts of the open days
 * survive restarts. {@link #flush()} writes each day that changed since the last flush to its own
 * file, atomically (temporary file, force, atomic rename, force of the directory) and with a
 * checksum; call it yourself, let {@link #startFlushing(ScheduledExecutorService, Duration)} call
 * it on your executor, and call {@link #close()} on shutdown, which flushes one last time. A new
 * recorder on the same directory starts with the saved counts, and sessions recorded after the
 * restart add to them. Each file holds the absolute counts of its day, never a difference, and
 * is read only when a recorder is built, so nothing is counted twice.
 *
 * <p>A crash (a killed process, a power loss) loses at most the sessions recorded since the last
 * completed flush began: every session whose {@code record} call returned before a
 * {@code flush()} was called is in the files once that flush returns; a session recorded while a
 * flush runs may or may not be. Each day's file holds the counts of one flush; a crash during a
 * flush that writes several days (around midnight) may leave some days as this flush saw them and
 * others as the previous one did. A file that cannot be read (bad checksum, truncated, not a
 * recorder file, larger than 16 MiB) is renamed to {@code <name>.corrupt-<millis>}, logged, and
 * the other files still load; the recorder never fails to start because of a file's content. When
 * {@link ReportScheduler} closes a day, the day's file is deleted only once the scheduler has
 * saved the reports (if it has a state directory of its own), so a closed day is never lost
 * between the two; after a crash in between, the scheduler recognises the reports it already has
 * and the day is not reported twice. The directory is locked: a second recorder on the same
 * directory, in this or another process, fails to build until the first is closed.
 *
 * <pre>{@code
 * TlsRptRecorder recorder = TlsRptRecorder.builder().stateDirectory(Path.of("/var/lib/mta/tlsrpt")).build();
 * ScheduledFuture<?> flushing = recorder.startFlushing(scheduledExecutor, Duration.ofSeconds(10));
 * ...
 * flushing.cancel(false);
 * recorder.close();   // on shutdown: the last flush
 * }</pre>
 *
 * <p>No recipient address is ever stored (SEC-11). Starts no threads.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 */
public final class TlsRptRecorder implements AutoCloseable {
  /** The default for {@link Builder#maxPoliciesPerDay(int)}. */
  public static final int DEFAULT_MAX_POLICIES_PER_DAY = 10_000;
  /** The default for {@link Builder#maxFailureDetailsPerPolicy(int)}. */
  public static final int DEFAULT_MAX_FAILURE_DETAILS_PER_POLICY = 50;
  /** The default for {@link Builder#maxFailureDetailsPerDay(int)}. */
  public static final int DEFAULT_MAX_FAILURE_DETAILS_PER_DAY = 100_000;
  /** The default for {@link Builder#maxOpenDays(int)}. */
  public static final int DEFAULT_MAX_OPEN_DAYS = 3;
  /** The default for {@link Builder#maxBytes(long)}: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;
  /**
   * The most characters of {@code policy-string} and {@code mx-host} values kept per policy, in
   * total; longer policies are shortened (RPT-30).
   */
  public static final int MAX_POLICY_CHARS = 1 << 16;

  /** The header field a report mail carries (RFC 8460 §5.3, RPT-20, RPT-29). */
  public static final String REPORT_DOMAIN_HEADER = "TLS-Report-Domain";
  /** The header field a report mail carries (RFC 8460 §5.3, RPT-20, RPT-29). */
  public static final String REPORT_SUBMITTER_HEADER = "TLS-Report-Submitter";

  private static final Logger LOG = LoggerFactory.getLogger(TlsRptRecorder.class);
  private static final long DAY_MILLIS = 86_400_000L;
  /** Estimated bytes of a String besides its characters (header, array header, fields). */
  private static final int STRING_OVERHEAD = 56;
  /** Estimated bytes of a policy's counters and map entry besides its strings. */
  private static final int POLICY_OVERHEAD = 320;
  /** Estimated bytes of a failure detail's key, counter and map entry besides its strings. */
  private static final int DETAIL_OVERHEAD = 200;

  private static final String STATE_KIND = "day";
  private static final String STATE_ORGANIZATION = "mta-sts-tlsrpt recorder state";

  private final InstantSource clock;
  private final int maxPolicies;
  private final int maxDetailsPerPolicy;
  private final int maxDetailsPerDay;
  private final int maxOpenDays;
  private final long maxBytes;
  /** The estimated bytes held by the open days (RPT-31). */
  private final AtomicLong bytes = new AtomicLong();

  private final Object windowsLock = new Object();
  private final ConcurrentSkipListMap<Long, DayWindow> windows = new ConcurrentSkipListMap<>();
  /** Every day before this epoch day is closed; guarded by {@code windowsLock} for writes. */
  private volatile long closedBefore = Long.MIN_VALUE;
  private volatile @Nullable DayWindow current;

  private final LongAdder recorded = new LongAdder();
  private final LongAdder ignoredReportDeliveries = new LongAdder();
  private final LongAdder overPolicyLimit = new LongAdder();
  private final LongAdder overDetailLimit = new LongAdder();
  private final LongAdder late = new LongAdder();
  private final LongAdder discarded = new LongAdder();
  private final LongAdder overByteBudget = new LongAdder();
  private final LongAdder truncated = new LongAdder();

  /** The files of the open days; null without a state directory. */
  private final @Nullable StateDirectory state;
  /** Orders file writes and deletions; guards {@code stateReleased}. */
  private final Object ioLock = new Object();
  /** Days whose files are to be deleted at the next flush (dropped days). */
  private final Set<Long> pendingDeletes = ConcurrentHashMap.newKeySet();
  private boolean stateReleased;
  /** Set by {@link #close()}; guarded by {@code windowsLock} for writes. */
  private volatile boolean shutDown;

  private TlsRptRecorder(Builder b) {
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.maxPolicies = b.maxPolicies;
    this.maxDetailsPerPolicy = b.maxDetailsPerPolicy;
    this.maxDetailsPerDay = b.maxDetailsPerDay;
    this.maxOpenDays = b.maxOpenDays;
    this.maxBytes = b.maxBytes;
    this.state = b.stateDirectory == null ? null
        : StateDirectory.open(b.stateDirectory, STATE_KIND, "TLS-RPT recorder", this::restore);
  }

  /**
   * Starts building a recorder.
   *
   * @return a builder with the defaults: the system clock and the {@code DEFAULT_*} bounds
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Counts one session against a policy in the current UTC day.
   *
   * <p>Call it once per SMTP session (or per delivery attempt that could not apply the policy):
   * for a session that negotiated TLS and complied with the policy pass
   * {@link SessionOutcome#success()}; for a failure pass its {@link SessionOutcome.Failure}.
   * Thread-safe and non-blocking except while a day is being closed.
   *
   * <p>Failures unrelated to TLS (a refused connection, a timeout before STARTTLS) are ordinary
   * transient errors, not TLS-RPT failures, and need not be recorded (RPT-14).
   *
   * <p>A policy whose {@code policy-string} and {@code mx-host} values exceed
   * {@value #MAX_POLICY_CHARS} characters is counted under a shortened copy (RPT-30); a session
   * over the byte budget is counted in {@link RecorderStats} instead of a report (RPT-31). Neither
   * makes this method throw.
   *
   * @param policy the policy the session was checked against; its {@code policyDomain} must be set,
   *     as every {@link ReportPolicy} factory does
   * @param outcome the outcome
   * @throws IllegalArgumentException if the policy has no or a non-normalized policy domain (a
   *     programming error: every {@link ReportPolicy} factory sets it)
   */
  public void record(ReportPolicy policy, SessionOutcome outcome) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(outcome, "outcome");
    ReportPolicy reported = bounded(policy);
    if (reported != policy) {
      truncated.increment();
    }
    count(reported, outcome);
  }

  /** Counts a session under a policy already within {@link #MAX_POLICY_CHARS}. */
  private void count(ReportPolicy policy, SessionOutcome outcome) {
    long day = Math.floorDiv(clock.millis(), DAY_MILLIS);
    DayWindow w = window(day);
    if (w == null) {
      late.increment();
      return;
    }
    Lock r = w.lock.readLock();
    r.lock();
    try {
      if (w.closed) {
        late.increment();
        return;
      }
      PolicyCounters pc = w.policies.get(policy);
      if (pc == null) {
        pc = admit(w, policy, 1);
        if (pc == null) {
          return;
        }
      }
      if (outcome instanceof SessionOutcome.Failure f) {
        pc.count(f, w, 1);
      } else {
        pc.success.increment();
      }
      recorded.increment();
      if (!w.dirty) {
        w.dirty = true;
      }
    } finally {
      r.unlock();
    }
  }

  /**
   * Takes note of a session that delivered a TLS-RPT report, without counting it in any report
   * (RPT-24: reports must not report on their own delivery).
   *
   * @param policy the policy the session was checked against
   * @param outcome the outcome
   * @see #isReportMessage(Collection)
   */
  public void recordReportDelivery(ReportPolicy policy, SessionOutcome outcome) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(outcome, "outcome");
    ignoredReportDeliveries.increment();
  }

  /**
   * Tells whether a message is a TLS-RPT report mail, by its header field names: report mails carry
   * {@value #REPORT_DOMAIN_HEADER} and {@value #REPORT_SUBMITTER_HEADER} (RFC 8460 §5.3, RPT-20).
   * Sessions delivering such messages should be recorded with
   * {@link #recordReportDelivery(ReportPolicy, SessionOutcome)} (RPT-24).
   *
   * @param headerNames the names of the message's header fields, in any case
   * @return {@code true} if either field is present
   */
  public static boolean isReportMessage(Collection<String> headerNames) {
    for (String h : headerNames) {
      if (REPORT_SUBMITTER_HEADER.equalsIgnoreCase(h) || REPORT_DOMAIN_HEADER.equalsIgnoreCase(h)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Closes every day before {@code day} and returns its counts, one aggregate per policy domain and
   * day, sorted by day and then domain. Sessions that arrive later for a closed day are counted in
   * {@link RecorderStats#lateSessions()}, never in a report.
   *
   * @param day the first day to keep open; usually the current UTC day
   * @return the aggregates of the closed days; empty if none had sessions
   */
  public List<DailyAggregate> closeDaysBefore(LocalDate day) {
    return closeDaysBefore(day, aggregates -> true);
  }

  /**
   * Closes every day before {@code day}, hands the aggregates over, and then deletes the files of
   * those days, unless the handover says that it could not save them.
   *
   * @param handover receives the aggregates if there are any; returns {@code false} if it could not
   *     make them durable, in which case the day files stay (a restart restores those days)
   */
  List<DailyAggregate> closeDaysBefore(LocalDate day, Predicate<List<DailyAggregate>> handover) {
    long epochDay = day.toEpochDay();
    List<DayWindow> toClose = new ArrayList<>();
    synchronized (windowsLock) {
      if (shutDown) {
        return List.of();
      }
      if (epochDay > closedBefore) {
        closedBefore = epochDay;
      }
      Map<Long, DayWindow> head = windows.headMap(epochDay);
      toClose.addAll(head.values());
      head.clear();
      for (DayWindow w : toClose) {
        w.forgotten = true;
      }
      DayWindow c = current;
      if (c != null && c.epochDay < epochDay) {
        current = null;
      }
    }
    List<DailyAggregate> out = new ArrayList<>();
    for (DayWindow w : toClose) {
      close(w);
      bytes.addAndGet(-w.bytes.get());
      out.addAll(aggregate(w));
    }
    boolean handedOver = true;
    if (!out.isEmpty()) {
      try {
        handedOver = handover.test(out);
      } catch (RuntimeException e) {
        LOG.error("TLS-RPT days before {} could not be handed over", day, e);
        handedOver = false;
      }
    }
    StateDirectory s = state;
    if (s != null && !toClose.isEmpty()) {
      if (handedOver) {
        synchronized (ioLock) {
          if (!stateReleased) {
            for (DayWindow w : toClose) {
              deleteDayFile(s, w.epochDay);
            }
          }
        }
      } else {
        LOG.warn("TLS-RPT day files before {} are kept: their reports could not be saved; a restart "
            + "restores those days", day);
      }
    }
    return out;
  }

  private void deleteDayFile(StateDirectory s, long epochDay) {
    try {
      s.delete(LocalDate.ofEpochDay(epochDay).toString());
    } catch (IOException e) {
      LOG.warn("Cannot delete the TLS-RPT state of closed day {}; trying again at the next flush",
          LocalDate.ofEpochDay(epochDay), e);
      pendingDeletes.add(epochDay);
    }
  }

  /**
   * Writes the counts of every open day that changed since the last flush to the state directory,
   * each day atomically. Sessions whose {@code record} call returned before this call are in the
   * files when it returns. Thread-safe; concurrent flushes run one after the other. Does nothing
   * without a state directory or after {@link #close()}.
   *
   * @throws UncheckedIOException if a day could not be written; the others are written, and the
   *     day is tried again at the next flush
   */
  public void flush() {
    StateDirectory s = state;
    if (s == null) {
      return;
    }
    synchronized (ioLock) {
      if (stateReleased || shutDown) {
        return;
      }
      flushLocked(s);
    }
  }

  /** Deletes the files of dropped days, then writes every changed day; called under ioLock. */
  private void flushLocked(StateDirectory s) {
    IOException failure = null;
    for (Iterator<Long> it = pendingDeletes.iterator(); it.hasNext();) {
      long day = it.next();
      try {
        s.delete(LocalDate.ofEpochDay(day).toString());
        it.remove();
      } catch (IOException e) {
        failure = merge(failure, e);
      }
    }
    for (DayWindow w : windows.values()) {
      if (w.forgotten || !w.dirty) {
        continue;
      }
      w.dirty = false;
      try {
        s.write(LocalDate.ofEpochDay(w.epochDay).toString(), encodeDay(w));
      } catch (IOException e) {
        w.dirty = true;
        failure = merge(failure, e);
      }
    }
    if (failure != null) {
      throw new UncheckedIOException("cannot save the TLS-RPT counts in " + s.directory(), failure);
    }
  }

  private static IOException merge(@Nullable IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /**
   * Calls {@link #flush()} every {@code period} on the given executor, starting one period from
   * now. Failures are logged and do not stop the schedule.
   *
   * @param executor the executor that runs the flushes
   * @param period the time between flushes, such as 10 seconds: the most a crash can lose
   * @return the scheduled task; cancel it to stop
   * @throws IllegalArgumentException if {@code period} is not positive
   * @throws IllegalStateException if the recorder has no state directory
   */
  public ScheduledFuture<?> startFlushing(ScheduledExecutorService executor, Duration period) {
    Objects.requireNonNull(executor, "executor");
    long millis = Math.max(1, Builders.positive(period, "period").toMillis());
    if (state == null) {
      throw new IllegalStateException("the recorder has no state directory to flush to");
    }
    return executor.scheduleWithFixedDelay(() -> {
      try {
        flush();
      } catch (RuntimeException e) {
        LOG.error("TLS-RPT counts could not be saved; trying again in {}", period, e);
      }
    }, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops recording, writes the open days one last time and releases the state directory.
   * Sessions recorded afterwards are not counted (see {@link RecorderStats#lateSessions()}), and
   * {@link #closeDaysBefore(LocalDate)} returns nothing: the open days belong to the next recorder
   * on the directory. Without a state directory nothing is saved. Idempotent.
   *
   * @throws UncheckedIOException if the last flush failed; the directory is released anyway
   */
  @Override
  public void close() {
    List<DayWindow> open;
    synchronized (windowsLock) {
      if (shutDown) {
        return;
      }
      shutDown = true;
      current = null;
      open = new ArrayList<>(windows.values());
    }
    for (DayWindow w : open) {
      close(w);
    }
    StateDirectory s = state;
    if (s == null) {
      return;
    }
    synchronized (ioLock) {
      try {
        flushLocked(s);
      } finally {
        stateReleased = true;
        s.release();
      }
    }
  }

  /**
   * Closes every day before the current UTC day of the recorder's clock.
   *
   * @return the aggregates of the closed days
   * @see #closeDaysBefore(LocalDate)
   */
  public List<DailyAggregate> closeFinishedDays() {
    return closeDaysBefore(LocalDate.ofEpochDay(Math.floorDiv(clock.millis(), DAY_MILLIS)));
  }

  /**
   * Returns the counts of the open days without closing them, for monitoring. Counts of sessions
   * being recorded at the same moment may or may not be included.
   *
   * @return one aggregate per open day and policy domain, sorted by day and then domain
   */
  public List<DailyAggregate> snapshot() {
    List<DailyAggregate> out = new ArrayList<>();
    for (DayWindow w : windows.values()) {
      out.addAll(aggregate(w));
    }
    return out;
  }

  /**
   * Returns the recorder's counters.
   *
   * @return a snapshot of the counters
   */
  public RecorderStats stats() {
    return new RecorderStats(recorded.sum(), ignoredReportDeliveries.sum(), overPolicyLimit.sum(),
        overDetailLimit.sum(), late.sum(), discarded.sum(), windows.size(), overByteBudget.sum(), truncated.sum(),
        bytes.get());
  }

  /** The most reports the scheduler keeps on disk: the recorder's limits on policies and days. */
  int maxStoredReports() {
    return (int) Math.min(Integer.MAX_VALUE, (long) maxPolicies * maxOpenDays);
  }

  private @Nullable DayWindow window(long day) {
    DayWindow c = current;
    if (c != null && c.epochDay == day) {
      return c;
    }
    DayWindow w = windows.get(day);
    if (w != null) {
      return w;
    }
    DayWindow evicted = null;
    synchronized (windowsLock) {
      if (day < closedBefore || shutDown) {
        return null;
      }
      w = windows.get(day);
      if (w == null) {
        w = new DayWindow(day);
        windows.put(day, w);
        if (windows.size() > maxOpenDays) {
          evicted = windows.pollFirstEntry().getValue();
          evicted.forgotten = true;
          if (state != null) {
            pendingDeletes.add(evicted.epochDay);
          }
        }
      }
      if (evicted != w && (c == null || day >= c.epochDay)) {
        current = w;
      }
      if (evicted != null && current == evicted) {
        current = null;
      }
    }
    if (evicted != null) {
      close(evicted);
      bytes.addAndGet(-evicted.bytes.get());
      long lost = 0;
      for (PolicyCounters pc : evicted.policies.values()) {
        lost += pc.success.sum() + pc.failures();
      }
      discarded.add(lost);
      LOG.warn("TLS-RPT day {} dropped unreported with {} sessions: more than {} days open; "
          + "call closeDaysBefore (ReportScheduler does) to report them", LocalDate.ofEpochDay(evicted.epochDay),
          lost, maxOpenDays);
      if (evicted == w) {
        return null;
      }
    }
    return w;
  }

  private static void checkDomain(ReportPolicy policy) {
    String domain = policy.policyDomain();
    if (domain == null || !PolicyDomain.of(domain).name().equals(domain)) {
      throw new IllegalArgumentException("the policy needs a policy domain in lower-case A-label form, not "
          + domain + "; build it with a ReportPolicy factory");
    }
  }

  /**
   * Returns the policy itself if its strings fit in {@link #MAX_POLICY_CHARS}, else a copy that
   * keeps the {@code policy-string} lines, then the {@code mx-host} values, in order up to that
   * many characters (RPT-30).
   */
  static ReportPolicy bounded(ReportPolicy policy) {
    long chars = 0;
    for (String s : policy.policyStrings()) {
      chars += s.length();
    }
    for (String s : policy.mxHosts()) {
      chars += s.length();
    }
    if (chars <= MAX_POLICY_CHARS) {
      return policy;
    }
    int[] left = {MAX_POLICY_CHARS};
    List<String> strings = truncate(policy.policyStrings(), left);
    List<String> mx = truncate(policy.mxHosts(), left);
    return new ReportPolicy(policy.policyType(), strings, policy.policyDomain(), mx);
  }

  /** Keeps the values of {@code in} that fit in {@code left[0]} characters, cutting the last one. */
  private static List<String> truncate(List<String> in, int[] left) {
    List<String> out = new ArrayList<>();
    for (String s : in) {
      if (left[0] <= 0) {
        break;
      }
      if (s.length() <= left[0]) {
        out.add(s);
        left[0] -= s.length();
        continue;
      }
      int end = left[0];
      if (Character.isLowSurrogate(s.charAt(end)) && Character.isHighSurrogate(s.charAt(end - 1))) {
        end--; // never split a surrogate pair: the report must stay valid Unicode (I-JSON)
      }
      out.add(s.substring(0, end));
      left[0] = 0;
    }
    return out;
  }

  /** The estimated heap bytes of a string (RPT-31): UTF-16 characters plus the object overhead. */
  private static long stringBytes(@Nullable String s) {
    return s == null ? 0 : STRING_OVERHEAD + 2L * s.length();
  }

  /** The estimated heap bytes a policy's entry takes in a day (RPT-31). */
  static long estimatedBytes(ReportPolicy policy) {
    long n = POLICY_OVERHEAD + stringBytes(policy.policyDomain());
    for (String s : policy.policyStrings()) {
      n += 8 + stringBytes(s);
    }
    for (String s : policy.mxHosts()) {
      n += 8 + stringBytes(s);
    }
    return n;
  }

  /** The estimated heap bytes a failure detail's entry takes in a day (RPT-31). */
  static long estimatedBytes(SessionOutcome.Failure f) {
    return DETAIL_OVERHEAD + stringBytes(f.sendingMtaIp()) + stringBytes(f.receivingMxHostname())
        + stringBytes(f.receivingMxHelo()) + stringBytes(f.receivingIp()) + stringBytes(f.failureReasonCode())
        + stringBytes(f.additionalInformation());
  }

  /**
   * Charges {@code n} bytes to the budget and to the day, unless the budget would be exceeded;
   * never blocks (RPT-31).
   */
  private boolean charge(DayWindow w, long n) {
    long now;
    do {
      now = bytes.get();
      if (now + n > maxBytes) {
        if (!w.byteBudgetLogged) {
          w.byteBudgetLogged = true;
          LOG.warn("TLS-RPT recorder reached its byte budget of {} bytes on day {}; new policies are not reported "
              + "and new failure details are counted coarsely", maxBytes, LocalDate.ofEpochDay(w.epochDay));
        }
        return false;
      }
    } while (!bytes.compareAndSet(now, now + n));
    w.bytes.addAndGet(n);
    return true;
  }

  /**
   * Returns the counters of a policy not yet held by the day, creating them if the policy and byte
   * limits allow; else counts the session as over a limit and returns {@code null}.
   */
  private @Nullable PolicyCounters admit(DayWindow w, ReportPolicy policy, long sessions) {
    checkDomain(policy);
    long cost = estimatedBytes(policy);
    boolean[] overBudget = {false};
    PolicyCounters pc = w.policies.computeIfAbsent(policy, k -> {
      if (w.policyCount.incrementAndGet() > maxPolicies) {
        w.policyCount.decrementAndGet();
        if (!w.policyLimitLogged) {
          w.policyLimitLogged = true;
          LOG.warn("TLS-RPT day {} reached {} distinct policies; sessions of further policies are not reported",
              LocalDate.ofEpochDay(w.epochDay), maxPolicies);
        }
        return null;
      }
      if (!charge(w, cost)) {
        w.policyCount.decrementAndGet();
        overBudget[0] = true;
        return null;
      }
      return new PolicyCounters();
    });
    if (pc == null) {
      (overBudget[0] ? overByteBudget : overPolicyLimit).add(sessions);
    }
    return pc;
  }

  private static void close(DayWindow w) {
    Lock x = w.lock.writeLock();
    x.lock();
    try {
      w.closed = true;
    } finally {
      x.unlock();
    }
  }

  private static final Comparator<PolicyReport> POLICY_ORDER =
      Comparator.comparing((PolicyReport p) -> p.policy().policyType())
          .thenComparing(p -> String.join("\n", p.policy().policyStrings()))
          .thenComparing(p -> String.join(",", p.policy().mxHosts()));

  private static final Comparator<FailureDetail> DETAIL_ORDER =
      Comparator.comparingLong(FailureDetail::failedSessionCount).reversed()
          .thenComparing(FailureDetail::resultType)
          .thenComparing(d -> String.valueOf(d.receivingMxHostname()))
          .thenComparing(d -> String.valueOf(d.receivingIp()))
          .thenComparing(d -> String.valueOf(d.sendingMtaIp()))
          .thenComparing(d -> String.valueOf(d.failureReasonCode()))
          .thenComparing(d -> String.valueOf(d.receivingMxHelo()))
          .thenComparing(d -> String.valueOf(d.additionalInformation()));

  private static List<DailyAggregate> aggregate(DayWindow w) {
    Map<String, List<PolicyReport>> byDomain = new TreeMap<>();
    for (Map.Entry<ReportPolicy, PolicyCounters> e : w.policies.entrySet()) {
      PolicyCounters pc = e.getValue();
      List<FailureDetail> details = new ArrayList<>(pc.details.size());
      for (Map.Entry<SessionOutcome.Failure, LongAdder> d : pc.details.entrySet()) {
        details.add(FailureDetail.of(d.getKey(), d.getValue().sum()));
      }
      details.sort(DETAIL_ORDER);
      long failures = 0;
      for (FailureDetail d : details) {
        failures += d.failedSessionCount();
      }
      PolicyReport report = new PolicyReport(e.getKey(), pc.success.sum(), failures, details);
      byDomain.computeIfAbsent(Objects.requireNonNull(e.getKey().policyDomain()), k -> new ArrayList<>())
          .add(report);
    }
    LocalDate day = LocalDate.ofEpochDay(w.epochDay);
    List<DailyAggregate> out = new ArrayList<>(byDomain.size());
    for (Map.Entry<String, List<PolicyReport>> e : byDomain.entrySet()) {
      e.getValue().sort(POLICY_ORDER);
      out.add(new DailyAggregate(day, PolicyDomain.of(e.getKey()), e.getValue()));
    }
    return out;
  }

  /** The file content of a day: its counts as an RFC 8460 report, in the state envelope. */
  private static byte[] encodeDay(DayWindow w) throws IOException {
    LocalDate day = LocalDate.ofEpochDay(w.epochDay);
    List<PolicyReport> policies = new ArrayList<>();
    for (DailyAggregate a : aggregate(w)) {
      policies.addAll(a.policies());
    }
    TlsRptReport report = new TlsRptReport(STATE_ORGANIZATION, DateRange.utcDay(day), "-",
        "recorder-state-" + day, policies);
    return StateDirectory.encode(STATE_KIND, List.of(Map.entry("day", day.toString())), StateReports.gzip(report));
  }

  /** One policy's counts as read from a day file. */
  private record RestoredPolicy(ReportPolicy policy, long successes, Map<SessionOutcome.Failure, Long> failures) {}

  /** A day as read from its file. */
  private record RestoredDay(LocalDate day, List<RestoredPolicy> policies) {}

  /** Reads a day file, checking everything before anything is restored. */
  private static RestoredDay decodeDay(String key, StateDirectory.Envelope envelope) {
    LocalDate day = LocalDate.parse(envelope.one("day"));
    if (!day.toString().equals(key)) {
      throw new IllegalArgumentException("the file holds day " + day + ", not " + key);
    }
    TlsRptReport report = StateReports.parse(envelope.body());
    if (!DateRange.utcDay(day).equals(report.dateRange())) {
      throw new IllegalArgumentException("the counts cover " + report.dateRange() + ", not " + day);
    }
    List<RestoredPolicy> out = new ArrayList<>();
    Set<ReportPolicy> seen = new HashSet<>();
    for (PolicyReport p : report.policies()) {
      checkDomain(p.policy());
      if (bounded(p.policy()) != p.policy()) {
        throw new IllegalArgumentException("policy-string and mx-host exceed " + MAX_POLICY_CHARS + " characters");
      }
      if (!seen.add(p.policy())) {
        throw new IllegalArgumentException("policy listed twice: " + p.policy());
      }
      Map<SessionOutcome.Failure, Long> failures = new LinkedHashMap<>();
      long sum = 0;
      for (FailureDetail d : p.failureDetails()) {
        SessionOutcome.Failure f = new SessionOutcome.Failure(TlsRptResultType.fromToken(d.resultType()),
            d.sendingMtaIp(), d.receivingMxHostname(), d.receivingMxHelo(), d.receivingIp(), d.failureReasonCode(),
            d.additionalInformation());
        if (failures.put(f, d.failedSessionCount()) != null) {
          throw new IllegalArgumentException("failure detail listed twice: " + f);
        }
        sum = Math.addExact(sum, d.failedSessionCount());
      }
      if (sum != p.totalFailureSessionCount()) {
        throw new IllegalArgumentException("failure details add up to " + sum + ", not "
            + p.totalFailureSessionCount());
      }
      out.add(new RestoredPolicy(p.policy(), p.totalSuccessfulSessionCount(), failures));
    }
    return new RestoredDay(day, out);
  }

  /** Loads the day files into the (still unshared) windows; called by the constructor. */
  private void restore(StateDirectory s) {
    List<RestoredDay> days = s.loadAll(STATE_KIND, maxOpenDays, TlsRptRecorder::decodeDay);
    long sessions = 0;
    for (RestoredDay d : days) {
      DayWindow w = new DayWindow(d.day().toEpochDay());
      windows.put(w.epochDay, w);
      for (RestoredPolicy rp : d.policies()) {
        long total = rp.successes();
        for (long n : rp.failures().values()) {
          total += n;
        }
        PolicyCounters pc = admit(w, rp.policy(), total);
        if (pc == null) {
          continue;
        }
        pc.success.add(rp.successes());
        for (Map.Entry<SessionOutcome.Failure, Long> f : rp.failures().entrySet()) {
          pc.count(f.getKey(), w, f.getValue());
        }
        sessions += total;
      }
    }
    if (!days.isEmpty()) {
      LOG.info("Restored the TLS-RPT counts of {} open day(s), {} sessions, from {}", days.size(), sessions,
          s.directory());
    }
  }

  /** One UTC day of counts. */
  private static final class DayWindow {
    final long epochDay;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final ConcurrentHashMap<ReportPolicy, PolicyCounters> policies = new ConcurrentHashMap<>();
    final AtomicInteger policyCount = new AtomicInteger();
    final AtomicInteger detailCount = new AtomicInteger();
    /** The estimated bytes charged to the budget for this day's keys (RPT-31). */
    final AtomicLong bytes = new AtomicLong();
    /** Written under the write lock, read under the read lock. */
    boolean closed;
    volatile boolean policyLimitLogged;
    volatile boolean byteBudgetLogged;
    /** Counts changed since the last flush. */
    volatile boolean dirty;
    /** Handed over or dropped: its file is no longer written. */
    volatile boolean forgotten;

    DayWindow(long epochDay) {
      this.epochDay = epochDay;
    }
  }

  /** The counts of one policy in one day; the failures are the sum of the details. */
  private final class PolicyCounters {
    final LongAdder success = new LongAdder();
    final ConcurrentHashMap<SessionOutcome.Failure, LongAdder> details = new ConcurrentHashMap<>();
    final AtomicInteger detailCount = new AtomicInteger();

    long failures() {
      long n = 0;
      for (LongAdder a : details.values()) {
        n += a.sum();
      }
      return n;
    }

    /** Counts {@code n} failures under their detail, or under the coarse entry beyond the limits. */
    void count(SessionOutcome.Failure f, DayWindow w, long n) {
      LongAdder a = details.get(f);
      if (a == null) {
        // Limit keys are not reserved: there are at most as many as result types.
        a = f.equals(f.limitKey()) ? details.computeIfAbsent(f, k -> new LongAdder())
            : details.computeIfAbsent(f, k -> reserve(w, f) ? new LongAdder() : null);
      }
      if (a == null) {
        overDetailLimit.add(n);
        a = details.computeIfAbsent(f.limitKey(), k -> new LongAdder());
      }
      a.add(n);
    }

    private boolean reserve(DayWindow w, SessionOutcome.Failure f) {
      if (detailCount.incrementAndGet() > maxDetailsPerPolicy) {
        detailCount.decrementAndGet();
        return false;
      }
      if (w.detailCount.incrementAndGet() > maxDetailsPerDay) {
        w.detailCount.decrementAndGet();
        detailCount.decrementAndGet();
        return false;
      }
      if (!charge(w, estimatedBytes(f))) {
        w.detailCount.decrementAndGet();
        detailCount.decrementAndGet();
        return false;
      }
      return true;
    }
  }

  /**
   * Builds a {@link TlsRptRecorder}; each option may be set once.
   */
  public static final class Builder {
    /** The smallest byte budget: room for a handful of policies of the longest kept size. */
    private static final long MIN_BYTES = 64L << 10;
    private @Nullable InstantSource clock;
    private int maxPolicies = DEFAULT_MAX_POLICIES_PER_DAY;
    private int maxDetailsPerPolicy = DEFAULT_MAX_FAILURE_DETAILS_PER_POLICY;
    private int maxDetailsPerDay = DEFAULT_MAX_FAILURE_DETAILS_PER_DAY;
    private int maxOpenDays = DEFAULT_MAX_OPEN_DAYS;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private @Nullable Path stateDirectory;
    private final Builders.Tracker set = new Builders.Tracker();

    private Builder() {}

    /**
     * Sets the clock that decides the day of each session.
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
     * Sets how many distinct policies a day may hold.
     *
     * @param max at least 1; the default is {@value TlsRptRecorder#DEFAULT_MAX_POLICIES_PER_DAY}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxPoliciesPerDay(int max) {
      set.mark("maxPoliciesPerDay");
      this.maxPolicies = Builders.atLeast(max, 1, "maxPoliciesPerDay");
      return this;
    }

    /**
     * Sets how many distinct failure details one policy may hold per day.
     *
     * @param max at least 1; the default is
     *     {@value TlsRptRecorder#DEFAULT_MAX_FAILURE_DETAILS_PER_POLICY}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxFailureDetailsPerPolicy(int max) {
      set.mark("maxFailureDetailsPerPolicy");
      this.maxDetailsPerPolicy = Builders.atLeast(max, 1, "maxFailureDetailsPerPolicy");
      return this;
    }

    /**
     * Sets how many distinct failure details all policies of a day may hold together.
     *
     * @param max at least 1; the default is
     *     {@value TlsRptRecorder#DEFAULT_MAX_FAILURE_DETAILS_PER_DAY}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxFailureDetailsPerDay(int max) {
      set.mark("maxFailureDetailsPerDay");
      this.maxDetailsPerDay = Builders.atLeast(max, 1, "maxFailureDetailsPerDay");
      return this;
    }

    /**
     * Sets how many days may be open (recorded but not yet closed) at once.
     *
     * @param max at least 1; the default is {@value TlsRptRecorder#DEFAULT_MAX_OPEN_DAYS}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxOpenDays(int max) {
      set.mark("maxOpenDays");
      this.maxOpenDays = Builders.atLeast(max, 1, "maxOpenDays");
      return this;
    }

    /**
     * Sets the byte budget of the open days' counts: an estimate of the heap their policies and
     * failure details take, each charged when first seen in a day and given back when the day is
     * closed or dropped (RPT-31). Beyond it, sessions of new policies are counted only in
     * {@link RecorderStats#sessionsOverByteBudget()}, new failure details under the coarse entry;
     * known policies and details keep counting.
     *
     * @param max at least 64 KiB; the default is {@value TlsRptRecorder#DEFAULT_MAX_BYTES} (64 MiB)
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 64 KiB
     * @throws IllegalStateException if already set
     */
    public Builder maxBytes(long max) {
      set.mark("maxBytes");
      if (max < MIN_BYTES) {
        throw new IllegalArgumentException("maxBytes must be at least " + MIN_BYTES + ", not " + max);
      }
      this.maxBytes = max;
      return this;
    }

    /**
     * Keeps the counts of the open days in a directory, so that they survive restarts; see the
     * class description. The recorder owns the files {@code tlsrpt-day-<yyyy-mm-dd>.state} and
     * {@code tlsrpt-day.lock} there; a {@link ReportScheduler} may use the same directory. At most
     * {@code maxOpenDays} day files are read when the recorder is built (further ones, the oldest,
     * are set aside as {@code .excess-<millis>}), none larger than 16 MiB.
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
     * Builds the recorder, restoring the saved counts if it has a state directory.
     *
     * @return a new recorder, with the saved counts of the open days or with none
     * @throws IllegalStateException if another recorder, in this or another process, uses the
     *     state directory
     * @throws UncheckedIOException if the state directory cannot be created, locked or listed
     */
    public TlsRptRecorder build() {
      return new TlsRptRecorder(this);
    }
  }
}
