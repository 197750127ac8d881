package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The recorder's bounds on long policies (RPT-30) and on its memory (RPT-31). */
class TlsRptRecorderBoundsTest {
  static final LocalDate DAY = LocalDate.of(2026, 3, 10);

  final TestSupport.MutableClock clock = new TestSupport.MutableClock(DAY.atTime(12, 0).toInstant(ZoneOffset.UTC));

  /** A valid policy body of about {@code bytes} bytes: one {@code mx} line per 24 bytes. */
  static String longPolicyBody(int bytes) {
    StringBuilder sb = new StringBuilder("version: STSv1\nmode: enforce\nmax_age: 86400\n");
    for (int i = 0; sb.length() + 24 <= bytes; i++) {
      sb.append(String.format(Locale.ROOT, "mx: mx%05d.example.com\n", i));
    }
    return sb.toString();
  }

  static ReportPolicy longPolicy(String domain, int bytes) {
    String body = longPolicyBody(bytes);
    return ReportPolicy.sts(PolicyDomain.of(domain), MtaStsPolicy.parse(body), body);
  }

  static long chars(ReportPolicy p) {
    return p.policyStrings().stream().mapToLong(String::length).sum()
        + p.mxHosts().stream().mapToLong(String::length).sum();
  }

  @Test
  @DisplayName("RPT-30: a 54 KB policy the parser accepts is recorded, shortened, and the report stays valid")
  void aPolicyOverTheCharacterLimitIsRecordedShortenedNotRefused() {
    ReportPolicy policy = longPolicy("example.com", 54_000);
    assertThat(longPolicyBody(54_000).getBytes(StandardCharsets.UTF_8).length).isBetween(53_900, 54_000);
    assertThat(chars(policy)).isGreaterThan(TlsRptRecorder.MAX_POLICY_CHARS);
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).build();

    recorder.record(policy, SessionOutcome.success());
    recorder.record(policy, SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED).build());

    RecorderStats stats = recorder.stats();
    assertThat(stats.recordedSessions()).isEqualTo(2);
    assertThat(stats.sessionsWithTruncatedPolicy()).isEqualTo(2);
    List<DailyAggregate> days = recorder.closeDaysBefore(DAY.plusDays(1));
    PolicyReport report = days.get(0).policies().get(0);
    assertThat(report.totalSuccessfulSessionCount()).isEqualTo(1);
    assertThat(report.totalFailureSessionCount()).isEqualTo(1);
    ReportPolicy kept = report.policy();
    assertThat(chars(kept)).isEqualTo(TlsRptRecorder.MAX_POLICY_CHARS);
    // The lines are kept in order, from the start.
    assertThat(kept.policyStrings()).isEqualTo(policy.policyStrings().subList(0, kept.policyStrings().size()));
    // The report is valid and this library's parser, with its default limits, reads it back.
    TlsRptReport tlsrpt = new TlsRptReport("Example", DateRange.utcDay(DAY), "tlsrpt@example.net", "id-1",
        List.of(report));
    ReportParseOutcome parsed = ReportParser.builder().build().parse(ReportJson.toJson(tlsrpt));
    assertThat(parsed).isInstanceOfSatisfying(ReportParseOutcome.Parsed.class,
        p -> assertThat(p.report().policies().get(0).policy()).isEqualTo(kept));
  }

  @Test
  @DisplayName("RPT-30: a cut never splits a surrogate pair (I-JSON)")
  void aCutNeverSplitsASurrogatePair() {
    String line = "a".repeat(TlsRptRecorder.MAX_POLICY_CHARS - 1) + "\uD83D\uDE00" + "tail";
    ReportPolicy p = new ReportPolicy(PolicyType.STS, List.of(line), "example.com", List.of("mx.example.com"));
    ReportPolicy kept = TlsRptRecorder.bounded(p);
    assertThat(kept.policyStrings()).containsExactly("a".repeat(TlsRptRecorder.MAX_POLICY_CHARS - 1));
    assertThat(kept.mxHosts()).isEmpty();
    assertThat(TlsRptRecorder.bounded(kept)).isSameAs(kept);
    ReportPolicy small = TestSupport.stsPolicy("example.com");
    assertThat(TlsRptRecorder.bounded(small)).isSameAs(small);
  }

  @Test
  @DisplayName("RPT-31: over the byte budget new policies are dropped and counted, known ones still count")
  void theByteBudgetBoundsHowManyPoliciesAreHeld() {
    long budget = 1L << 20;
    TlsRptRecorder recorder = TlsRptRecorder.builder().clock(clock).maxBytes(budget).build();
    int domains = 1000;
    String body = longPolicyBody(31_000);
    MtaStsPolicy parsed = MtaStsPolicy.parse(body);
    List<ReportPolicy> policies = new ArrayList<>(domains);
    for (int i = 0; i < domains; i++) {
      policies.add(ReportPolicy.sts(PolicyDomain.of("d" + i + ".example"), parsed, body));
    }
    long perPolicy = TlsRptRecorder.estimatedBytes(policies.get(0));
    assertThat(perPolicy).isGreaterThan(62_000); // two bytes per character, at least

    for (ReportPolicy p : policies) {
      recorder.record(p, SessionOutcome.success());
    }

    RecorderStats stats = recorder.stats();
    int held = recorder.snapshot().size();
    assertThat(held).isPositive().isLessThanOrEqualTo((int) (budget / perPolicy));
    assertThat(stats.recordedSessions()).isEqualTo(held);
    assertThat(stats.sessionsOverByteBudget()).isEqualTo(domains - held);
    assertThat(stats.sessionsOverPolicyLimit()).isZero();
    assertThat(stats.estimatedBytes()).isPositive().isLessThanOrEqualTo(budget);

    // A policy already held keeps counting, failures included; a new one is still dropped.
    ReportPolicy first = policies.get(0);
    recorder.record(first, SessionOutcome.success());
    recorder.record(first, SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
        .receivingMxHelo("x".repeat(200)).build());
    recorder.record(policies.get(domains - 1), SessionOutcome.success());
    assertThat(recorder.stats().sessionsOverByteBudget()).isEqualTo(domains - held + 1);

    List<DailyAggregate> closed = recorder.closeDaysBefore(DAY.plusDays(1));
    assertThat(closed).hasSize(held);
    PolicyReport firstReport = closed.stream().filter(a -> a.policyDomain().name().equals("d0.example"))
        .findFirst().orElseThrow().policies().get(0);
    assertThat(firstReport.totalSuccessfulSessionCount()).isEqualTo(2);
    assertThat(firstReport.totalFailureSessionCount()).isEqualTo(1);

    // Closing the day gives its bytes back: the next day has the whole budget again.
    assertThat(recorder.stats().estimatedBytes()).isZero();
    clock.set(DAY.plusDays(1).atTime(1, 0).toInstant(ZoneOffset.UTC));
    recorder.record(policies.get(domains - 1), SessionOutcome.success());
    assertThat(recorder.snapshot()).singleElement()
        .satisfies(a -> assertThat(a.policyDomain().name()).isEqualTo("d" + (domains - 1) + ".example"));
  }

  @Test
  @DisplayName("RPT-31: the byte budget is set once and has a floor")
  void theByteBudgetIsValidated() {
    assertThatIllegalArgumentException().isThrownBy(() -> TlsRptRecorder.builder().maxBytes(1024));
    assertThatIllegalStateException().isThrownBy(
        () -> TlsRptRecorder.builder().maxBytes(1 << 20).maxBytes(2 << 20));
    assertThat(TlsRptRecorder.DEFAULT_MAX_BYTES).isEqualTo(64L << 20);
  }
}
