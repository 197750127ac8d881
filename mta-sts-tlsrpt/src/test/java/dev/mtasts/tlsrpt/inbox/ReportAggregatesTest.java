package dev.mtasts.tlsrpt.inbox;

import static dev.mtasts.tlsrpt.inbox.InboxFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.mtasts.owner.monitor.SpikeRule;
import dev.mtasts.owner.monitor.SpikeVerdict;
import dev.mtasts.tlsrpt.DateRange;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.inbox.ReceivedReport.Transport;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportAggregatesTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);

  static ReceivedReport https(TlsRptReport r) {
    return new ReceivedReport("x.json", Transport.HTTPS, r, null, null, DkimResult.NOT_CHECKED, List.of(), List.of());
  }

  static ReceivedReport unsignedMail(TlsRptReport r) {
    return new ReceivedReport("x.eml", Transport.MAIL, r, "example.org", "s", new DkimResult(DkimResult.Status.NONE,
        null, "none"), List.of(), List.of());
  }

  static ReceivedReport day(LocalDate day, long ok, long failed) {
    return https(report("Sender", "tlsrpt@sender.example", day, "id-" + day + "-" + ok + "-" + failed, ok, failed,
        "certificate-expired", "mx.example.org"));
  }

  @Test
  @DisplayName("RPT-40: sessions and failures are counted per domain and UTC day, by type, sender, MX host and reason")
  void countsPerDomainAndDay() {
    TlsRptReport google = report("Google Inc.", "smtp-tls-reporting@google.com", D, "g1", 900, 10,
        "certificate-expired", "MX1.example.org");
    TlsRptReport microsoft = report("Microsoft", "tlsrpt@microsoft.com", D, "m1", 90, 5,
        "starttls-not-supported", "mx2.example.org");
    TlsRptReport nextDay = report("Google Inc.", "smtp-tls-reporting@google.com", D.plusDays(1), "g2", 50, 0,
        "x", "mx1.example.org");
    // Local midnight to local midnight at -07:00: the middle of the range is on D in UTC.
    TlsRptReport offset = new TlsRptReport("Pacific", new DateRange(Instant.parse("2026-04-08T07:00:00Z"),
        Instant.parse("2026-04-09T07:00:00Z")), "r@pacific.example", "p1", google.policies());
    TlsRptReport undated = new TlsRptReport("Nowhen", null, "n@x", "u1", google.policies());

    ReportAggregates a = ReportAggregates.of(List.of(https(google), https(microsoft), https(nextDay), https(offset),
        https(undated)), false, SpikeRule.DEFAULT);

    assertThat(a.domains()).containsExactly("example.org");
    assertThat(a.undated()).isEqualTo(1);
    assertThat(a.days("example.org")).extracting(DomainDay::day).containsExactly(D, D.plusDays(1));
    DomainDay d = a.day("example.org", D).orElseThrow();
    assertThat(d.reports()).isEqualTo(3);
    assertThat(d.successfulSessions()).isEqualTo(900 + 90 + 900);
    assertThat(d.failedSessions()).isEqualTo(10 + 5 + 10);
    assertThat(d.failuresByResultType()).containsExactly(entry("certificate-expired", 20L),
        entry("starttls-not-supported", 5L));
    assertThat(d.failuresBySender()).containsExactly(entry("Google Inc.", 10L), entry("Pacific", 10L),
        entry("Microsoft", 5L));
    assertThat(d.sessionsBySender()).containsEntry("Microsoft", 95L);
    assertThat(d.failuresByMxHost()).containsExactly(entry("mx1.example.org", 20L), entry("mx2.example.org", 5L));
    assertThat(d.failuresByReason()).containsEntry("X509_V_ERR_CERT_HAS_EXPIRED", 25L);
    assertThat(DomainDay.top(d.failuresBySender(), 1)).containsExactly(entry("Google Inc.", 10L));
  }

  @Test
  @DisplayName("RPT-35 RPT-51: reports with counts near Long.MAX_VALUE (anyone can mail the rua) neither throw nor count negative")
  void hugeCountsNeitherThrowNorComeOutNegative() {
    // Review finding: one such report alone gives "-2 sessions"; two on one day make
    // `reports summary` and `reports html` exit 1 with "counts must not be negative".
    List<ReceivedReport> hostile = List.of(https(report("A", "a@a.example", D, "huge-1", Long.MAX_VALUE,
        Long.MAX_VALUE, "certificate-expired", "mx.example.org")), https(report("B", "b@b.example", D, "huge-2",
        Long.MAX_VALUE, 5, "certificate-expired", "mx.example.org")));

    ReportAggregates a = ReportAggregates.of(hostile, false, SpikeRule.DEFAULT);

    DomainDay d = a.day("example.org", D).orElseThrow();
    assertThat(d.sessions()).isNotNegative();
    assertThat(d.failureRate()).isBetween(0.0, 1.0);
    assertThat(a.total("example.org").orElseThrow().sessions()).isNotNegative();
  }

  @Test
  @DisplayName("RPT-51: one report near Long.MAX_VALUE saturates the day's and the sender's sums instead of wrapping")
  void oneHugeReportSaturatesTheSums() {
    ReportAggregates a = ReportAggregates.of(List.of(https(report("A", "a@a.example", D, "huge", Long.MAX_VALUE, 2,
        "certificate-expired", "mx.example.org")), day(D, 5, 5)), false, SpikeRule.DEFAULT);

    DomainDay d = a.day("example.org", D).orElseThrow();
    assertThat(d.sessions()).isEqualTo(Long.MAX_VALUE);
    assertThat(d.sessionsBySender()).containsEntry("A", Long.MAX_VALUE);
    assertThat(a.dailyCounts("example.org", D, D)).singleElement()
        .satisfies(c -> assertThat(c.sessions()).isEqualTo(Long.MAX_VALUE));
  }

  @Test
  @DisplayName("RPT-55: reports dated 0001-01-01, 9999-12-30, over 31 days or marked by the inbox are not counted")
  void leavesImplausibleDatesOutOfTheCounts() {
    TlsRptReport good = report("Good", "g@g.example", D, "good", 10, 1, "certificate-expired", "mx.example.org");
    List<ReceivedReport> reports = List.of(https(good),
        https(dated(good, "ancient", "0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z")),
        https(dated(good, "long", "2026-01-01T00:00:00Z", "2026-04-08T00:00:00Z")),
        // The inbox judged this one by its clock (a day ahead of it); the aggregates need no clock.
        new ReceivedReport("f.json", Transport.HTTPS, dated(good, "future", "9999-12-30T00:00:00Z",
            "9999-12-31T00:00:00Z"), null, null, DkimResult.NOT_CHECKED, List.of(new InboxFinding(
            InboxFinding.Code.DATE_RANGE_IMPLAUSIBLE, "ahead")), List.of()));

    ReportAggregates a = ReportAggregates.of(reports, false, SpikeRule.DEFAULT);

    assertThat(a.days("example.org")).extracting(DomainDay::day).containsExactly(D);
    assertThat(a.day("example.org", D).orElseThrow().reports()).isEqualTo(1);
    assertThat(a.leftOut()).isEqualTo(3);
    assertThat(a.undated()).isZero();
  }

  @Test
  @DisplayName("RPT-56: a policy whose policy-domain is no domain name gets no section and is not counted")
  void leavesInvalidPolicyDomainsOut() {
    TlsRptReport good = report("Good", "g@g.example", D, "good", 10, 1, "certificate-expired", "mx.example.org");
    byte[] json = dev.mtasts.tlsrpt.ReportJson.toJson(good);
    String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
    TlsRptReport script = parse(text.replace("\"example.org\"", "\"<script>x</script>\""));
    TlsRptReport longName = parse(text.replace("\"example.org\"", "\"" + "a".repeat(5000) + "\""));

    ReportAggregates a = ReportAggregates.of(List.of(https(good), https(script), https(longName)), false,
        SpikeRule.DEFAULT);

    assertThat(a.domains()).containsExactly("example.org");
    assertThat(a.day("example.org", D).orElseThrow().sessions()).isEqualTo(11);
  }

  static TlsRptReport parse(String json) {
    return ((dev.mtasts.tlsrpt.ReportParseOutcome.Parsed) dev.mtasts.tlsrpt.ReportParser.builder().build()
        .parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))).report();
  }

  static TlsRptReport dated(TlsRptReport base, String id, String start, String end) {
    return new TlsRptReport(base.organizationName(), new DateRange(Instant.parse(start), Instant.parse(end)),
        base.contactInfo(), id, base.policies());
  }

  @Test
  @DisplayName("RPT-23: counting only authenticated reports leaves unsigned mails out")
  void leavesUnauthenticatedReportsOutWhenAsked() {
    List<ReceivedReport> reports = List.of(day(D, 100, 1), unsignedMail(report("x")));
    assertThat(ReportAggregates.of(reports, false, SpikeRule.DEFAULT).days("example.org"))
        .extracting(DomainDay::reports).containsExactly(1, 1);
    assertThat(ReportAggregates.of(reports, true, SpikeRule.DEFAULT).days("example.org"))
        .extracting(DomainDay::day).containsExactly(D);
  }

  static List<ReceivedReport> week(long ok, long failed) {
    List<ReceivedReport> out = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      out.add(day(D.minusDays(i), ok, failed));
    }
    return out;
  }

  @Test
  @DisplayName("MON-40: a failure rate 3 times the trailing week's and 1 point above it, with 10 failures, is a spike")
  void detectsASpikeAgainstTheTrailingWeek() {
    List<ReceivedReport> r = week(995, 5);
    r.add(day(D, 900, 100));
    SpikeVerdict v = ReportAggregates.of(r, false, SpikeRule.DEFAULT).spike("example.org", D);
    assertThat(v.kind()).isEqualTo(SpikeVerdict.Kind.SPIKE);
    assertThat(v.baselineDays()).isEqualTo(7);
    assertThat(v.baselineFailures()).isEqualTo(35);
    assertThat(v.rate()).isEqualTo(0.1);
    assertThat(v.describe()).isEqualTo(
        "failure spike on 2026-04-08: 10.0% of 1000 sessions failed, against 0.5% over the 7 days with reports before");
  }

  @Test
  @DisplayName("MON-40: more mail at the same rate, too few failures, or a small rise is no spike")
  void doesNotCallNoiseASpike() {
    assertThat(kindOnD(week(995, 5), 9950, 50)).isEqualTo(SpikeVerdict.Kind.NORMAL);
    assertThat(kindOnD(week(1000, 0), 10, 9)).isEqualTo(SpikeVerdict.Kind.NORMAL);
    // 0.1% to 0.5%: five times the rate, but less than one point more.
    assertThat(kindOnD(week(999, 1), 2985, 15)).isEqualTo(SpikeVerdict.Kind.NORMAL);
    // 1% to 2.5%: one and a half points more, but not three times the rate.
    assertThat(kindOnD(week(990, 10), 975, 25)).isEqualTo(SpikeVerdict.Kind.NORMAL);
    // The same day against a quieter baseline is a spike: the rule compares rates.
    assertThat(kindOnD(week(1000, 0), 985, 15)).isEqualTo(SpikeVerdict.Kind.SPIKE);
  }

  /** The verdict on D after the trailing days, D having {@code ok} and {@code failed} sessions. */
  static SpikeVerdict.Kind kindOnD(List<ReceivedReport> trailing, long ok, long failed) {
    trailing.add(day(D, ok, failed));
    return ReportAggregates.of(trailing, false, SpikeRule.DEFAULT).spike("example.org", D).kind();
  }

  @Test
  @DisplayName("MON-40: fewer than 3 trailing days with reports is no baseline; a day without reports is no data")
  void needsABaseline() {
    List<ReceivedReport> r = new ArrayList<>(List.of(day(D.minusDays(1), 1000, 0), day(D.minusDays(8), 1000, 0),
        day(D.minusDays(9), 1000, 0), day(D, 0, 500)));
    ReportAggregates a = ReportAggregates.of(r, false, SpikeRule.DEFAULT);
    SpikeVerdict v = a.spike("example.org", D);
    // Days 8 and 9 before are outside the week.
    assertThat(v.kind()).isEqualTo(SpikeVerdict.Kind.NO_BASELINE);
    assertThat(v.baselineDays()).isEqualTo(1);
    assertThat(a.spike("example.org", D.plusDays(1)).kind()).isEqualTo(SpikeVerdict.Kind.NO_DATA);
    assertThat(a.verdicts()).hasSize(4);
  }
}
