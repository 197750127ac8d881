package dev.mtasts.owner.monitor;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;

/**
 * Whether a day's failures are a spike against the days before it (MON-40), with the numbers that
 * decided it: what {@link SpikeRule#judge} returns. {@link #describe()} is the text of a
 * {@link AlertCode#REPORT_FAILURE_SPIKE} alert and of the inbox's page and summary.
 *
 * @param domain the policy domain
 * @param day the day judged
 * @param kind the verdict
 * @param failures the day's failed sessions
 * @param sessions the day's sessions
 * @param baselineFailures failed sessions over the baseline days
 * @param baselineSessions sessions over the baseline days
 * @param baselineDays how many of the trailing days had reports
 */
public record SpikeVerdict(
    String domain, LocalDate day, Kind kind, long failures, long sessions, long baselineFailures,
    long baselineSessions, int baselineDays) {

  /** The verdict. */
  public enum Kind {
    /** The day's failure rate is well above the trailing days' (see {@link SpikeRule}). */
    SPIKE,
    /** Not a spike. */
    NORMAL,
    /** Too few trailing days with reports to judge. */
    NO_BASELINE,
    /** No report covers the day. */
    NO_DATA
  }

  /**
   * Validates the components.
   *
   * @param domain the {@code domain} component
   * @param day the {@code day} component
   * @param kind the {@code kind} component
   * @param failures the {@code failures} component
   * @param sessions the {@code sessions} component
   * @param baselineFailures the {@code baselineFailures} component
   * @param baselineSessions the {@code baselineSessions} component
   * @param baselineDays the {@code baselineDays} component
   * @throws IllegalArgumentException if a count is negative
   */
  public SpikeVerdict {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(day, "day");
    Objects.requireNonNull(kind, "kind");
    if (failures < 0 || sessions < 0 || baselineFailures < 0 || baselineSessions < 0 || baselineDays < 0) {
      throw new IllegalArgumentException("spike verdict counts are at least 0");
    }
  }

  /**
   * The day's failure rate.
   *
   * @return failures / sessions, 0 without sessions
   */
  public double rate() {
    return sessions == 0 ? 0 : (double) failures / sessions;
  }

  /**
   * The trailing days' failure rate.
   *
   * @return baseline failures / baseline sessions, 0 without sessions
   */
  public double baselineRate() {
    return baselineSessions == 0 ? 0 : (double) baselineFailures / baselineSessions;
  }

  /**
   * Tells whether this is a spike.
   *
   * @return {@code true} for {@link Kind#SPIKE}
   */
  public boolean spike() {
    return kind == Kind.SPIKE;
  }

  /**
   * Says the verdict in words, for an alert or a page.
   *
   * @return such as "failure spike on 2026-04-08: 12.0% of 1000 sessions failed, against 0.5% over the 7 days before"
   */
  public String describe() {
    String now = String.format(Locale.ROOT, "%.1f%% of %d sessions failed", rate() * 100, sessions);
    String before = String.format(Locale.ROOT, "%.1f%% over the %d days with reports before",
        baselineRate() * 100, baselineDays);
    return switch (kind) {
      case SPIKE -> "failure spike on " + day + ": " + now + ", against " + before;
      case NORMAL -> "no spike on " + day + ": " + now + ", against " + before;
      case NO_BASELINE -> "no baseline on " + day + ": " + now + "; only " + baselineDays
          + " of the days before had reports";
      case NO_DATA -> "no report covers " + day;
    };
  }
}
