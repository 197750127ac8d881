package dev.mtasts.core.internal;

import java.time.Duration;

/**
 * Durations in the words people use: {@code 604800 seconds (7 days)}, never {@code PT168H}. Every
 * message of the project that names a duration goes through here.
 */
public final class Durations {
  private static final long MINUTE = 60;
  private static final long HOUR = 3600;
  private static final long DAY = 86400;

  private Durations() {}

  /**
   * Describes a duration in seconds, with the largest whole unit in brackets when it is a minute
   * or longer; below a second, in milliseconds.
   *
   * @param d the duration
   * @return such as {@code "1 second"}, {@code "90 seconds (1.5 minutes)"},
   *     {@code "604800 seconds (7 days)"}, {@code "250 ms"}
   */
  public static String human(Duration d) {
    if (d.isNegative()) {
      return "minus " + human(d.negated());
    }
    long s = d.getSeconds();
    if (s == 0 && d.getNano() > 0) {
      long ms = d.toMillis();
      return (ms == 0 ? "less than 1" : Long.toString(ms)) + " ms";
    }
    String text = s == 1 ? "1 second" : s + " seconds";
    if (d.getNano() != 0) {
      text = String.format(java.util.Locale.ROOT, "%.3f seconds", s + d.getNano() / 1e9);
    }
    if (s >= DAY) {
      return text + " (" + unit(s, DAY, "day") + ")";
    }
    if (s >= HOUR) {
      return text + " (" + unit(s, HOUR, "hour") + ")";
    }
    if (s >= MINUTE) {
      return text + " (" + unit(s, MINUTE, "minute") + ")";
    }
    return text;
  }

  private static String unit(long seconds, long size, String name) {
    if (seconds % size == 0) {
      long n = seconds / size;
      return n + " " + name + (n == 1 ? "" : "s");
    }
    String rounded = String.format(java.util.Locale.ROOT, "%.1f", seconds / (double) size);
    // 462.96 days reads "about 463 days", not "463.0 days"; 1.5 minutes stays as it is.
    return rounded.endsWith(".0") ? "about " + rounded.substring(0, rounded.length() - 2) + " " + name + "s"
        : rounded + " " + name + "s";
  }
}
