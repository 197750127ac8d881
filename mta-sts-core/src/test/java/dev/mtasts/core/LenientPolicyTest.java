package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sender's lenient reading tolerates exactly the documented whitespace-level deviations. */
class LenientPolicyTest {
  static final String VALID = MtaStsPolicyTest.VALID;
  static final MtaStsPolicy EXPECTED = MtaStsPolicy.parse(VALID);

  @Test
  void toleratesAByteOrderMark() {
    byte[] body = ("\uFEFF" + VALID).getBytes(StandardCharsets.UTF_8);
    LenientPolicy p = MtaStsPolicy.parseLenient(body);
    assertThat(p.policy()).isEqualTo(EXPECTED);
    assertThat(p.warnings()).extracting(ParseProblem::code, ParseProblem::severity)
        .containsExactly(tuple(ProblemCode.POLICY_BOM, Severity.WARNING));
  }

  @Test
  void toleratesBlankLinesIncludingATrailingOne() {
    LenientPolicy p = MtaStsPolicy.parseLenient("\n" + VALID.replace("mx:", "\r\n  \nmx:") + "\n\n");
    assertThat(p.policy()).isEqualTo(EXPECTED);
    assertThat(p.warnings()).filteredOn(w -> w.severity() == Severity.WARNING).extracting(ParseProblem::code)
        .containsOnly(ProblemCode.POLICY_BLANK_LINE).hasSize(7);
  }

  @Test
  void toleratesWhitespaceAtLineStart() {
    LenientPolicy p = MtaStsPolicy.parseLenient(VALID.replace("\n", "\n \t").stripTrailing());
    assertThat(p.policy()).isEqualTo(EXPECTED);
    assertThat(p.warnings()).extracting(ParseProblem::code).containsOnly(ProblemCode.POLICY_LEADING_WHITESPACE);
  }

  @Test
  void toleratesOneTrailingDotOnAnMx() {
    LenientPolicy p = MtaStsPolicy.parseLenient(VALID.replace("mail.example.com", "mail.example.com."));
    assertThat(p.policy()).isEqualTo(EXPECTED);
    assertThat(p.warnings()).extracting(ParseProblem::code, ParseProblem::line)
        .containsExactly(tuple(ProblemCode.POLICY_MX_TRAILING_DOT, 3));
    assertThatThrownBy(() -> MtaStsPolicy.parseLenient(VALID.replace("mail.example.com", "mail.example.com..")))
        .isInstanceOf(MtaStsParseException.class);
  }

  @Test
  void acceptsEverythingStrictAccepts() {
    assertThat(MtaStsPolicy.parseLenient(VALID).policy()).isEqualTo(EXPECTED);
    assertThat(MtaStsPolicy.parseLenient(VALID).warnings()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "version: STSv1\nmode: enforcing\nmx: a.example\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1 week\n",
      "version: STSv1\nmode: enforce\nmx: a.example\n",
      "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\nthis line has no colon\n",
      "# comment\nversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",
      "version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n",
      "version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: mx_1.example\nmax_age: 1\n",
      "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999\n",
      "---\nlayout: none\n---\nversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"})
  void neverToleratesSubstanceErrors(String body) {
    assertThatThrownBy(() -> MtaStsPolicy.parseLenient(body)).isInstanceOf(MtaStsParseException.class);
  }

  @Test
  void reportsAllToleratedDeviationsTogether() {
    ParseReport<MtaStsPolicy> r = MtaStsPolicy.lint(
        ("\uFEFF  version: STSv1\n\nmode: enforce\nmx: mail.example.com.\nmx: *.backup.example.com\n"
            + "max_age: 604800\n\n").getBytes(StandardCharsets.UTF_8), ParseMode.LENIENT);
    assertThat(r.value()).isEqualTo(EXPECTED);
    assertThat(r.problems()).extracting(ParseProblem::code, ParseProblem::line).containsExactly(
        tuple(ProblemCode.POLICY_BOM, 1), tuple(ProblemCode.POLICY_LEADING_WHITESPACE, 1),
        tuple(ProblemCode.POLICY_BLANK_LINE, 2), tuple(ProblemCode.POLICY_MX_TRAILING_DOT, 4),
        tuple(ProblemCode.POLICY_BLANK_LINE, 7));
    assertThat(MtaStsPolicy.lint(("\uFEFF  version: STSv1\n").getBytes(StandardCharsets.UTF_8), ParseMode.STRICT)
        .errors()).extracting(ParseProblem::code).contains(ProblemCode.POLICY_BOM,
            ProblemCode.POLICY_LEADING_WHITESPACE);
  }
}
