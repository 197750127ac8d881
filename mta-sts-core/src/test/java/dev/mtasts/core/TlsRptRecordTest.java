package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsRptRecordTest {

  static List<ProblemCode> errors(String text) {
    return TlsRptRecord.lint(text).errors().stream().map(ParseProblem::code).toList();
  }

  @Test
  void parsesAValidRecord() {
    TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/v1");
    assertThat(r.rua()).containsExactly(URI.create("mailto:tlsrpt@example.com"), URI.create("https://r.example.com/v1"));
    assertThat(r.reportUris()).isEqualTo(r.rua());
    assertThat(r.toText()).isEqualTo("v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/v1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"v=tlsrptv1; rua=mailto:a@b.example", "v=TLSRPTv2; rua=mailto:a@b.example",
      "rua=mailto:a@b.example; v=TLSRPTv1", "v=STSv1; rua=mailto:a@b.example"})
  void versionComesFirstAndIsCaseSensitive(String text) {
    // RPT-2
    assertThat(errors(text)).containsExactly(ProblemCode.TLSRPT_RECORD_BAD_VERSION);
  }

  @Test
  void selectionIgnoresOtherRecordsAndNeedsExactlyOne() {
    // RPT-3
    assertThat(TlsRptRecord.select(List.of("v=spf1 -all", "v=TLSRPTv1; rua=mailto:a@b.example")))
        .isInstanceOf(TxtRecordSelection.Found.class);
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:a@b.example", "v=TLSRPTv1;rua=mailto:c@d.example")))
        .isInstanceOf(TxtRecordSelection.MultipleRecords.class);
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1 rua=mailto:a@b.example")))
        .isInstanceOf(TxtRecordSelection.NoRecord.class);
    assertThat(TlsRptRecord.select(List.of("v=TLSRPTv1; rua=mailto:")))
        .isInstanceOf(TxtRecordSelection.InvalidRecord.class);
    // Strings of one RR are joined with no spaces before parsing.
    assertThat(TlsRptRecord.parse(String.join("", "v=TLSRPTv1; rua=mai", "lto:a@b.example")).rua())
        .containsExactly(URI.create("mailto:a@b.example"));
  }

  @Test
  void ruaIsRequiredAndHoldsCommaSeparatedUris() {
    // RPT-4
    assertThat(errors("v=TLSRPTv1; ext=1")).containsExactly(ProblemCode.TLSRPT_RECORD_MISSING_RUA);
    assertThat(errors("v=TLSRPTv1;")).containsExactly(ProblemCode.TLSRPT_RECORD_NO_FIELDS);
    assertThat(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a@b.example , \t https://c.example/x ;").rua())
        .containsExactly(URI.create("mailto:a@b.example"), URI.create("https://c.example/x"));
    assertThat(errors("v=TLSRPTv1; rua=mailto:a@b.example , https://c.example/x "))
        .containsExactly(ProblemCode.TLSRPT_RECORD_TRAILING_WHITESPACE);
    assertThat(errors("v=TLSRPTv1; rua=,, ,")).containsOnly(ProblemCode.TLSRPT_RECORD_EMPTY_URI);
    assertThat(errors("v=TLSRPTv1; rua=mailto:a@b.example,")).containsExactly(ProblemCode.TLSRPT_RECORD_EMPTY_URI);
    assertThat(errors("v=TLSRPTv1; rua=")).containsExactly(ProblemCode.TLSRPT_RECORD_EMPTY_URI);
  }

  @ParameterizedTest
  @ValueSource(strings = {"noscheme", "mailto:", "mailto:tlsrpt.example.com", "http://bad/%", "http://bad/%zz",
      "mailto:x@x.example other", "mailto:a@b.example!x", "https://", "https:///path", "1http://x", "mailto:@b.example",
      "mailto:a@"})
  void everyUriIsValidated(String uri) {
    // RPT-4: RFC 3986 syntax; ',' '!' ';' must be percent-encoded; mailto needs an addr-spec.
    assertThat(errors("v=TLSRPTv1; rua=" + uri)).as(uri).containsExactly(ProblemCode.TLSRPT_RECORD_INVALID_URI);
  }

  @Test
  void percentEncodedSpecialCharactersAreAccepted() {
    // RPT-4
    TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:a%21b@example.com,https://r.example/a%2Cb%3Bc");
    assertThat(r.rua()).hasSize(2);
  }

  @Test
  void otherSchemesAreValidButIgnoredForDelivery() {
    // RPT-4
    ParseReport<TlsRptRecord> r = TlsRptRecord.lint("v=TLSRPTv1; rua=mailto:a@b.example,http://r.example/x");
    assertThat(r.isValid()).isTrue();
    assertThat(r.warnings()).extracting(ParseProblem::code)
        .containsExactly(ProblemCode.TLSRPT_RECORD_UNSUPPORTED_SCHEME);
    assertThat(r.value().rua()).hasSize(2);
    assertThat(r.value().reportUris()).containsExactly(URI.create("mailto:a@b.example"));
  }

  @Test
  void repeatedRuaFieldsAreCollected() {
    // RPT-5/RPT-6: several URIs may all be delivered to; repeats are collected in order.
    ParseReport<TlsRptRecord> r = TlsRptRecord.lint("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com");
    assertThat(r.value().rua()).containsExactly(URI.create("mailto:a@example.com"), URI.create("mailto:b@example.com"));
    assertThat(r.warnings()).extracting(ParseProblem::code).containsExactly(ProblemCode.TLSRPT_RECORD_DUPLICATE_RUA);
  }

  @Test
  void unknownFieldsAreAcceptedAndKept() {
    // RPT-6
    TlsRptRecord r = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:x@mox.example; more=a; ext=2");
    assertThat(r.extensions()).containsExactly(new ExtensionField("more", "a"), new ExtensionField("ext", "2"));
    assertThat(TlsRptRecord.parse(r.toText())).isEqualTo(r);
    assertThat(errors("v=TLSRPTv1; rua=mailto:x@x.example; test==")).containsExactly(
        ProblemCode.TLSRPT_RECORD_INVALID_EXTENSION_VALUE);
    assertThat(errors("v=TLSRPTv1; rua=mailto:x@x.example;; ")).containsExactly(ProblemCode.TLSRPT_RECORD_EMPTY_FIELD);
    assertThat(errors("v=TLSRPTv1; bad")).containsExactly(ProblemCode.TLSRPT_RECORD_NOT_KEY_VALUE,
        ProblemCode.TLSRPT_RECORD_MISSING_RUA);
  }

  @Test
  void theConstructorValidates() {
    assertThatIllegalArgumentException().isThrownBy(() -> TlsRptRecord.of(List.of()));
    assertThatIllegalArgumentException().isThrownBy(() -> TlsRptRecord.of(List.of(URI.create("mailto:nobody"))))
        .withMessageContaining("addr-spec");
    assertThatIllegalArgumentException().isThrownBy(() -> TlsRptRecord.of(List.of(URI.create("https://a.example/!"))))
        .withMessageContaining("percent-encoded");
    assertThat(TlsRptRecord.of(List.of(URI.create("https://a.example/r"))).toText())
        .isEqualTo("v=TLSRPTv1; rua=https://a.example/r");
  }
}
