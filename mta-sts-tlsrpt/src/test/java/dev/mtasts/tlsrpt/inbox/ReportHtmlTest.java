package dev.mtasts.tlsrpt.inbox;

import static dev.mtasts.tlsrpt.inbox.InboxFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.Severity;
import dev.mtasts.owner.monitor.SpikeRule;
import dev.mtasts.tlsrpt.inbox.ReceivedReport.Transport;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportHtmlTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);

  /** Eight days of reports for example.org, a spike on the last, from a sender with a hostile name. */
  static InboxResult sample() {
    List<ReceivedReport> r = new ArrayList<>();
    for (int i = 7; i >= 1; i--) {
      r.add(https(report("Google Inc.", "smtp-tls-reporting@google.com", D.minusDays(i), "g" + i, 9950, 50,
          "certificate-expired", "mx1.example.org")));
      r.add(https(report("Microsoft", "tlsrpt@microsoft.com", D.minusDays(i), "m" + i, 3000, i, "sts-policy-fetch-error",
          "mx2.example.org")));
    }
    r.add(https(report("<script>alert(1)</script>\u202e", "x@evil.example", D, "e1", 2000, 800,
        "starttls-not-supported", "mx2.example.org")));
    r.add(https(report("Google Inc.", "smtp-tls-reporting@google.com", D, "g0", 9900, 100, "certificate-expired",
        "mx1.example.org")));
    return new InboxResult(r, List.of(new RejectedInput("junk.eml", "no report part")), 2);
  }

  static ReceivedReport https(dev.mtasts.tlsrpt.TlsRptReport r) {
    return new ReceivedReport(r.reportId() + ".json", Transport.HTTPS, r, null, null, DkimResult.NOT_CHECKED,
        List.of(), List.of());
  }

  static String html() {
    InboxResult in = sample();
    return ReportHtml.render(in, ReportAggregates.of(in), Instant.parse("2026-04-09T06:00:00Z"), List.of(
        new StatusNote("example.org", StatusNote.Kind.STATUS, Severity.INFO, "MTA-STS record and policy OK", null),
        new StatusNote("example.org", StatusNote.Kind.ALERT, Severity.WARNING, "policy id changed",
            Instant.parse("2026-04-03T10:00:00Z")),
        // A watched domain no sender has reported on yet, with the long lines a monitor writes.
        new StatusNote("watched.example", StatusNote.Kind.STATUS, Severity.ERROR, "Open since 2026-04-08T06:00:00Z: "
            + "POLICY_CERT_EXPIRED mta-sts.watched.example: the certificate of mta-sts.watched.example for "
            + "[mta-sts.watched.example, a-very-long-subject-alternative-name-without-any-break.watched.example] "
            + "expired on 2026-04-07T23:59:59Z. Fix: Renew the certificate.", null),
        new StatusNote("watched.example", StatusNote.Kind.ALERT, Severity.ERROR,
            "firing POLICY_CERT_EXPIRED mta-sts.watched.example", Instant.parse("2026-04-08T06:00:00Z"))));
  }

  @Test
  @DisplayName("RPT-44: marked reports are listed as kept, and the page says which are left out of the counts")
  void markedReportsAreNotCalledCounted() {
    InboxResult in = sample();
    List<ReceivedReport> mailed = new java.util.ArrayList<>(in.reports());
    ReceivedReport first = mailed.get(0);
    mailed.set(0, new ReceivedReport(first.source(), first.transport(), first.report(), first.reportDomain(),
        first.submitter(), first.dkim(), List.of(new InboxFinding(InboxFinding.Code.DKIM_MISSING, "no signature")),
        first.warnings()));
    InboxResult marked = new InboxResult(mailed, in.rejected(), in.duplicates());
    String page = ReportHtml.render(marked, ReportAggregates.of(mailed, true, SpikeRule.DEFAULT),
        Instant.parse("2026-04-09T06:00:00Z"), List.of());
    assertThat(page).contains("<h3>Marked reports</h3>", "Kept and listed. Left out of the counts: 0 with an "
        + "implausible date-range, 0 without one", "every report not authenticated (--authenticated-only)")
        .doesNotContain("(counted)");
  }

  @Test
  @DisplayName("MON-58: the page lists the newest 100 past alerts of a domain and says how many are left out")
  void theHistoryShownIsBounded() {
    List<StatusNote> notes = new java.util.ArrayList<>();
    for (int i = 0; i < 150; i++) {
      notes.add(new StatusNote("many.example", StatusNote.Kind.ALERT, Severity.WARNING, "alert " + i,
          Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i)));
    }
    InboxResult in = sample();
    String page = ReportHtml.render(in, ReportAggregates.of(in), Instant.parse("2026-04-09T06:00:00Z"), notes);
    String section = page.substring(page.indexOf("<h2>many.example</h2>"));
    assertThat(section).contains("warning: alert 149", "warning: alert 50</li>", "50 older alert(s) not shown")
        .doesNotContain("warning: alert 49</li>");
    assertThat(section.indexOf("alert 149")).isLessThan(section.indexOf("alert 50<"));
  }

  @Test
  @DisplayName("MON-58: a watched domain without reports gets its status and history, and no chart")
  void aDomainWithOnlyNotesGetsASectionWithoutCharts() {
    String page = html();
    int start = page.indexOf("<h2>watched.example</h2>");
    assertThat(start).isPositive();
    String section = page.substring(start, page.indexOf("</section>", start));
    assertThat(section).contains("No TLS-RPT report received for this domain",
        "<li class=\"error\">Open since 2026-04-08T06:00:00Z: POLICY_CERT_EXPIRED",
        "<h3>Alert history</h3>", "2026-04-08T06:00:00Z error: firing POLICY_CERT_EXPIRED").doesNotContain("<svg");
  }

  @Test
  @DisplayName("RPT-44: the page is self-contained: no script, no link, no external URL, no url()")
  void referencesNothingOutside() {
    String h = html();
    assertThat(h).startsWith("<!DOCTYPE html>").contains("<meta name=\"viewport\"");
    assertThat(h.toLowerCase(java.util.Locale.ROOT)).doesNotContain("<script", "<link", "<img", "<iframe", "url(",
        "src=", "href=", "@import");
    // The only URL is the SVG namespace, which browsers never fetch.
    assertThat(Pattern.compile("https?://").matcher(h).results().map(m -> h.substring(m.start(), m.start() + 26)))
        .allMatch(u -> u.equals("http://www.w3.org/2000/svg"));
  }

  @Test
  @DisplayName("RPT-44 SEC-12: report text is HTML-escaped after control and bidi characters are made visible")
  void escapesReportText() {
    String h = html();
    assertThat(h).contains("&lt;script&gt;alert(1)&lt;/script&gt;\\u202e").doesNotContain("\u202e");
  }

  @Test
  @DisplayName("RPT-44: per domain the status at a glance, the alert history and three charts with one bar per day")
  void showsStatusHistoryAndCharts() {
    String h = html();
    assertThat(h).contains("<h2>example.org</h2>", "MTA-STS record and policy OK", "policy id changed",
        "failure spike on 2026-04-08", "Policy senders saw: MTA-STS, mode enforce, mx mx.example.org",
        "Sessions per day", "Failures per day by result type", "Failures per day by sender",
        "Top failing MX hosts", "junk.eml");
    assertThat(count(h, "<svg class=\"chart\"")).isEqualTo(3);
    // Sessions: 8 days x 2 series; by type: 7 days x 2 + 1 day x 2; by sender: the same.
    assertThat(count(h, "<path ")).isEqualTo(16 + 16 + 16);
    Matcher m = Pattern.compile("<path fill=\"#[0-9a-f]{6}\" d=\"M[0-9.]+ [0-9.]+h[0-9.]+v[0-9.]+h-[0-9.]+z\">").matcher(h);
    assertThat(m.results().count()).isEqualTo(48);
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
