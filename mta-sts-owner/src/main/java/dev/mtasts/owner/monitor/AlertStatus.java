package dev.mtasts.owner.monitor;

/**
 * Where an {@link Alert} stands in the life of its condition.
 */
public enum AlertStatus {
  /** The condition appeared, or got worse (a closer expiry threshold, a higher severity). */
  FIRING,
  /** The condition still holds, a reminder period after the last alert about it. */
  REMINDER,
  /** The condition cleared. */
  RESOLVED,
  /** A change was seen (a new certificate, a new MX set); notices never resolve. */
  NOTICE;

  /**
   * Returns the lower-case name used in JSON.
   *
   * @return {@code "firing"}, {@code "reminder"}, {@code "resolved"} or {@code "notice"}
   */
  public String token() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
