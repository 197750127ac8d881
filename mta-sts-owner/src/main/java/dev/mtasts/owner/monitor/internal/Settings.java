package dev.mtasts.owner.monitor.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The monitor's thresholds, validated by its builder.
 *
 * @param failuresBeforeAlert consecutive failed checks before an unreachable or incomplete alert
 * @param reminder the period after which an open alert is sent again
 * @param expiryDays the expiry thresholds in days, descending, such as 30, 14, 7, 1
 * @param errorWithinDays an expiring certificate is an error from this many days on
 * @param readyAfter how long a domain is in mode testing before it may be ready for enforce
 * @param spikeBaselineDays the days before the last one that make the baseline failure rate
 * @param spikeMinFailures the fewest failed sessions on a day that make a spike
 * @param spikeMinRate the lowest failure rate (0 to 1) that makes a spike
 * @param spikeFactor how many times the baseline rate the day's rate must reach
 */
public record Settings(int failuresBeforeAlert, Duration reminder, List<Integer> expiryDays, int errorWithinDays,
    Duration readyAfter, int spikeBaselineDays, long spikeMinFailures, double spikeMinRate, double spikeFactor) {
  /**
   * Copies the list.
   *
   * @param failuresBeforeAlert the {@code failuresBeforeAlert} component
   * @param reminder the {@code reminder} component
   * @param expiryDays the {@code expiryDays} component
   * @param errorWithinDays the {@code errorWithinDays} component
   * @param readyAfter the {@code readyAfter} component
   * @param spikeBaselineDays the {@code spikeBaselineDays} component
   * @param spikeMinFailures the {@code spikeMinFailures} component
   * @param spikeMinRate the {@code spikeMinRate} component
   * @param spikeFactor the {@code spikeFactor} component
   */
  public Settings {
    Objects.requireNonNull(reminder, "reminder");
    expiryDays = List.copyOf(expiryDays);
    Objects.requireNonNull(readyAfter, "readyAfter");
  }
}
