package dev.mtasts.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The DNS-ID matching rule of {@link CertificateNames}, name against name. */
class CertificateNameMatchingTest {
  private static final String HOST = "mta-sts.example.com";

  @Test
  void exactDnsIdMatches() {
    // FET-2: valid for the DNS-ID mta-sts.<domain>
    assertThat(CertificateNames.nameMatches("mta-sts.example.com", HOST)).isTrue();
    assertThat(CertificateNames.nameMatches("example.com", HOST)).isFalse();
    assertThat(CertificateNames.nameMatches("mta-sts.example.org", HOST)).isFalse();
    assertThat(CertificateNames.nameMatches("xmta-sts.example.com", HOST)).isFalse();
  }

  @Test
  void comparisonIsAsciiCaseInsensitive() {
    // FET-3: RFC 6125 §6.4.1, case-insensitive ASCII comparison
    assertThat(CertificateNames.nameMatches("MTA-STS.Example.COM", HOST)).isTrue();
    assertThat(CertificateNames.nameMatches("mta-sts.example.com", "MTA-STS.EXAMPLE.COM")).isTrue();
    assertThat(CertificateNames.nameMatches("*.EXAMPLE.com", HOST)).isTrue();
    // U+0131 DOTLESS I folds to 'I' under String.equalsIgnoreCase, never under ASCII folding.
    assertThat(CertificateNames.nameMatches("mail.example.com", "ma\u0131l.example.com")).isFalse();
  }

  @Test
  void wildcardAsTheWholeLeftMostLabelMatchesExactlyOneLabel() {
    // FET-3
    assertThat(CertificateNames.nameMatches("*.example.com", HOST)).isTrue();
    assertThat(CertificateNames.nameMatches("*.example.com", "example.com")).isFalse();
    assertThat(CertificateNames.nameMatches("*.example.com", "a.mta-sts.example.com")).isFalse();
    assertThat(CertificateNames.nameMatches("*.com", HOST)).isFalse();
    assertThat(CertificateNames.nameMatches("*.mta-sts.example.com", HOST)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "m*.example.com", "*ta-sts.example.com", "mta-sts*.example.com", "mta-*.example.com",
      "*.*.com", "mta-sts.*.com", "*", "*.", "**.example.com", "*example.com"})
  void wildcardsAnywhereButTheWholeLeftMostLabelMatchNothing(String presented) {
    // FET-3: "*.example.com" only, never "m*.example.com"
    assertThat(CertificateNames.nameMatches(presented, HOST)).as(presented).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", " mta-sts.example.com", "mta-sts.example.com ", "mta-sts.example.com.",
      "mta-sts..example.com", ".mta-sts.example.com", "mta_sts.example.com",
      "mta-sts.bücher.example", "mta-sts.example.com\u0000", "192.0.2.1"})
  void malformedPresentedIdentifiersMatchNothing(String presented) {
    assertThat(CertificateNames.nameMatches(presented, HOST)).as(presented).isFalse();
    assertThat(CertificateNames.nameMatches(presented, presented)).as(presented).isFalse();
  }

  @Test
  void uLabelPresentedIdentifierDoesNotMatchItsALabel() {
    // RFC 6125 §6.4.2: presented identifiers are compared in A-label form; a certificate that
    // carries a U-label is malformed and is not normalized on its behalf.
    assertThat(CertificateNames.nameMatches("mta-sts.bücher.example", "mta-sts.xn--bcher-kva.example"))
        .isFalse();
    assertThat(CertificateNames.nameMatches("mta-sts.xn--bcher-kva.example", "mta-sts.xn--bcher-kva.example"))
        .isTrue();
    assertThat(CertificateNames.nameMatches("*.xn--bcher-kva.example", "mta-sts.xn--bcher-kva.example"))
        .isTrue();
  }

  @Test
  void oneTrailingRootDotOnTheReferenceNameIsIgnored() {
    assertThat(CertificateNames.nameMatches("mta-sts.example.com", "mta-sts.example.com.")).isTrue();
    assertThat(CertificateNames.nameMatches("*.example.com", "mta-sts.example.com.")).isTrue();
    assertThat(CertificateNames.nameMatches("mta-sts.example.com", "mta-sts.example.com..")).isFalse();
  }

  @CsvSource({
      "mta-sts.example.com, true",
      "other.example.com, false"})
  @ParameterizedTest
  void anyMatchingIdentifierInTheListIsEnough(String second, boolean expected) {
    List<String> ids = List.of("www.example.net", "m*.example.com", second);
    assertThat(matchesAny(ids, HOST)).isEqualTo(expected);
    assertThat(matchesAny(List.of(), HOST)).isFalse();
  }

  private static boolean matchesAny(List<String> presented, String host) {
    return presented.stream().anyMatch(p -> CertificateNames.nameMatches(p, host));
  }
}
