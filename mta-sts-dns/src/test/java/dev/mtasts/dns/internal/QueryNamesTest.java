package dev.mtasts.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;

class QueryNamesTest {

  @ParameterizedTest
  @CsvSource({
      "example.com, example.com.",
      "example.com., example.com.",
      "Example.COM, example.com.",
      "_mta-sts.example.com, _mta-sts.example.com.",
      "_smtp._tls.example.com, _smtp._tls.example.com.",
      "bücher.example, xn--bcher-kva.example.",
      "_mta-sts.ÉCOLE.example, _mta-sts.xn--cole-9oa.example.",
      "例え.テスト, xn--r8jz45g.xn--zckzah.",
      "localhost, localhost."})
  void namesBecomeAbsoluteLowerCaseALabels(String input, String expected) {
    Name name = QueryNames.toAbsolute(input);

    assertThat(name.isAbsolute()).isTrue();
    assertThat(name.toString()).isEqualTo(expected);
  }

  @Test
  void refusalsSayWhatIsWrong() {
    assertThatThrownBy(() -> QueryNames.toAbsolute("a..b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty label");
    assertThatThrownBy(() -> QueryNames.toAbsolute("a b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0020");
    assertThatThrownBy(() -> QueryNames.toAbsolute("x".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("63");
  }

  @Test
  void deviationCharactersAreRefusedNeverMappedToAnotherDomain() {
    // SEC-31: IDNA 2003 would query _mta-sts.fass.example, another domain's record.
    assertThatThrownBy(() -> QueryNames.toAbsolute("_mta-sts.faß.example"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("xn--fa-hia.example");
    assertThat(QueryNames.toAbsolute("_mta-sts.xn--fa-hia.example").toString()).isEqualTo("_mta-sts.xn--fa-hia.example.");
  }

  @Test
  void textFormIsLowerCaseWithoutTheRootDot() throws Exception {
    assertThat(QueryNames.toText(Name.fromString("MX1.Example.COM."))).isEqualTo("mx1.example.com");
    assertThat(QueryNames.toText(Name.root)).isEmpty();
    assertThat(QueryNames.toText(new Name(new byte[] {3, 'a', ' ', 'b', 0}))).isEqualTo("a\\032b");
  }
}
