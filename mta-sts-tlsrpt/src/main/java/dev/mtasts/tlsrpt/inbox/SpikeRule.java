package dev.mtasts.tlsrpt.inbox;

/**
 * When a day's failures are a spike (MON-40): against the trailing {@code windowDays} days (the
 * week before the day, the day itself excluded), a day is a {@link SpikeVerdict.Kind#SPIKE} when
 * all of these hold:
 *
 * <ol>
 *   <li>at least {@code minBaselineDays} of the trailing days have reports (else
 *       {@link SpikeVerdict.Kind#NO_BASELINE}: a new domain or a gap says nothing);
 *   <li>the day has at least {@code minFailures} failed sessions (a handful of failures on a quiet
 *       day is noise);
 *   <li>the day's failure rate is at least {@code factor} times the trailing rate (failures over
 *       sessions, summed over the trailing days), and at least {@code minIncrease} above it (so
 *       0.01% to 0.03% is not a spike).
 * </ol>
 *
 * <p>Rates, not counts, so that a day with more mail is not a spike by itself.
 *
 * @param windowDays the trailing days compared against, at least 1
 * @param minBaselineDays the fewest trailing days with reports, 1 to {@code windowDays}
 * @param minFailures the fewest failed sessions of a spike day, at least 1
 * @param factor how many times the trailing rate the day's rate must be, at least 1
 * @param minIncrease how much above the trailing rate the day's rate must be, 0 to 1
 */
public record SpikeRule(int windowDays, int minBaselineDays, long minFailures, double factor, double minIncrease) {
  /** The default: a week, 3 days with reports, 10 failures, 3 times the rate and 1 percentage point more. */
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
    if (windowDays < 1 || minBaselineDays < 1 || minBaselineDays > windowDays || minFailures < 1
        || !(factor >= 1) || !(minIncrease >= 0 && minIncrease <= 1)) {
      throw new IllegalArgumentException("invalid spike rule: window " + windowDays + " days, baseline "
          + minBaselineDays + " days, " + minFailures + " failures, factor " + factor + ", increase " + minIncrease);
    }
  }
}
