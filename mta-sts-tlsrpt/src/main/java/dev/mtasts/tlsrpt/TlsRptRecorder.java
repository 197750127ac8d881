package dev.mtasts.tlsrpt;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.tlsrpt.internal.SetOnce;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * <p><b>No report loops (RPT-24).</b> Sessions that deliver a report by mail must not be counted.
 * Report mails built by this library carry the {@code TLS-Report-Domain} and
 * {@code TLS-Report-Submitter} header fields (RPT-20); an MTA recognises them with
 * {@link #isReportMessage(Collection)} and records such sessions with
 * {@link #recordReportDelivery(ReportPolicy, SessionOutcome)}, which counts them nowhere but in
 * {@link RecorderStats#ignoredReportDeliveries()}. (It must also deliver them despite MTA-STS or
 * DANE failures.) HTTPS deliveries are not SMTP sessions and are never seen here.
 *
 * <p>No recipient address is ever stored (SEC-11). Starts no threads.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4">RFC 8460 §4</a>
 */
public final class TlsRptRecorder {
  /** The default for {@link Builder#maxPoliciesPerDay(int)}. */
  public static final int DEFAULT_MAX_POLICIES_PER_DAY = 10_000;
  /** The default for {@link Builder#maxFailureDetailsPerPolicy(int)}. */
  public static final int DEFAULT_MAX_FAILURE_DETAILS_PER_POLICY = 50;
  /** The default for {@link Builder#maxFailureDetailsPerDay(int)}. */
  public static final int DEFAULT_MAX_FAILURE_DETAILS_PER_DAY = 100_000;
  /** The default for {@link Builder#maxOpenDays(int)}. */
  public static final int DEFAULT_MAX_OPEN_DAYS = 3;

  /** The header field a report mail carries (RFC 8460 §5.3, RPT-20, RPT-29). */
  public static final String REPORT_DOMAIN_HEADER = "TLS-Report-Domain";
  /** The header field a report mail carries (RFC 8460 §5.3, RPT-20, RPT-29). */
  public static final String REPORT_SUBMITTER_HEADER = "TLS-Report-Submitter";

  private static final Logger LOG = LoggerFactory.getLogger(TlsRptRecorder.class);
  private static final long DAY_MILLIS = 86_400_000L;
  private static final int MAX_POLICY_CHARS = 1 << 16;

  private final InstantSource clock;
  private final int maxPolicies;
  private final int maxDetailsPerPolicy;
  private final int maxDetailsPerDay;
  private final int maxOpenDays;

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

  private TlsRptRecorder(Builder b) {
    this.clock = b.clock == null ? InstantSource.system() : b.clock;
    this.maxPolicies = b.maxPolicies;
    this.maxDetailsPerPolicy = b.maxDetailsPerPolicy;
    this.maxDetailsPerDay = b.maxDetailsPerDay;
    this.maxOpenDays = b.maxOpenDays;
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
   * @param policy the policy the session was checked against; its {@code policyDomain} must be set,
   *     as every {@link ReportPolicy} factory does
   * @param outcome the outcome
   * @throws IllegalArgumentException if the policy has no or a non-normalized policy domain, or its
   *     {@code policy-string} lines exceed 64 Ki characters in total
   */
  public void record(ReportPolicy policy, SessionOutcome outcome) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(outcome, "outcome");
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
        pc = admit(w, policy);
        if (pc == null) {
          overPolicyLimit.increment();
          return;
        }
      }
      if (outcome instanceof SessionOutcome.Failure f) {
        pc.failure.increment();
        pc.detail(f, w).increment();
      } else {
        pc.success.increment();
      }
      recorded.increment();
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
    long epochDay = day.toEpochDay();
    List<DayWindow> toClose = new ArrayList<>();
    synchronized (windowsLock) {
      if (epochDay > closedBefore) {
        closedBefore = epochDay;
      }
      Map<Long, DayWindow> head = windows.headMap(epochDay);
      toClose.addAll(head.values());
      head.clear();
      DayWindow c = current;
      if (c != null && c.epochDay < epochDay) {
        current = null;
      }
    }
    List<DailyAggregate> out = new ArrayList<>();
    for (DayWindow w : toClose) {
      close(w);
      out.addAll(aggregate(w));
    }
    return out;
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
        overDetailLimit.sum(), late.sum(), discarded.sum(), windows.size());
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
      if (day < closedBefore) {
        return null;
      }
      w = windows.get(day);
      if (w == null) {
        w = new DayWindow(day);
        windows.put(day, w);
        if (windows.size() > maxOpenDays) {
          evicted = windows.pollFirstEntry().getValue();
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
      long lost = 0;
      for (PolicyCounters pc : evicted.policies.values()) {
        lost += pc.success.sum() + pc.failure.sum();
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

  private @Nullable PolicyCounters admit(DayWindow w, ReportPolicy policy) {
    String domain = policy.policyDomain();
    if (domain == null || !PolicyDomain.of(domain).name().equals(domain)) {
      throw new IllegalArgumentException("the policy needs a policy domain in lower-case A-label form, not "
          + domain + "; build it with a ReportPolicy factory");
    }
    long chars = 0;
    for (String s : policy.policyStrings()) {
      chars += s.length();
    }
    for (String s : policy.mxHosts()) {
      chars += s.length();
    }
    if (chars > MAX_POLICY_CHARS) {
      throw new IllegalArgumentException("policy-string and mx-host exceed " + MAX_POLICY_CHARS + " characters");
    }
    return w.policies.computeIfAbsent(policy, k -> {
      if (w.policyCount.incrementAndGet() > maxPolicies) {
        w.policyCount.decrementAndGet();
        if (!w.policyLimitLogged) {
          w.policyLimitLogged = true;
          LOG.warn("TLS-RPT day {} reached {} distinct policies; sessions of further policies are not reported",
              LocalDate.ofEpochDay(w.epochDay), maxPolicies);
        }
        return null;
      }
      return new PolicyCounters();
    });
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
      PolicyReport report = new PolicyReport(e.getKey(), pc.success.sum(), pc.failure.sum(), details);
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

  /** One UTC day of counts. */
  private static final class DayWindow {
    final long epochDay;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    final ConcurrentHashMap<ReportPolicy, PolicyCounters> policies = new ConcurrentHashMap<>();
    final AtomicInteger policyCount = new AtomicInteger();
    final AtomicInteger detailCount = new AtomicInteger();
    /** Written under the write lock, read under the read lock. */
    boolean closed;
    volatile boolean policyLimitLogged;

    DayWindow(long epochDay) {
      this.epochDay = epochDay;
    }
  }

  /** The counts of one policy in one day. */
  private final class PolicyCounters {
    final LongAdder success = new LongAdder();
    final LongAdder failure = new LongAdder();
    final ConcurrentHashMap<SessionOutcome.Failure, LongAdder> details = new ConcurrentHashMap<>();
    final AtomicInteger detailCount = new AtomicInteger();

    LongAdder detail(SessionOutcome.Failure f, DayWindow w) {
      LongAdder a = details.get(f);
      if (a != null) {
        return a;
      }
      a = details.computeIfAbsent(f, k -> reserve(w) ? new LongAdder() : null);
      if (a != null) {
        return a;
      }
      overDetailLimit.increment();
      // Limit keys are not reserved: there are at most as many as result types.
      return details.computeIfAbsent(f.limitKey(), k -> new LongAdder());
    }

    private boolean reserve(DayWindow w) {
      if (detailCount.incrementAndGet() > maxDetailsPerPolicy) {
        detailCount.decrementAndGet();
        return false;
      }
      if (w.detailCount.incrementAndGet() > maxDetailsPerDay) {
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
    private @Nullable InstantSource clock;
    private int maxPolicies = DEFAULT_MAX_POLICIES_PER_DAY;
    private int maxDetailsPerPolicy = DEFAULT_MAX_FAILURE_DETAILS_PER_POLICY;
    private int maxDetailsPerDay = DEFAULT_MAX_FAILURE_DETAILS_PER_DAY;
    private int maxOpenDays = DEFAULT_MAX_OPEN_DAYS;
    private final SetOnce set = new SetOnce();

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
      this.maxPolicies = SetOnce.atLeast(max, 1, "maxPoliciesPerDay");
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
      this.maxDetailsPerPolicy = SetOnce.atLeast(max, 1, "maxFailureDetailsPerPolicy");
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
      this.maxDetailsPerDay = SetOnce.atLeast(max, 1, "maxFailureDetailsPerDay");
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
      this.maxOpenDays = SetOnce.atLeast(max, 1, "maxOpenDays");
      return this;
    }

    /**
     * Builds the recorder.
     *
     * @return a new recorder with no sessions
     */
    public TlsRptRecorder build() {
      return new TlsRptRecorder(this);
    }
  }
}
