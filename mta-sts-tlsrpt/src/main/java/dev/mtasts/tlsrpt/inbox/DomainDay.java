package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.internal.Counts;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the reports say about one policy domain on one UTC day (RPT-40): sessions, and failures by
 * result type, by sending organization, by receiving MX host and by reason code.
 *
 * @param domain the policy domain, lower case
 * @param day the UTC day
 * @param reports how many reports contributed
 * @param successfulSessions the sum of {@code total-successful-session-count}
 * @param failedSessions the sum of {@code total-failure-session-count}
 * @param sessionsBySender all sessions per sending organization
 * @param failuresBySender failed sessions per sending organization ({@code organization-name},
 *     else the contact-info, else {@code "(unknown)"})
 * @param failuresByResultType failed sessions per {@code result-type} in the failure details
 * @param failuresByMxHost failed sessions per {@code receiving-mx-hostname} ({@code "(unknown)"}
 *     when the sender did not say)
 * @param failuresByReason failed sessions per {@code failure-reason-code}, else the result type
 */
public record DomainDay(
    String domain, LocalDate day, int reports, long successfulSessions, long failedSessions,
    Map<String, Long> sessionsBySender, Map<String, Long> failuresBySender, Map<String, Long> failuresByResultType,
    Map<String, Long> failuresByMxHost, Map<String, Long> failuresByReason) {

  /**
   * Copies the maps, keeping their order.
   *
   * @param domain the {@code domain} component
   * @param day the {@code day} component
   * @param reports the {@code reports} component
   * @param successfulSessions the {@code successfulSessions} component
   * @param failedSessions the {@code failedSessions} component
   * @param sessionsBySender the {@code sessionsBySender} component
   * @param failuresBySender the {@code failuresBySender} component
   * @param failuresByResultType the {@code failuresByResultType} component
   * @param failuresByMxHost the {@code failuresByMxHost} component
   * @param failuresByReason the {@code failuresByReason} component
   */
  public DomainDay {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(day, "day");
    if (reports < 0 || successfulSessions < 0 || failedSessions < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
    sessionsBySender = copy(sessionsBySender);
    failuresBySender = copy(failuresBySender);
    failuresByResultType = copy(failuresByResultType);
    failuresByMxHost = copy(failuresByMxHost);
    failuresByReason = copy(failuresByReason);
  }

  /**
   * All sessions of the day.
   *
   * @return successful plus failed sessions, {@link Long#MAX_VALUE} when the sum does not fit
   *     (RPT-51)
   */
  public long sessions() {
    return Counts.saturatingAdd(successfulSessions, failedSessions);
  }

  /**
   * The share of failed sessions.
   *
   * @return failed / all, 0 when there were no sessions; at most 1 even when the sum saturated
   */
  public double failureRate() {
    long all = sessions();
    return all == 0 ? 0 : Math.min(1.0, (double) failedSessions / all);
  }

  /**
   * The largest entries of a count map, largest first (ties by name).
   *
   * @param counts one of this record's maps
   * @param n how many
   * @return at most {@code n} entries
   */
  public static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
    List<Map.Entry<String, Long>> list = new ArrayList<>(counts.entrySet());
    list.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    return list.subList(0, Math.min(n, list.size()));
  }

  private static Map<String, Long> copy(Map<String, Long> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
