package dev.mtasts.fetch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypeTest {

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "TEXT/PLAIN", "Text/Plain", " text/plain ", "text/plain;",
      "text/plain; charset=utf-8", "text/plain;format=flowed;charset=us-ascii"})
  void textPlainIsRecognizedWhateverTheCaseAndParameters(String value) {
    // FET-9
    ContentType ct = ContentType.of(List.of(value));
    assertThat(ct.textPlain()).isTrue();
    assertThat(ct.problem()).isEmpty();
    assertThat(ct.raw()).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "text/plainx", "text/plain-ish", "text", "text/ plain",
      "application/json", "*/*", "", "text/pla\u0131n"})
  void anythingElseIsNotTextPlain(String value) {
    // FET-9; U+0131 would pass String.equalsIgnoreCase
    ContentType ct = ContentType.of(List.of(value));
    assertThat(ct.textPlain()).isFalse();
    assertThat(ct.problem()).contains("text/plain");
  }

  @Test
  void missingOrRepeatedFieldIsNotTextPlain() {
    assertThat(ContentType.of(List.of()).problem()).contains("no Content-Type");
    ContentType twice = ContentType.of(List.of("text/plain", "text/html"));
    assertThat(twice.textPlain()).isFalse();
    assertThat(twice.raw()).isEqualTo("text/plain, text/html");
    assertThat(twice.problem()).contains("2 Content-Type fields");
  }

  @CsvSource(delimiter = '|', value = {
      "text/plain                                   | | true",
      "text/plain; charset=utf-8                    | utf-8 | true",
      "text/plain; charset=UTF-8                    | UTF-8 | true",
      "text/plain;charset=\"utf-8\"                 | utf-8 | true",
      "text/plain; CHARSET=us-ascii                 | us-ascii | true",
      "text/plain; charset=ascii                    | ascii | true",
      "text/plain; format=fixed; charset=utf8       | utf8 | true",
      "text/plain; charset=iso-8859-1               | iso-8859-1 | false",
      "text/plain; charset=utf-16                   | utf-16 | false",
      "text/plain; charset=\"x-no-such\\\"charset\" | x-no-such\"charset | false",
      "text/plain; charset=                         | '' | false"})
  @ParameterizedTest
  void onlyUtf8AndUsAsciiCharsetsAreAcceptable(String value, String charset, boolean acceptable) {
    // FET-9: the only parameters that matter
    ContentType ct = ContentType.of(List.of(value.strip()));
    assertThat(ct.charset()).isEqualTo(charset);
    assertThat(ct.charsetAcceptable()).isEqualTo(acceptable);
  }

  @Test
  void firstCharsetParameterWinsAndOthersAreIgnored() {
    ContentType ct = ContentType.of(List.of("text/plain; foo; bar=baz; charset=utf-8; charset=latin1"));
    assertThat(ct.textPlain()).isTrue();
    assertThat(ct.charset()).isEqualTo("utf-8");
  }
}
