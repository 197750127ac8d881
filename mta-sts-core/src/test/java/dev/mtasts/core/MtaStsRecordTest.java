package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MtaStsRecordTest {

  static List<ProblemCode> errors(String text) {
    return MtaStsRecord.lint(text).errors().stream().map(ParseProblem::code).toList();
  }

  @Test
  void parsesAValidRecord() {
    MtaStsRecord r = MtaStsRecord.parse("v=STSv1; id=20160831085700Z;");
    assertThat(r.id()).isEqualTo("20160831085700Z");
    assertThat(r.extensions()).isEmpty();
    assertThat(r.toText()).isEqualTo("v=STSv1; id=20160831085700Z");
  }

  @Test
  void recordsMustBeUsAscii() {
    // TXT-2
    assertThat(MtaStsRecord.lint("v=STSv1; id=1; note=caf\u00e9").problems()).singleElement().satisfies(p -> {
      assertThat(p.code()).isEqualTo(ProblemCode.STS_RECORD_NOT_ASCII);
      assertThat(p.column()).isEqualTo(24);
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"V=STSv1; id=1", "v=stsv1; id=1", "v=STSv2; id=1", "v=STSv10; id=1", " v=STSv1; id=1",
      "id=1; v=STSv1", "", "v=TLSRPTv1; id=1"})
  void versionMustComeFirstAndMatchCaseSensitively(String text) {
    // TXT-3, TXT-5
    assertThat(errors(text)).containsExactly(ProblemCode.STS_RECORD_BAD_VERSION);
  }

  @Test
  void idIsRequiredAndIsOneToThirtyTwoAlphanumerics() {
    // TXT-4
    assertThat(MtaStsRecord.parse("v=STSv1; id=a").id()).isEqualTo("a");
    assertThat(MtaStsRecord.parse("v=STSv1; id=" + "Z9".repeat(16)).id()).hasSize(32);
    assertThat(errors("v=STSv1; id=" + "a".repeat(33))).containsExactly(ProblemCode.STS_RECORD_INVALID_ID);
    for (String bad : new String[] {"bad-value", "policy_1", "1.2", "a:b", "123v=STSv1"}) {
      assertThat(errors("v=STSv1; id=" + bad)).as(bad).containsExactly(ProblemCode.STS_RECORD_INVALID_ID);
    }
    assertThat(errors("v=STSv1; ext=1")).containsExactly(ProblemCode.STS_RECORD_MISSING_ID);
    assertThat(errors("v=STSv1; id=")).containsExactly(ProblemCode.STS_RECORD_INVALID_ID);
    assertThat(errors("v=STSv1; ID=1")).containsExactly(ProblemCode.STS_RECORD_MISSING_ID);
  }

  @Test
  void otherFieldsMayComeInAnyOrderAfterTheVersion() {
    // TXT-5
    assertThat(MtaStsRecord.parse("v=STSv1; x=1; id=abc").id()).isEqualTo("abc");
  }

  @Test
  void delimitersFollowTheAbnf() {
    // TXT-6
    assertThat(errors("v=STSv1;")).containsExactly(ProblemCode.STS_RECORD_NO_FIELDS);
    assertThat(errors("v=STSv1")).containsExactly(ProblemCode.STS_RECORD_NO_FIELDS);
    assertThat(errors("v=STSv1; id=1;")).isEmpty();
    assertThat(errors("v=STSv1; id=1; ")).isEmpty();
    assertThat(errors("v=STSv1; id=1;;")).containsExactly(ProblemCode.STS_RECORD_EMPTY_FIELD);
    assertThat(errors("v=STSv1;; id=1")).containsExactly(ProblemCode.STS_RECORD_EMPTY_FIELD);
    assertThat(errors("v=STSv1; id =1")).containsExactly(ProblemCode.STS_RECORD_WHITESPACE);
    assertThat(errors("v=STSv1; id=1 ")).containsExactly(ProblemCode.STS_RECORD_TRAILING_WHITESPACE);
    assertThat(errors("v=STSv1; id=foo include=foo.com")).containsExactly(ProblemCode.STS_RECORD_WHITESPACE);
    assertThat(errors("v=STSv1 id=1")).containsExactly(ProblemCode.STS_RECORD_BAD_VERSION);
    assertThat(errors("v=STSv1; bogus")).containsExactly(ProblemCode.STS_RECORD_NOT_KEY_VALUE,
        ProblemCode.STS_RECORD_MISSING_ID);
    assertThat(errors("v=STSv1 \t; \tid=policy1 \t;")).isEmpty();
    assertThat(errors("v=STSv1;id=1")).isEmpty();
  }

  @Test
  void erratum6285SpaceBeforeTheFirstDelimiterIsAcceptedWithAWarning() {
    // TXT-7 (erratum 6285): decided for acceptance, as every reviewed implementation does.
    ParseReport<MtaStsRecord> r = MtaStsRecord.lint("v=STSv1  ;    id=foo");
    assertThat(r.isValid()).isTrue();
    assertThat(r.warnings()).extracting(ParseProblem::code)
        .containsExactly(ProblemCode.STS_RECORD_SPACE_BEFORE_DELIMITER);
    assertThat(MtaStsRecord.select(List.of("v=STSv1 ; id=foo")))
        .isInstanceOf(TxtRecordSelection.Found.class);
  }

  @Test
  void selectionIgnoresRecordsNotBeginningWithTheTagAndNeedsExactlyOne() {
    // TXT-7, TXT-8
    assertThat(MtaStsRecord.select(List.of("v=spf1 -all", "v=STSv1; id=1", "google-site-verification=x")))
        .isEqualTo(new TxtRecordSelection.Found<>(MtaStsRecord.of("1"), "v=STSv1; id=1", List.of()));
    assertThat(MtaStsRecord.select(List.of("v=spf1 -all", "v=STSv1 id=1", "v=STSv1")))
        .isEqualTo(new TxtRecordSelection.NoRecord<MtaStsRecord>(List.of("v=spf1 -all", "v=STSv1 id=1", "v=STSv1")));
    assertThat(MtaStsRecord.select(List.of()))
        .isEqualTo(new TxtRecordSelection.NoRecord<MtaStsRecord>(List.of()));
    assertThat(MtaStsRecord.select(List.of("v=STSv1; id=1", "v=STSv1; id=2")))
        .isEqualTo(new TxtRecordSelection.MultipleRecords<MtaStsRecord>(List.of("v=STSv1; id=1", "v=STSv1; id=2")));
    assertThat(MtaStsRecord.select(List.of("v=STSv1; id=1", "v=STSv1; id=1")))
        .isInstanceOf(TxtRecordSelection.MultipleRecords.class);
    TxtRecordSelection<MtaStsRecord> invalid = MtaStsRecord.select(List.of("v=STSv1; id=not-valid", "v=spf1"));
    assertThat(invalid).isInstanceOf(TxtRecordSelection.InvalidRecord.class);
    TxtRecordSelection.InvalidRecord<MtaStsRecord> i = (TxtRecordSelection.InvalidRecord<MtaStsRecord>) invalid;
    assertThat(i.text()).isEqualTo("v=STSv1; id=not-valid");
    assertThat(i.problems()).extracting(ParseProblem::code).containsExactly(ProblemCode.STS_RECORD_INVALID_ID);
    // A valid record beside an invalid one that also begins with the tag: two candidates, none chosen.
    assertThat(MtaStsRecord.select(List.of("v=STSv1; id=1", "v=STSv1;")))
        .isInstanceOf(TxtRecordSelection.MultipleRecords.class);
  }

  @Test
  void joinedCharacterStringsParseAsOneRecord() {
    // TXT-9: the DNS layer joins strings with no added spaces; the parser sees one value.
    String joined = String.join("", List.of("v=STSv1; id=2024", "0101"));
    assertThat(MtaStsRecord.parse(joined).id()).isEqualTo("20240101");
  }

  @Test
  void unknownExtensionsAreAcceptedIgnoredAndKept() {
    // TXT-11, TXT-16
    MtaStsRecord r = MtaStsRecord.parse("v=STSv1; id=2026013101; mode=enforce; x.y-z_1=a:b/c");
    assertThat(r.extensions()).containsExactly(new ExtensionField("mode", "enforce"),
        new ExtensionField("x.y-z_1", "a:b/c"));
    assertThat(r.extension("mode")).contains("enforce");
    assertThat(r.toText()).isEqualTo("v=STSv1; id=2026013101; mode=enforce; x.y-z_1=a:b/c");
    assertThat(MtaStsRecord.parse(r.toText())).isEqualTo(r);
    assertThat(errors("v=STSv1; id=a; 1%=a")).containsExactly(ProblemCode.STS_RECORD_INVALID_FIELD_NAME);
    assertThat(errors("v=STSv1; id=a; " + "a".repeat(33) + "=1"))
        .containsExactly(ProblemCode.STS_RECORD_INVALID_FIELD_NAME);
    assertThat(errors("v=STSv1; id=a; test==")).containsExactly(ProblemCode.STS_RECORD_INVALID_EXTENSION_VALUE);
    assertThat(errors("v=STSv1; id=a; more=")).containsExactly(ProblemCode.STS_RECORD_INVALID_EXTENSION_VALUE);
  }

  @Test
  void theFirstOfARepeatedFieldWins() {
    // TXT-12
    ParseReport<MtaStsRecord> r = MtaStsRecord.lint("v=STSv1; id=first; id=second; x=1; x=2; v=STSv1");
    assertThat(r.value()).isEqualTo(new MtaStsRecord("first", List.of(new ExtensionField("x", "1"))));
    assertThat(r.warnings()).extracting(ParseProblem::code).containsOnly(ProblemCode.STS_RECORD_DUPLICATE_FIELD)
        .hasSize(3);
    assertThat(errors("v=STSv1; v=STSv1")).containsExactly(ProblemCode.STS_RECORD_MISSING_ID);
  }

  @Test
  void reportsEveryProblemWithItsColumn() {
    ParseReport<MtaStsRecord> r = MtaStsRecord.lint("v=STSv1; id=a-b;; x=1=2 ");
    assertThat(r.problems()).extracting(ParseProblem::code, ParseProblem::column).containsExactly(
        tuple(ProblemCode.STS_RECORD_INVALID_ID, 13), tuple(ProblemCode.STS_RECORD_EMPTY_FIELD, 17),
        tuple(ProblemCode.STS_RECORD_INVALID_EXTENSION_VALUE, 22),
        tuple(ProblemCode.STS_RECORD_TRAILING_WHITESPACE, 24));
    assertThatThrownBy(() -> MtaStsRecord.parse("v=STSv1; id=a-b"))
        .isInstanceOf(MtaStsParseException.class)
        .hasMessageContaining("Invalid _mta-sts TXT record (1 error)")
        .hasMessageContaining("column 13: error STS_RECORD_INVALID_ID (TXT-4)");
  }

  @Test
  void oversizedRecordsAreRejectedWithoutScanningThem() {
    assertThat(errors("v=STSv1; id=1; x=" + "a".repeat(70_000))).containsExactly(ProblemCode.STS_RECORD_TOO_LARGE);
  }

  @Test
  void theConstructorValidates() {
    assertThatIllegalArgumentException().isThrownBy(() -> MtaStsRecord.of("a-b")).withMessageContaining("TXT-4");
    assertThatIllegalArgumentException().isThrownBy(() -> new MtaStsRecord("a", List.of(new ExtensionField("id", "x"))));
    assertThatIllegalArgumentException().isThrownBy(() -> new MtaStsRecord("a", List.of(new ExtensionField("x", "a=b"))));
    assertThatIllegalArgumentException().isThrownBy(() -> new MtaStsRecord("a", List.of(new ExtensionField("x", "a b"))));
    assertThat(MtaStsRecord.isValidId("abcXYZ019")).isTrue();
    assertThat(MtaStsRecord.isValidId("")).isFalse();
  }
}
