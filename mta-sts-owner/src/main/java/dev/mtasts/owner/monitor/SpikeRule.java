package dev.mtasts.owner.monitor;

import dev.mtasts.core.internal.Counts;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * When a day's failed TLS sessions, as the received TLS-RPT reports count them (RFC 8460 §4.3),
 * are a spike (MON-40). The one rule of the project: {@link MtaStsMonitor}'s
 * {@link AlertCode#REPORT_FAILURE_SPIKE}, the TLS-RPT inbox's aggregates and page, and
 * {@code mta-sts reports summary} all judge days with it, so they agree on which days are spikes.
 *
 * <p>Against the trailing {@code windowDays} days (the day itself excluded), a day is a
 * {@link SpikeVerdict.Kind#SPIKE} when all of these hold:
 *
 * <ol>
 *   <li>at least {@code minBaselineDays} of the trailing days have reports (else
 *       {@link SpikeVerdict.Kind#NO_BASELINE}: the first days of a new domain, or the day after a
 *       gap, have nothing to change from);
 *   <li>the day has at least {@code minFailures} failed sessions (a handful of failures on a quiet
 *       day is noise);
 *   <li>the day's failure rate is at least {@code factor} times the trailing rate (failures over
 *       sessions, summed over the trailing days with reports), and at least {@code minIncrease}
 *       above it (so 0.01% to 0.03% is not a spike).
 * </ol>
 *
 * <p>Rates, not counts, so that a day with more mail is not a spike by itself. The comparisons
 * are exact and inclusive ("at least"): they are made on the counts in decimal arithmetic, not
 * on rounded rates. A day without reports is {@link SpikeVerdict.Kind#NO_DATA}.
 *
 * @param windowDays the trailing days compared against, 1 to {@value #MAX_WINDOW_DAYS}
 * @param minBaselineDays the fewest trailing days with reports, 1 to {@code windowDays}
 * @param minFailures the fewest failed sessions of a spike day, at least 1
 * @param factor how many times the trailing rate the day's rate must be, at least 1 (finite)
 * @param minIncrease how much above the trailing rate the day's rate must be, 0 to 1 (0.01 is one
 *     percentage point)
 */
public record SpikeRule(int windowDays, int minBaselineDays, long minFailures, double factor, double minIncrease) {
  /** The longest trailing window: a year. */
  public static final int MAX_WINDOW_DAYS = 366;

  /**
   * The default: the 7 days before, at least 3 of them with reports, at least 10 failed sessions,
   * at least 3 times the trailing rate and at least 1 percentage point above it.
   *
   * <p>Why these: a week covers the weekday and weekend pattern of mail; 10 failures and 3 times
   * the rate were the monitor's and the inbox's thresholds alike. The 3 days with reports keep a
   * new domain's first reports (or the first day after a gap) from being judged against a rate of
   * zero. The 1-point rise, rather than a floor on the day's own rate (the monitor's former 5%),
   * keeps a tiny rate tripling quiet yet still catches a large sender's incident: 0.1% to 2% of a
   * million sessions is 20,000 failed sessions.
   */
  public static final SpikeRule DEFAULT = new SpikeRule(7, 3, 10, 3.0, 0.01);

  /**
   * Validates the components.
   *
   * @param windowDays the {@code windowDays} component
   * @param minBaselineDays the {@code minBaselineDays} component
   * @param minFailures the {@code minFailures} component
   * @param factor the {@code factor} component
   * @param minIncrease the {@code minIncrease} component
   * @throws IllegalArgumentException if one is out of range
   */
  public SpikeRule {
    if (windowDays < 1 || windowDays > MAX_WINDOW_DAYS || minBaselineDays < 1 || minBaselineDays > windowDays
        || minFailures < 1 || !(factor >= 1) || Double.isInfinite(factor) || !(minIncrease >= 0 && minIncrease <= 1)) {
      throw new IllegalArgumentException("invalid spike rule: window " + windowDays + " days, baseline "
          + minBaselineDays + " days, " + minFailures + " failures, factor " + factor + ", increase " + minIncrease);
    }
  }

  /**
   * Judges one day against the days before it.
   *
   * @param domain the policy domain, as it should appear in the verdict
   * @param day the UTC day judged
   * @param days the counts of the day and of the days before it, one entry per day with reports,
   *     in any order; entries outside the window are ignored, and so is a later entry for a day
   *     already given (as {@link ReportSource} says)
   * @return the verdict with the numbers that decided it
   */
  public SpikeVerdict judge(String domain, LocalDate day, Collection<DailyReportCounts> days) {
    Objects.requireNonNull(domain, "domain");
    LocalDate first = day.minusDays(windowDays);
    Map<LocalDate, DailyReportCounts> byDay = new HashMap<>();
    for (DailyReportCounts c : days) {
      if (!c.day().isBefore(first) && !c.day().isAfter(day)) {
        byDay.putIfAbsent(c.day(), c);
      }
    }
    long bf = 0;
    long bs = 0;
    int bd = 0;
    for (Map.Entry<LocalDate, DailyReportCounts> e : byDay.entrySet()) {
      if (e.getKey().isBefore(day)) {
        bf = Counts.saturatingAdd(bf, e.getValue().failedSessions());
        bs = Counts.saturatingAdd(bs, e.getValue().sessions());
        bd++;
      }
    }
    DailyReportCounts today = byDay.get(day);
    if (today == null) {
      return new SpikeVerdict(domain, day, SpikeVerdict.Kind.NO_DATA, 0, 0, bf, bs, bd);
    }
    long f = today.failedSessions();
    long s = today.sessions();
    SpikeVerdict.Kind kind;
    if (bd < minBaselineDays) {
      kind = SpikeVerdict.Kind.NO_BASELINE;
    } else {
      kind = f >= minFailures && risen(f, s, bf, bs) ? SpikeVerdict.Kind.SPIKE : SpikeVerdict.Kind.NORMAL;
    }
    return new SpikeVerdict(domain, day, kind, f, s, bf, bs, bd);
  }

  /**
   * Tells whether f/s is at least factor times bf/bs and at least minIncrease above it, on the
   * counts multiplied out so that a boundary such as exactly 3 times is met despite binary
   * fractions (3 × 0.01 is not 0.03 in a double).
   */
  private boolean risen(long f, long s, long bf, long bs) {
    if (s == 0) {
      return false;
    }
    // Without baseline sessions the trailing rate is 0: f/s >= 0 holds, f/s >= minIncrease remains.
    BigDecimal day = BigDecimal.valueOf(f);
    BigDecimal sessions = BigDecimal.valueOf(s);
    BigDecimal baseFailures = BigDecimal.valueOf(bs == 0 ? 0 : bf);
    BigDecimal baseSessions = BigDecimal.valueOf(bs == 0 ? 1 : bs);
    // f/s >= factor * bf/bs  <=>  f * bs >= factor * bf * s
    BigDecimal dayScaled = day.multiply(baseSessions);
    BigDecimal baseScaled = baseFailures.multiply(sessions);
    boolean times = dayScaled.compareTo(BigDecimal.valueOf(factor).multiply(baseScaled)) >= 0;
    // f/s - bf/bs >= minIncrease  <=>  f * bs - bf * s >= minIncrease * s * bs
    boolean above = dayScaled.subtract(baseScaled)
        .compareTo(BigDecimal.valueOf(minIncrease).multiply(sessions).multiply(baseSessions)) >= 0;
    return times && above;
  }
}
