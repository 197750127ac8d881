package dev.mtasts.owner.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.owner.monitor.SpikeVerdict.Kind;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one spike rule (MON-40), condition by condition, at each boundary. */
class SpikeRuleTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);
  static final SpikeRule RULE = SpikeRule.DEFAULT;

  /** {@code n} trailing days right before D, each with {@code ok} and {@code failed} sessions. */
  static List<DailyReportCounts> trailing(int n, long ok, long failed) {
    List<DailyReportCounts> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(new DailyReportCounts(D.minusDays(i), ok, failed));
    }
    return out;
  }

  static Kind onD(List<DailyReportCounts> trailing, long ok, long failed) {
    List<DailyReportCounts> all = new ArrayList<>(trailing);
    all.add(new DailyReportCounts(D, ok, failed));
    return RULE.judge("example.org", D, all).kind();
  }

  @Test
  @DisplayName("MON-40: the default is a week, 3 days with reports, 10 failures, 3 times and 1 point more")
  void theDefault() {
    assertThat(SpikeRule.DEFAULT).isEqualTo(new SpikeRule(7, 3, 10, 3.0, 0.01));
  }

  @Test
  @DisplayName("MON-40: at least minBaselineDays of the trailing window must have reports; older days do not count")
  void baselineDaysBoundary() {
    assertThat(onD(trailing(3, 1000, 0), 900, 100)).isEqualTo(Kind.SPIKE);
    assertThat(onD(trailing(2, 1000, 0), 900, 100)).isEqualTo(Kind.NO_BASELINE);
    List<DailyReportCounts> old = trailing(2, 1000, 0);
    old.add(new DailyReportCounts(D.minusDays(8), 1000, 0));
    SpikeVerdict v = RULE.judge("example.org", D, with(old, 900, 100));
    assertThat(v.kind()).isEqualTo(Kind.NO_BASELINE);
    assertThat(v.baselineDays()).isEqualTo(2);
    // The 7th day before is still in the window.
    List<DailyReportCounts> edge = trailing(2, 1000, 0);
    edge.add(new DailyReportCounts(D.minusDays(7), 1000, 0));
    assertThat(RULE.judge("example.org", D, with(edge, 900, 100)).kind()).isEqualTo(Kind.SPIKE);
  }

  @Test
  @DisplayName("MON-40: at least minFailures failed sessions: 10 is a spike, 9 is not")
  void minFailuresBoundary() {
    assertThat(onD(trailing(7, 1000, 0), 90, 10)).isEqualTo(Kind.SPIKE);
    assertThat(onD(trailing(7, 1000, 0), 91, 9)).isEqualTo(Kind.NORMAL);
  }

  @Test
  @DisplayName("MON-40: exactly 3 times the trailing rate is a spike, just under is not")
  void factorBoundary() {
    // Trailing 1%; the day 3% is 2 points more, so only the factor decides.
    assertThat(onD(trailing(7, 990, 10), 970, 30)).isEqualTo(Kind.SPIKE);
    assertThat(onD(trailing(7, 990, 10), 971, 29)).isEqualTo(Kind.NORMAL);
  }

  @Test
  @DisplayName("MON-40: exactly 1 percentage point above the trailing rate is a spike, just under is not")
  void minIncreaseBoundary() {
    // Trailing 0.1%; the day 1.1% is 11 times the rate, so only the rise decides.
    assertThat(onD(trailing(7, 999, 1), 989, 11)).isEqualTo(Kind.SPIKE);
    assertThat(onD(trailing(7, 999, 1), 9890, 109)).isEqualTo(Kind.NORMAL);
  }

  @Test
  @DisplayName("MON-40: a trailing window without sessions has rate 0, so only the rise and the failures decide")
  void baselineWithoutSessions() {
    assertThat(onD(trailing(3, 0, 0), 990, 10)).isEqualTo(Kind.SPIKE);
    assertThat(onD(trailing(3, 0, 0), 991, 10)).isEqualTo(Kind.NORMAL);
  }

  @Test
  @DisplayName("MON-40: more mail at the same rate is no spike; a day without reports is no data")
  void ratesNotCounts() {
    assertThat(onD(trailing(7, 995, 5), 99_500, 500)).isEqualTo(Kind.NORMAL);
    SpikeVerdict none = RULE.judge("example.org", D, trailing(7, 1000, 0));
    assertThat(none.kind()).isEqualTo(Kind.NO_DATA);
    assertThat(none.baselineDays()).isEqualTo(7);
    assertThat(none.describe()).isEqualTo("no report covers 2026-04-08");
  }

  @Test
  @DisplayName("MON-40: days after the judged one are ignored, and so is a later entry for a day already given")
  void ignoresLaterDaysAndRepeatedEntries() {
    List<DailyReportCounts> all = with(trailing(7, 1000, 0), 900, 100);
    all.add(new DailyReportCounts(D, 1000, 0));
    all.add(new DailyReportCounts(D.plusDays(1), 0, 1_000_000));
    SpikeVerdict v = RULE.judge("example.org", D, all);
    assertThat(v.kind()).isEqualTo(Kind.SPIKE);
    assertThat(v.failures()).isEqualTo(100);
    assertThat(v.baselineSessions()).isEqualTo(7000);
  }

  @Test
  @DisplayName("MON-40: the verdict says the numbers that decided it, in one sentence")
  void describesTheVerdict() {
    SpikeVerdict v = RULE.judge("example.org", D, with(trailing(7, 995, 5), 900, 100));
    assertThat(v.describe()).isEqualTo(
        "failure spike on 2026-04-08: 10.0% of 1000 sessions failed, against 0.5% over the 7 days with reports before");
    assertThat(RULE.judge("example.org", D, with(trailing(1, 995, 5), 900, 100)).describe())
        .isEqualTo("no baseline on 2026-04-08: 10.0% of 1000 sessions failed; only 1 of the days before had reports");
  }

  @Test
  @DisplayName("MON-40: counts near Long.MAX_VALUE saturate instead of turning negative")
  void hugeCountsSaturate() {
    SpikeVerdict v = RULE.judge("example.org", D, with(trailing(7, Long.MAX_VALUE / 2, 0), 0, Long.MAX_VALUE / 2));
    assertThat(v.baselineSessions()).isEqualTo(Long.MAX_VALUE);
    assertThat(v.kind()).isEqualTo(Kind.SPIKE);
  }

  @Test
  @DisplayName("MON-40: a rule out of range is refused")
  void validatesTheRule() {
    assertThatThrownBy(() -> new SpikeRule(0, 1, 10, 3, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(367, 1, 10, 3, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 8, 10, 3, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 0, 10, 3, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 3, 0, 3, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 3, 10, 0.5, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 3, 10, Double.NaN, 0.01)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 3, 10, Double.POSITIVE_INFINITY, 0.01))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SpikeRule(7, 3, 10, 3, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new SpikeRule(366, 366, 1, 1, 0).windowDays()).isEqualTo(366);
  }

  static List<DailyReportCounts> with(List<DailyReportCounts> trailing, long ok, long failed) {
    List<DailyReportCounts> all = new ArrayList<>(trailing);
    all.add(new DailyReportCounts(D, ok, failed));
    return all;
  }
}
