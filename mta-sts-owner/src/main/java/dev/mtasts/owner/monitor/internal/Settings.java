package dev.mtasts.owner.monitor.internal;

import dev.mtasts.owner.monitor.SpikeRule;
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
 * @param spikeRule when the last complete day of reports is a failure spike
 */
public record Settings(int failuresBeforeAlert, Duration reminder, List<Integer> expiryDays, int errorWithinDays,
    Duration readyAfter, SpikeRule spikeRule) {
  /**
   * Copies the list.
   *
   * @param failuresBeforeAlert the {@code failuresBeforeAlert} component
   * @param reminder the {@code reminder} component
   * @param expiryDays the {@code expiryDays} component
   * @param errorWithinDays the {@code errorWithinDays} component
   * @param readyAfter the {@code readyAfter} component
   * @param spikeRule the {@code spikeRule} component
   */
  public Settings {
    Objects.requireNonNull(reminder, "reminder");
    expiryDays = List.copyOf(expiryDays);
    Objects.requireNonNull(readyAfter, "readyAfter");
    Objects.requireNonNull(spikeRule, "spikeRule");
  }
}
