package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.owner.Explanations;
import dev.mtasts.owner.FindingCode;
import org.junit.jupiter.api.Test;

/** {@code mta-sts explain}: the paragraphs of docs/findings.md, by code. */
class ExplainTest {

  @Test
  void explainPrintsTheFindingsSeverityRuleFixAndParagraph() {
    Cli r = Cli.run("explain", "--no-color", "mx_not_covered");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("MX_NOT_COVERED").contains("error by default", "rule MXM-1",
        FindingCode.MX_NOT_COVERED.fix(), FindingCode.MX_NOT_COVERED.explanation());
  }

  @Test
  void explainKnowsTheParserCodesLintShows() {
    Cli r = Cli.run("explain", "--no-color", "POLICY_BOM");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Parser problem (lint), rule POL-1", Explanations.of("POLICY_BOM").orElseThrow());
    Cli both = Cli.run("explain", "--no-color", "POLICY_TOO_LARGE");
    assertThat(both.out()).contains("Finding, error", "Parser problem");
  }

  @Test
  void anUnknownCodeIsAUsageErrorThatNamesTheClosestCodes() {
    Cli typo = Cli.run("explain", "MX_CERT_EXPIRD");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.err()).contains("unknown code 'MX_CERT_EXPIRD'", "Did you mean: MX_CERT_EXPIRED");
    assertThat(typo.out()).isEmpty();
    Cli none = Cli.run("explain", "\u001b[2Jqqqqqqqqqqqqqqqqqqq");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("explain --list");
    Cli.assertNothingForATerminalToRun(none.err());
    assertThat(Cli.run("explain").exitCode()).isEqualTo(2);
  }

  @Test
  void listPrintsEveryCode() {
    Cli r = Cli.run("explain", "--list");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines().toList()).containsExactlyElementsOf(Explanations.codes());
  }
}
