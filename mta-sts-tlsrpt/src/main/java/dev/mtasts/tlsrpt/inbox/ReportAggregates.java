package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.internal.Counts;
import dev.mtasts.owner.monitor.DailyReportCounts;
import dev.mtasts.owner.monitor.ReportSource;
import dev.mtasts.owner.monitor.SpikeRule;
import dev.mtasts.owner.monitor.SpikeVerdict;
import dev.mtasts.tlsrpt.DateRange;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.TlsRptReport;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The received reports counted per policy domain and UTC day (RPT-40), with a spike verdict per
 * day by the one {@link SpikeRule} (MON-40, the monitor's too): the plain API a monitor or a page
 * reads.
 *
 * <p>A report counts on the UTC day of the middle of its {@code date-range}, so a report that
 * runs from local midnight to local midnight lands on its own day; a report without a
 * {@code date-range} is not counted ({@link #undated()}), nor is one whose {@code date-range} is not
 * believed (RPT-55: marked {@link InboxFinding.Code#DATE_RANGE_IMPLAUSIBLE} by the inbox, or
 * reversed, starting before 2018-09-01 or longer than {@value ReportInbox#MAX_DATE_RANGE_DAYS}
 * days; {@link #leftOut()}). Each policy counts under its {@code policy-domain}, lower case;
 * without one, under the mail's {@code TLS-Report-Domain}, else {@code "(unknown)"}; a policy
 * whose {@code policy-domain} is no valid domain name is not counted (RPT-56). Every sum saturates
 * at {@link Long#MAX_VALUE}, so no report's counts make a sum negative or throw (RPT-51).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ReportAggregates {
  /** The name used when a sender, MX host or domain is not given. */
  public static final String UNKNOWN = "(unknown)";

  private final Map<String, NavigableMap<LocalDate, DomainDay>> days;
  private final int undated;
  private final int leftOut;
  private final boolean authenticatedOnly;
  private final SpikeRule rule;

  private ReportAggregates(Map<String, NavigableMap<LocalDate, DomainDay>> days, int undated, int leftOut,
      boolean authenticatedOnly, SpikeRule rule) {
    this.days = days;
    this.undated = undated;
    this.leftOut = leftOut;
    this.authenticatedOnly = authenticatedOnly;
    this.rule = rule;
  }

  /**
   * Counts all reports of an inbox read, with the default spike rule.
   *
   * @param inbox what the inbox read
   * @return the aggregates
   */
  public static ReportAggregates of(InboxResult inbox) {
    return of(inbox.reports(), false, SpikeRule.DEFAULT);
  }

  /**
   * Counts reports.
   *
   * @param reports the reports, already deduplicated
   * @param authenticatedOnly {@code true} to count only reports RFC 8460 §3 lets a receiver use
   *     (HTTPS, or a mail whose DKIM signature passed; RPT-23), {@code false} to count all
   * @param rule when a day is a spike; {@link SpikeRule#DEFAULT} agrees with the monitor's default
   * @return the aggregates
   */
  public static ReportAggregates of(Collection<ReceivedReport> reports, boolean authenticatedOnly, SpikeRule rule) {
    Objects.requireNonNull(rule, "rule");
    Map<String, TreeMap<LocalDate, Acc>> acc = new TreeMap<>();
    int undated = 0;
    int leftOut = 0;
    for (ReceivedReport r : reports) {
      if (authenticatedOnly && !r.authenticated()) {
        continue;
      }
      TlsRptReport report = r.report();
      DateRange range = report.dateRange();
      if (r.has(InboxFinding.Code.DATE_RANGE_IMPLAUSIBLE)
          || ReportChecks.dateProblem(range, r.warnings(), null) != null) {
        // A range from year 1 or 9999 would otherwise become the page's last day and x-axis (RPT-55).
        leftOut++;
        continue;
      }
      if (range == null) {
        undated++;
        continue;
      }
      LocalDate day = middle(range);
      String sender = sender(report);
      for (PolicyReport p : report.policies()) {
        String policyDomain = p.policy().policyDomain();
        if (policyDomain != null && !policyDomain.isBlank() && !ReportChecks.validDomain(policyDomain)) {
          continue; // RPT-56: a '<script>' or 5,000-character name gets no section of its own.
        }
        String domain = domain(policyDomain, r.reportDomain());
        Acc a = acc.computeIfAbsent(domain, d -> new TreeMap<>()).computeIfAbsent(day, d -> new Acc());
        a.add(r, p, sender);
      }
    }
    Map<String, NavigableMap<LocalDate, DomainDay>> out = new TreeMap<>();
    acc.forEach((domain, byDay) -> {
      NavigableMap<LocalDate, DomainDay> m = new TreeMap<>();
      byDay.forEach((day, a) -> m.put(day, a.toDay(domain, day)));
      out.put(domain, java.util.Collections.unmodifiableNavigableMap(m));
    });
    return new ReportAggregates(java.util.Collections.unmodifiableMap(out), undated, leftOut, authenticatedOnly, rule);
  }

  private static LocalDate middle(DateRange range) {
    Instant s = range.start();
    Instant mid = s.plusSeconds((range.end().getEpochSecond() - s.getEpochSecond()) / 2);
    return LocalDate.ofInstant(mid, ZoneOffset.UTC);
  }

  private static String sender(TlsRptReport r) {
    String org = r.organizationName();
    if (org != null && !org.isBlank()) {
      return org.strip();
    }
    String contact = r.contactInfo();
    return contact != null && !contact.isBlank() ? contact.strip() : UNKNOWN;
  }

  private static String domain(@Nullable String policyDomain, @Nullable String header) {
    String d = policyDomain != null && !policyDomain.isBlank() ? policyDomain : header;
    if (d == null || d.isBlank() || !ReportChecks.validDomain(d)) {
      return UNKNOWN;
    }
    d = d.strip().toLowerCase(Locale.ROOT);
    return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
  }

  /**
   * The policy domains with reports, in name order.
   *
   * @return the domains
   */
  public List<String> domains() {
    return List.copyOf(days.keySet());
  }

  /**
   * The days of a domain that have reports, oldest first.
   *
   * @param domain the policy domain
   * @return the days; empty for a domain without reports
   */
  public List<DomainDay> days(String domain) {
    NavigableMap<LocalDate, DomainDay> m = days.get(domain.toLowerCase(Locale.ROOT));
    return m == null ? List.of() : List.copyOf(m.values());
  }

  /**
   * One day of a domain.
   *
   * @param domain the policy domain
   * @param day the UTC day
   * @return its counts, or empty when no report covers it
   */
  public Optional<DomainDay> day(String domain, LocalDate day) {
    NavigableMap<LocalDate, DomainDay> m = days.get(domain.toLowerCase(Locale.ROOT));
    return Optional.ofNullable(m == null ? null : m.get(day));
  }

  /**
   * All days of a domain summed into one, dated with its first day.
   *
   * @param domain the policy domain
   * @return the sums, or empty for a domain without reports
   */
  public Optional<DomainDay> total(String domain) {
    List<DomainDay> list = days(domain);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    Acc sum = new Acc();
    for (DomainDay d : list) {
      sum.reports += d.reports();
      sum.ok = Counts.saturatingAdd(sum.ok, d.successfulSessions());
      sum.failed = Counts.saturatingAdd(sum.failed, d.failedSessions());
      d.sessionsBySender().forEach((k, v) -> sum.sessionsBySender.merge(k, v, Counts::saturatingAdd));
      d.failuresBySender().forEach((k, v) -> sum.bySender.merge(k, v, Counts::saturatingAdd));
      d.failuresByResultType().forEach((k, v) -> sum.byType.merge(k, v, Counts::saturatingAdd));
      d.failuresByMxHost().forEach((k, v) -> sum.byMx.merge(k, v, Counts::saturatingAdd));
      d.failuresByReason().forEach((k, v) -> sum.byReason.merge(k, v, Counts::saturatingAdd));
    }
    return Optional.of(sum.toDay(list.get(0).domain(), list.get(0).day()));
  }

  /**
   * Tells whether only authenticated reports were counted (RFC 8460 §3, RPT-23).
   *
   * @return the {@code authenticatedOnly} the aggregates were made with
   */
  public boolean authenticatedOnly() {
    return authenticatedOnly;
  }

  /**
   * How many reports had no {@code date-range} and were not counted.
   *
   * @return the count
   */
  public int undated() {
    return undated;
  }

  /**
   * How many reports were not counted because their {@code date-range} is not believed: reversed,
   * before 2018-09-01, more than a day ahead of the inbox's clock or longer than
   * {@value ReportInbox#MAX_DATE_RANGE_DAYS} days (RPT-55). Each is marked in the inbox's result.
   *
   * @return the count
   */
  public int leftOut() {
    return leftOut;
  }

  /**
   * The sessions of a domain per day, as the monitor's {@link ReportSource} gives them.
   *
   * @param domain the policy domain
   * @param from the first UTC day
   * @param to the last UTC day, included
   * @return one entry per day with reports from {@code from} to {@code to}, oldest first
   */
  public List<DailyReportCounts> dailyCounts(String domain, LocalDate from, LocalDate to) {
    NavigableMap<LocalDate, DomainDay> m = days.get(domain.toLowerCase(Locale.ROOT));
    if (m == null || to.isBefore(from)) {
      return List.of();
    }
    List<DailyReportCounts> out = new ArrayList<>();
    for (DomainDay d : m.subMap(from, true, to, true).values()) {
      out.add(new DailyReportCounts(d.day(), d.successfulSessions(), d.failedSessions()));
    }
    return out;
  }

  /**
   * Judges one day of a domain against the days before it by the {@link SpikeRule} (MON-40), the
   * rule {@link dev.mtasts.owner.monitor.MtaStsMonitor}'s failure-spike alert uses too.
   *
   * @param domain the policy domain
   * @param day the UTC day
   * @return the verdict
   */
  public SpikeVerdict spike(String domain, LocalDate day) {
    String d = domain.toLowerCase(Locale.ROOT);
    return rule.judge(d, day, dailyCounts(d, day.minusDays(rule.windowDays()), day));
  }

  /**
   * Judges every day with reports of every domain.
   *
   * @return the verdicts, by domain then day
   */
  public List<SpikeVerdict> verdicts() {
    List<SpikeVerdict> out = new ArrayList<>();
    days.forEach((domain, m) -> m.keySet().forEach(day -> out.add(spike(domain, day))));
    return out;
  }

  /** Mutable counts of one domain and day while reading. */
  private static final class Acc {
    int reports;
    final java.util.Set<ReceivedReport> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    long ok;
    long failed;
    final Map<String, Long> sessionsBySender = new HashMap<>();
    final Map<String, Long> bySender = new HashMap<>();
    final Map<String, Long> byType = new HashMap<>();
    final Map<String, Long> byMx = new HashMap<>();
    final Map<String, Long> byReason = new HashMap<>();

    void add(ReceivedReport r, PolicyReport p, String sender) {
      if (seen.add(r)) {
        reports++;
      }
      // Counts come from anyone who can mail the rua (RFC 8460 §3): sums saturate (RPT-51).
      ok = Counts.saturatingAdd(ok, p.totalSuccessfulSessionCount());
      failed = Counts.saturatingAdd(failed, p.totalFailureSessionCount());
      sessionsBySender.merge(sender, p.totalSessionCount(), Counts::saturatingAdd);
      if (p.totalFailureSessionCount() > 0) {
        bySender.merge(sender, p.totalFailureSessionCount(), Counts::saturatingAdd);
      }
      for (FailureDetail f : p.failureDetails()) {
        long n = f.failedSessionCount();
        if (n == 0) {
          // Some senders list a detail with no failed session; it would only add a zero row.
          continue;
        }
        byType.merge(f.resultType(), n, Counts::saturatingAdd);
        String mx = f.receivingMxHostname();
        byMx.merge(mx == null || mx.isBlank() ? UNKNOWN : mx.toLowerCase(Locale.ROOT), n, Counts::saturatingAdd);
        String reason = f.failureReasonCode();
        byReason.merge(reason == null || reason.isBlank() ? f.resultType() : reason, n, Counts::saturatingAdd);
      }
    }

    DomainDay toDay(String domain, LocalDate day) {
      return new DomainDay(domain, day, reports, ok, failed, sorted(sessionsBySender), sorted(bySender),
          sorted(byType), sorted(byMx), sorted(byReason));
    }

    private static Map<String, Long> sorted(Map<String, Long> m) {
      Map<String, Long> out = new java.util.LinkedHashMap<>();
      DomainDay.top(m, m.size()).forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    }
  }
}
