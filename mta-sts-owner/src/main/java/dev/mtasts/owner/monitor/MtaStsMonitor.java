package dev.mtasts.owner.monitor;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.Builders;
import dev.mtasts.core.internal.Durations;
import dev.mtasts.core.internal.Text;
import dev.mtasts.owner.CheckReport;
import dev.mtasts.owner.MtaStsChecker;
import dev.mtasts.owner.monitor.internal.DomainState;
import dev.mtasts.owner.monitor.internal.Evaluation;
import dev.mtasts.owner.monitor.internal.Settings;
import dev.mtasts.owner.monitor.internal.StateStore;
import dev.mtasts.owner.monitor.internal.Transitions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a list of domains over time: runs {@link MtaStsChecker} on each, remembers what it saw
 * in a state directory, and turns the differences into {@link Alert}s with stable
 * {@link AlertCode}s sent to {@link AlertSink}s. What breaks mail months after publishing is
 * caught here: expiring or replaced certificates, MX hosts changed without the policy, a policy
 * edited without a new id, a policy host that stopped answering, a domain ready for enforce, a
 * spike of failures in the TLS-RPT reports (RFC 8461 §3, §4, §8; RFC 8460 §4).
 *
 * <pre>{@code
 * ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
 * try (MtaStsMonitor monitor = MtaStsMonitor.builder()
 *     .checker(checker)
 *     .domains(List.of(PolicyDomain.of("example.com")))
 *     .stateDirectory(Path.of("/var/lib/mta-sts-monitor"))
 *     .scheduler(MonitorScheduler.of(timers))
 *     .addSink(new LogAlertSink())
 *     .build()) {
 *   monitor.start(Duration.ofHours(1));
 *   ...
 * }
 * }</pre>
 *
 * <p>Each alert fires once per transition of its condition (it appears or gets worse), again
 * after the {@linkplain Builder#reminder reminder period} while it holds, and once as resolved
 * when it clears; an alert whose evidence is missing in a check (the policy could not be fetched,
 * DNS failed, an MX host did not answer) is kept as it is, neither resolved nor fired again.
 *
 * <p>No hidden threads: every wake-up (the next round, each check's deadline) comes from the
 * {@link MonitorScheduler}, time from the {@link InstantSource}, and state work runs on the
 * {@linkplain Builder#executor executor} (MON-33). Rounds never overlap.
 */
public final class MtaStsMonitor implements AutoCloseable {
  /** Default consecutive failures before an unreachable or incomplete alert: 3. */
  public static final int DEFAULT_FAILURES_BEFORE_ALERT = 3;
  /** Default reminder period of an open alert: 7 days. */
  public static final Duration DEFAULT_REMINDER = Duration.ofDays(7);
  /** Default time in mode testing before a domain may be ready for enforce: 30 days. */
  public static final Duration DEFAULT_READY_AFTER = Duration.ofDays(30);
  /** Default deadline of one domain's check (and of its report query): 2 minutes. */
  public static final Duration DEFAULT_CHECK_DEADLINE = Duration.ofMinutes(2);
  /** Certificate expiry thresholds in days: an alert fires when each is crossed. */
  public static final List<Integer> EXPIRY_DAYS = List.of(30, 14, 7, 1);
  /** The most domains one monitor watches. */
  public static final int MAX_DOMAINS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(MtaStsMonitor.class);

  private final MtaStsChecker checker;
  private final List<PolicyDomain> domains;
  private final StateStore store;
  private final MonitorScheduler scheduler;
  private final InstantSource clock;
  private final Executor executor;
  private final List<AlertSink> sinks;
  private final @Nullable ReportSource reports;
  private final Settings settings;
  private final Duration checkDeadline;

  private final Object lock = new Object();
  private @Nullable CompletableFuture<MonitorRound> running;
  private MonitorScheduler.@Nullable Cancellable next;
  private boolean closed;

  private MtaStsMonitor(Builder b) {
    this.checker = Objects.requireNonNull(b.checker, "checker is required");
    if (b.domains == null || b.domains.isEmpty()) {
      throw new IllegalArgumentException("domains: at least one domain is required");
    }
    this.domains = b.domains;
    Path dir = Objects.requireNonNull(b.stateDirectory, "stateDirectory is required");
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler is required");
    this.clock = b.clock != null ? b.clock : InstantSource.system();
    this.executor = b.executor != null ? b.executor : Runnable::run;
    this.sinks = List.copyOf(b.sinks);
    this.reports = b.reports;
    this.settings = new Settings(b.failuresBeforeAlert != null ? b.failuresBeforeAlert : DEFAULT_FAILURES_BEFORE_ALERT,
        b.reminder != null ? b.reminder : DEFAULT_REMINDER, EXPIRY_DAYS, 7,
        b.readyAfter != null ? b.readyAfter : DEFAULT_READY_AFTER, b.spikeRule != null ? b.spikeRule : SpikeRule.DEFAULT);
    this.checkDeadline = b.checkDeadline != null ? b.checkDeadline : DEFAULT_CHECK_DEADLINE;
    this.store = StateStore.open(dir);
  }

  /**
   * Returns a builder; the checker, the domains, the state directory and the scheduler are
   * required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs one round now: checks every domain in turn, sends the alerts, saves the state. A round
   * already running is returned instead of starting another.
   *
   * @return the round; completes exceptionally only if the monitor is closed
   */
  public CompletionStage<MonitorRound> runOnce() {
    CompletableFuture<MonitorRound> round;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedStage(new IllegalStateException("the monitor is closed"));
      }
      if (running != null) {
        return running;
      }
      round = new CompletableFuture<>();
      running = round;
    }
    Instant startedAt = clock.instant();
    List<Alert> alerts = new ArrayList<>();
    List<MonitorRound.OpenCondition> open = new ArrayList<>();
    List<CompletableFuture<Void>> deliveries = new ArrayList<>();
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (PolicyDomain d : domains) {
      chain = chain.thenCompose(v -> domainRound(d, alerts, open, deliveries));
    }
    chain.whenComplete((v, t) -> {
      if (t != null) {
        LOG.error("Monitor round failed: {}", Text.message(t));
      }
      CompletableFuture<Void> delivered = CompletableFuture.allOf(deliveries.toArray(new CompletableFuture<?>[0]));
      MonitorRound result = new MonitorRound(startedAt, alerts, open, delivered);
      synchronized (lock) {
        running = null;
      }
      round.complete(result);
    });
    return round;
  }

  /**
   * Runs rounds from now on, one every {@code every} measured from the start of the previous
   * round (a round that takes longer is followed at once by the next), until {@link #close()}.
   *
   * @param every the period, at least one second
   * @throws IllegalStateException if already started or closed
   */
  public void start(Duration every) {
    if (every.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("every must be at least 1 second, not " + Durations.human(every));
    }
    synchronized (lock) {
      if (closed || next != null) {
        throw new IllegalStateException(closed ? "the monitor is closed" : "the monitor is started already");
      }
      next = scheduler.schedule(() -> loop(every), Duration.ZERO);
    }
  }

  private void loop(Duration every) {
    runOnce().whenComplete((round, t) -> {
      synchronized (lock) {
        if (closed) {
          return;
        }
        Instant due = (round != null ? round.startedAt() : clock.instant()).plus(every);
        Duration delay = Duration.between(clock.instant(), due);
        next = scheduler.schedule(() -> loop(every), delay.isNegative() ? Duration.ZERO : delay);
      }
    });
  }

  /**
   * Stops scheduling rounds and releases the state directory once a running round has finished.
   * Idempotent.
   */
  @Override
  public void close() {
    CompletableFuture<MonitorRound> r;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (next != null) {
        next.cancel();
      }
      r = running;
    }
    if (r == null) {
      store.close();
    } else {
      r.whenComplete((v, t) -> store.close());
    }
  }

  private CompletionStage<Void> domainRound(PolicyDomain d, List<Alert> alerts, List<MonitorRound.OpenCondition> open,
      List<CompletableFuture<Void>> deliveries) {
    Instant now = clock.instant();
    DomainState state = store.load(d, now);
    CompletableFuture<@Nullable CheckReport> check = within(() -> checker.check(d), "the check of " + d)
        .handle((r, t) -> {
          if (t != null) {
            LOG.warn("Check of {} failed: {}", d, Text.message(t));
            return null;
          }
          return r;
        });
    ReportSource source = reports;
    CompletableFuture<@Nullable List<DailyReportCounts>> counts = source == null
        ? CompletableFuture.completedFuture(null)
        : within(() -> source.dailyCounts(d, Evaluation.firstReportDay(state, settings, now),
            Evaluation.lastReportDay(now)), "the report query of " + d).handle((c, t) -> {
              if (t != null) {
                LOG.warn("Report counts of {} are unavailable: {}", d, Text.message(t));
                return null;
              }
              return c;
            });
    return check.thenCombineAsync(counts, (report, c) -> {
      Evaluation.Result result = Evaluation.evaluate(state, report, c, source != null && c == null, settings, now);
      List<Alert> sent = Transitions.apply(state, result, now, settings.reminder());
      try {
        store.save(state);
      } catch (RuntimeException e) {
        LOG.error("Cannot save the monitor state of {}: {}; its alerts may fire again", d, Text.message(e));
      }
      for (DomainState.OpenAlert o : state.openAlerts()) {
        open.add(new MonitorRound.OpenCondition(o.code(), o.severity(), d, o.subject(), o.detail(), o.since()));
      }
      alerts.addAll(sent);
      for (Alert a : sent) {
        for (AlertSink sink : sinks) {
          deliveries.add(publish(sink, a));
        }
      }
      return null;
    }, executor);
  }

  /** Publishes to one sink; whatever the sink does, the result completes normally (MON-35). */
  private static CompletableFuture<Void> publish(AlertSink sink, Alert a) {
    CompletionStage<Void> s;
    try {
      s = sink.publish(a);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedStage(e);
    }
    return s.toCompletableFuture().handle((v, t) -> {
      if (t != null) {
        LOG.warn("Alert sink {} failed for {} {}: {}", sink, a.code(), a.domain(), Text.message(t));
      }
      return null;
    });
  }

  /** Runs an async call with the check deadline, measured by the scheduler (MON-34). */
  private <T> CompletableFuture<T> within(Supplier<CompletionStage<T>> call, String what) {
    CompletableFuture<T> out = new CompletableFuture<>();
    MonitorScheduler.Cancellable timer = scheduler.schedule(() -> out.completeExceptionally(
        new TimeoutException(what + " missed its deadline of " + Durations.human(checkDeadline))), checkDeadline);
    CompletionStage<T> s;
    try {
      s = call.get();
    } catch (RuntimeException e) {
      s = CompletableFuture.failedStage(e);
    }
    s.whenComplete((v, t) -> {
      timer.cancel();
      if (t != null) {
        out.completeExceptionally(t);
      } else {
        out.complete(v);
      }
    });
    return out;
  }

  /**
   * Configures a monitor. Each option may be set once.
   */
  public static final class Builder {
    private @Nullable MtaStsChecker checker;
    private @Nullable List<PolicyDomain> domains;
    private @Nullable Path stateDirectory;
    private @Nullable MonitorScheduler scheduler;
    private @Nullable InstantSource clock;
    private @Nullable Executor executor;
    private final List<AlertSink> sinks = new ArrayList<>();
    private @Nullable ReportSource reports;
    private @Nullable Integer failuresBeforeAlert;
    private @Nullable Duration reminder;
    private @Nullable Duration readyAfter;
    private @Nullable SpikeRule spikeRule;
    private @Nullable Duration checkDeadline;

    private Builder() {}

    /**
     * Sets the checker (required); give it the same clock as the monitor.
     *
     * @param checker the checker
     * @return this builder
     */
    public Builder checker(MtaStsChecker checker) {
      this.checker = Builders.once(this.checker, checker, "checker");
      return this;
    }

    /**
     * Sets the domains to watch (required), checked in this order; duplicates are dropped.
     *
     * @param domains one to {@link #MAX_DOMAINS} domains
     * @return this builder
     * @throws IllegalArgumentException if there are more than {@link #MAX_DOMAINS}
     */
    public Builder domains(List<PolicyDomain> domains) {
      List<PolicyDomain> unique = List.copyOf(new LinkedHashSet<>(domains));
      if (unique.size() > MAX_DOMAINS) {
        throw new IllegalArgumentException("domains: at most " + MAX_DOMAINS + ", not " + unique.size());
      }
      this.domains = Builders.once(this.domains, unique, "domains");
      return this;
    }

    /**
     * Sets the state directory (required), created if missing and held by this monitor alone.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = Builders.once(this.stateDirectory, directory, "stateDirectory");
      return this;
    }

    /**
     * Sets the scheduler of rounds and deadlines (required).
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public Builder scheduler(MonitorScheduler scheduler) {
      this.scheduler = Builders.once(this.scheduler, scheduler, "scheduler");
      return this;
    }

    /**
     * Sets the clock; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(InstantSource clock) {
      this.clock = Builders.once(this.clock, clock, "clock");
      return this;
    }

    /**
     * Sets the executor that evaluates checks, writes the state and calls the sinks; default the
     * thread that completes the check.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder executor(Executor executor) {
      this.executor = Builders.once(this.executor, executor, "executor");
      return this;
    }

    /**
     * Adds a sink; alerts go to every sink, in the order added.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder addSink(AlertSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Sets where TLS-RPT report counts come from; without one, {@link AlertCode#READY_FOR_ENFORCE}
     * and {@link AlertCode#REPORT_FAILURE_SPIKE} never fire.
     *
     * @param source the source
     * @return this builder
     */
    public Builder reportSource(ReportSource source) {
      this.reports = Builders.once(this.reports, source, "reportSource");
      return this;
    }

    /**
     * Sets how many consecutive failed checks raise {@link AlertCode#POLICY_UNREACHABLE},
     * {@link AlertCode#MX_UNREACHABLE} and {@link AlertCode#CHECK_INCOMPLETE}; default
     * {@value #DEFAULT_FAILURES_BEFORE_ALERT}.
     *
     * @param n 1 to 1000
     * @return this builder
     */
    public Builder failuresBeforeAlert(int n) {
      if (n > 1000) {
        throw new IllegalArgumentException("failuresBeforeAlert must be at most 1000, not " + n);
      }
      this.failuresBeforeAlert = Builders.once(this.failuresBeforeAlert, Builders.atLeast(n, 1, "failuresBeforeAlert"),
          "failuresBeforeAlert");
      return this;
    }

    /**
     * Sets the period after which an open alert is sent again; default 7 days.
     *
     * @param period a positive duration
     * @return this builder
     */
    public Builder reminder(Duration period) {
      this.reminder = Builders.once(this.reminder, Builders.positive(period, "reminder"), "reminder");
      return this;
    }

    /**
     * Sets how long a domain must be in mode testing before {@link AlertCode#READY_FOR_ENFORCE}
     * may fire; default 30 days.
     *
     * @param period a positive duration
     * @return this builder
     */
    public Builder readyForEnforceAfter(Duration period) {
      this.readyAfter = Builders.once(this.readyAfter, Builders.positive(period, "readyForEnforceAfter"),
          "readyForEnforceAfter");
      return this;
    }

    /**
     * Sets when the last complete UTC day of reports is a failure spike
     * ({@link AlertCode#REPORT_FAILURE_SPIKE}, MON-40); default {@link SpikeRule#DEFAULT}, the
     * rule the TLS-RPT inbox's aggregates, page and summary use too. Give them the same rule if
     * you change it, so that they agree on which days are spikes.
     *
     * @param rule the rule
     * @return this builder
     */
    public Builder spikeRule(SpikeRule rule) {
      this.spikeRule = Builders.once(this.spikeRule, rule, "spikeRule");
      return this;
    }

    /**
     * Sets the deadline of one domain's check and of its report query; default 2 minutes. A
     * check that misses it counts as incomplete and changes no alert.
     *
     * @param deadline a positive duration
     * @return this builder
     */
    public Builder checkDeadline(Duration deadline) {
      this.checkDeadline = Builders.once(this.checkDeadline, Builders.positive(deadline, "checkDeadline"),
          "checkDeadline");
      return this;
    }

    /**
     * Builds the monitor and takes the state directory.
     *
     * @return the monitor; close it to release the directory
     * @throws NullPointerException if a required option is missing
     * @throws IllegalStateException if another monitor holds the state directory
     */
    public MtaStsMonitor build() {
      return new MtaStsMonitor(this);
    }
  }
}
