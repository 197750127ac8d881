package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.internal.Counts;
import dev.mtasts.tlsrpt.DateRange;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.TlsRptReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The inbox's checks of what a report says (not how it was delivered): counts (RPT-52), date-range
 * (RPT-55) and policy domains (RPT-56). Anyone can mail a domain's reporting address (RFC 8460
 * §3), so a report's content is judged before it is counted.
 */
final class ReportChecks {
  private static final long MAX_PLAUSIBLE_SESSIONS = ReportInbox.MAX_PLAUSIBLE_SESSIONS;
  /** RFC 8460 §4.1 asks for one day; a month is as long as a sender can plausibly batch. */
  private static final int MAX_RANGE_DAYS = ReportInbox.MAX_DATE_RANGE_DAYS;
  /** RFC 8460's publication: no TLS-RPT report covers time before it (RPT-55). */
  static final Instant EARLIEST = Instant.parse("2018-09-01T00:00:00Z");
  /** How far ahead of the reading time a range may start: clocks differ, by less than this. */
  static final Duration FUTURE_SLACK = Duration.ofDays(1);

  private ReportChecks() {}

  /** What is wrong with the report's content, each a finding; empty when nothing is. */
  static List<InboxFinding> findings(TlsRptReport report, List<String> warnings, Instant now) {
    List<InboxFinding> out = new ArrayList<>();
    String counts = countsProblem(report);
    if (counts != null) {
      out.add(new InboxFinding(InboxFinding.Code.COUNTS_IMPLAUSIBLE, counts));
    }
    String date = dateProblem(report.dateRange(), warnings, now);
    if (date != null) {
      out.add(new InboxFinding(InboxFinding.Code.DATE_RANGE_IMPLAUSIBLE, date + "; the report is not counted"));
    }
    for (PolicyReport p : report.policies()) {
      String d = p.policy().policyDomain();
      if (d != null && !validDomain(d)) {
        out.add(new InboxFinding(InboxFinding.Code.POLICY_DOMAIN_INVALID, "policy-domain '" + clip(d)
            + "' is not a valid domain name; that policy is not counted"));
      }
    }
    return out;
  }

  private static @Nullable String countsProblem(TlsRptReport report) {
    for (PolicyReport p : report.policies()) {
      if (p.totalSessionCount() > MAX_PLAUSIBLE_SESSIONS) {
        return "policy '" + clip(String.valueOf(p.policy().policyDomain())) + "' counts " + p.totalSessionCount()
            + " sessions, more than " + MAX_PLAUSIBLE_SESSIONS + " in one report";
      }
      long details = 0;
      for (FailureDetail f : p.failureDetails()) {
        // Failure types need not be exclusive (RPT-7), so only one detail above the total is impossible.
        if (f.failedSessionCount() > p.totalFailureSessionCount()) {
          return "a failure detail counts " + f.failedSessionCount() + " failed sessions, more than the policy's "
              + "total-failure-session-count " + p.totalFailureSessionCount();
        }
        details = Counts.saturatingAdd(details, f.failedSessionCount());
      }
      if (details > MAX_PLAUSIBLE_SESSIONS) {
        return "the failure details count " + details + " sessions, more than " + MAX_PLAUSIBLE_SESSIONS;
      }
    }
    return null;
  }

  /**
   * Why a date-range is not believed, or null; a missing one is {@link ReportAggregates#undated()}.
   * Without {@code now}, a range in the future is not judged.
   */
  static @Nullable String dateProblem(@Nullable DateRange range, List<String> warnings, @Nullable Instant now) {
    if (range == null) {
      // The parser refuses a reversed range (DateRange validates the order) with this warning.
      for (String w : warnings) {
        if (w.startsWith("date-range") && w.contains("before it starts")) {
          return "the date-range is reversed: it " + w.substring(w.indexOf("ends"));
        }
      }
      return null;
    }
    if (range.start().isBefore(EARLIEST)) {
      return "the date-range starts " + range.start() + ", before RFC 8460 was published (2018-09-01)";
    }
    if (now != null && range.start().isAfter(now.plus(FUTURE_SLACK))) {
      return "the date-range starts " + range.start() + ", more than a day after now (" + now + ")";
    }
    if (Duration.between(range.start(), range.end()).compareTo(Duration.ofDays(MAX_RANGE_DAYS)) > 0) {
      return "the date-range runs from " + range.start() + " to " + range.end() + ", longer than "
          + MAX_RANGE_DAYS + " days";
    }
    return null;
  }

  /** Whether a policy-domain is a domain name a policy can have (RPT-56). */
  static boolean validDomain(String domain) {
    try {
      PolicyDomain.of(domain.strip());
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** At most 100 characters of a hostile string, so one finding stays one line. */
  private static String clip(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "… (" + s.length() + " characters)";
  }
}
