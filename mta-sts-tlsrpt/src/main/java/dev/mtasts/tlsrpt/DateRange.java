package dev.mtasts.tlsrpt;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * The {@code date-range} of a report (RFC 8460 §4.4): the period its counts cover.
 *
 * @param start the {@code start-datetime}
 * @param end the {@code end-datetime}, not before {@code start}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.1">RFC 8460 §4.1</a>
 */
public record DateRange(Instant start, Instant end) {

  /**
   * Validates the order.
   *
   * @param start the {@code start} component
   * @param end the {@code end} component
   * @throws IllegalArgumentException if {@code end} is before {@code start}
   */
  public DateRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("date-range ends (" + end + ") before it starts (" + start + ")");
    }
  }

  /**
   * Returns the full UTC day {@code day}, from 00:00 to 24:00, the period a report should cover
   * (RPT-8). The end is the next day's 00:00:00Z.
   *
   * @param day the day
   * @return the range
   */
  public static DateRange utcDay(LocalDate day) {
    return new DateRange(day.atStartOfDay().toInstant(ZoneOffset.UTC),
        day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
  }
}
