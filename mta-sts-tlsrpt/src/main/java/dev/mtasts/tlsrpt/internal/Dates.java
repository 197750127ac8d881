package dev.mtasts.tlsrpt.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Lenient reading of the {@code date-range} values of received reports (RPT-9). */
public final class Dates {
  private Dates() {}

  /**
   * A parsed instant and whether its zone had to be assumed.
   *
   * @param instant the instant
   * @param zoneAssumed {@code true} when the text had no offset and UTC was assumed
   */
  public record Lenient(Instant instant, boolean zoneAssumed) {}

  /**
   * Parses an RFC 3339 date-time leniently: with {@code Z} or an offset, in either letter case, with
   * {@code T} or a space between date and time; without a zone (as Microsoft sends) or as a bare
   * date, UTC is assumed.
   *
   * @param text the value
   * @return the instant, or {@code null} if the text is no date at all
   */
  public static @Nullable Lenient parse(String text) {
    String s = text.strip().toUpperCase(Locale.ROOT);
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      return new Lenient(OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), false);
    } catch (DateTimeParseException e) {
      // fall through to the zone-less forms
    }
    try {
      return new Lenient(LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC), true);
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return new Lenient(LocalDate.parse(s, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay().toInstant(ZoneOffset.UTC),
          true);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
