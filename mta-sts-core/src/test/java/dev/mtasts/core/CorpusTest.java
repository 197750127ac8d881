package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library agrees with every judgement of the real-world corpus (../shared/corpus).
 */
class CorpusTest {

  static Stream<Corpus.PolicyFile> policies() {
    return Corpus.forTests().policies().stream();
  }

  static Stream<Corpus.Row> stsRecords() {
    return Corpus.forTests().stsRecords().stream();
  }

  static Stream<Corpus.Row> tlsRptRecords() {
    return Corpus.forTests().tlsRptRecords().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void strictParseAgreesWithJudgement(Corpus.PolicyFile file) {
    ParseReport<MtaStsPolicy> report = MtaStsPolicy.lint(file.bytes(), ParseMode.STRICT);
    assertThat(report.isValid())
        .as("%s: %s; library says %s", file.name(), file.row().get("reason"), report.problems())
        .isEqualTo(file.row().valid());
    if (!report.isValid()) {
      assertThatThrownBy(() -> MtaStsPolicy.parse(file.bytes()))
          .isInstanceOf(MtaStsParseException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void validPoliciesHaveTheModeMxAndMaxAgeTheFileStates(Corpus.PolicyFile file) {
    if (!file.row().valid()) {
      return;
    }
    MtaStsPolicy policy = MtaStsPolicy.parse(file.bytes());
    // An independent, naive reading of the same file: first mode, first max_age, every mx.
    String mode = null;
    String maxAge = null;
    List<String> mx = new ArrayList<>();
    for (String line : new String(file.bytes(), StandardCharsets.UTF_8).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "mode" -> mode = mode == null ? value : mode;
        case "max_age" -> maxAge = maxAge == null ? value : maxAge;
        case "mx" -> mx.add(value.toLowerCase(java.util.Locale.ROOT));
        default -> { }
      }
    }
    assertThat(policy.mode().token()).isEqualTo(mode);
    assertThat(policy.maxAgeSeconds()).isEqualTo(Long.parseLong(maxAge));
    assertThat(policy.mx()).map(MxPattern::toString).containsExactlyElementsOf(mx);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void everyValidPolicyRoundTripsThroughToText(Corpus.PolicyFile file) {
    if (!file.row().valid()) {
      return;
    }
    MtaStsPolicy policy = MtaStsPolicy.parse(file.bytes());
    MtaStsPolicy again = MtaStsPolicy.parse(policy.toText());
    assertThat(again).isEqualTo(policy).hasSameHashCodeAs(policy);
    assertThat(again.toText()).isEqualTo(policy.toText());
  }

  /**
   * The lenient reading accepts exactly the documented deviations: it must equal the strict
   * reading of the file after the documented repairs (done here independently with regexes).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void lenientReadingAcceptsExactlyTheDocumentedDeviations(Corpus.PolicyFile file) {
    ParseReport<MtaStsPolicy> lenient = MtaStsPolicy.lint(file.bytes(), ParseMode.LENIENT);
    ParseReport<MtaStsPolicy> strict = MtaStsPolicy.lint(file.bytes(), ParseMode.STRICT);
    String repaired = applyDocumentedRepairs(file.bytes());
    ParseReport<MtaStsPolicy> expected = repaired == null
        ? strict : MtaStsPolicy.lint(repaired, ParseMode.STRICT);
    assertThat(lenient.isValid())
        .as("%s lenient=%s expected=%s", file.name(), lenient.problems(), expected.problems())
        .isEqualTo(expected.isValid());
    if (lenient.isValid()) {
      assertThat(lenient.value()).isEqualTo(expected.value());
    }
    if (strict.isValid()) {
      assertThat(lenient.value()).as("lenient accepts all strict accepts").isEqualTo(strict.value());
    }
  }

  private static final Pattern MX_TRAILING_DOT = Pattern.compile("^(mx:[ \\t]*)(\\S+)\\.([ \\t]*)$");

  /** Returns null when the bytes are not UTF-8: no repair makes them valid. */
  private static String applyDocumentedRepairs(byte[] bytes) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    StringBuilder out = new StringBuilder();
    for (String line : text.split("(?<=\n)")) {
      String terminator = line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
      String content = line.substring(0, line.length() - terminator.length());
      if (content.isBlank() && content.chars().allMatch(c -> c == ' ' || c == '\t')) {
        continue;
      }
      content = content.replaceFirst("^[ \\t]+", "");
      Matcher m = MX_TRAILING_DOT.matcher(content);
      if (m.matches() && !m.group(2).isEmpty()) {
        content = m.group(1) + m.group(2) + m.group(3);
      }
      out.append(content).append(terminator);
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stsRecords")
  void stsRecordParseAgreesWithJudgement(Corpus.Row row) {
    String value = row.get("value");
    ParseReport<MtaStsRecord> report = MtaStsRecord.lint(value);
    assertThat(report.isValid())
        .as("%s: %s; library says %s", value, row.get("reason"), report.problems())
        .isEqualTo(row.valid());
    if (report.isValid()) {
      MtaStsRecord record = report.value();
      assertThat(MtaStsRecord.parse(record.toText())).isEqualTo(record);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tlsRptRecords")
  void tlsRptRecordParseAgreesWithJudgement(Corpus.Row row) {
    String value = row.get("value");
    ParseReport<TlsRptRecord> report = TlsRptRecord.lint(value);
    assertThat(report.isValid())
        .as("%s: %s; library says %s", value, row.get("reason"), report.problems())
        .isEqualTo(row.valid());
    if (report.isValid()) {
      TlsRptRecord record = report.value();
      assertThat(TlsRptRecord.parse(record.toText())).isEqualTo(record);
    }
  }

  @Test
  void corpusIsLargeEnoughToMeanSomething() {
    assertThat(Corpus.forTests().policies()).hasSizeGreaterThan(300);
    assertThat(Corpus.forTests().stsRecords()).hasSizeGreaterThan(100);
    assertThat(Corpus.forTests().tlsRptRecords()).hasSizeGreaterThan(60);
  }
}
