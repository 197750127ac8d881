package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MxPatternTest {

  @Test
  void literalMatchesTheMxTargetNameItself() {
    // MXM-2: the name compared is the MX record's target.
    MxPattern p = MxPattern.of("mail.example.com");
    assertThat(p.matches("mail.example.com")).isTrue();
    assertThat(p.matches("mail2.example.com")).isFalse();
    assertThat(p.matches("example.com")).isFalse();
    assertThat(p.matches("x.mail.example.com")).isFalse();
    assertThat(p.isWildcard()).isFalse();
    assertThat(p.domain()).isEqualTo("mail.example.com");
  }

  @Test
  void literalComparisonIsAsciiCaseInsensitive() {
    // MXM-3
    MxPattern p = MxPattern.of("mail.example.com");
    assertThat(p.matches("MAIL.Example.COM")).isTrue();
    assertThat(MxPattern.of("MAIL.EXAMPLE.COM").matches("mail.example.com")).isTrue();
  }

  @Test
  void caseFoldingIsAsciiOnlySoADotlessIIsNotAnI() {
    // MXM-3: String.equalsIgnoreCase would equate U+0131 DOTLESS I with 'i'; A-labels differ.
    assertThat("ma\u0131l.example.com".equalsIgnoreCase("mail.example.com")).isTrue();
    assertThat(MxPattern.of("mail.example.com").matches("ma\u0131l.example.com")).isFalse();
  }

  @Test
  void wildcardMatchesExactlyOneLabel() {
    // MXM-4
    MxPattern p = MxPattern.of("*.example.com");
    assertThat(p.isWildcard()).isTrue();
    assertThat(p.domain()).isEqualTo("example.com");
    assertThat(p.matches("a.example.com")).isTrue();
    assertThat(p.matches("MX1.EXAMPLE.COM")).isTrue();
    assertThat(p.matches("example.com")).isFalse();
    assertThat(p.matches(".example.com")).isFalse();
    assertThat(p.matches("a.b.example.com")).isFalse();
    assertThat(p.matches("aexample.com")).isFalse();
    assertThat(p.matches("a.example.org")).isFalse();
    assertThat(p.matches("a.xexample.com")).isFalse();
  }

  @Test
  void oneTrailingRootDotOnTheHostIsIgnored() {
    // MXM-5
    assertThat(MxPattern.of("mail.example.com").matches("mail.example.com.")).isTrue();
    assertThat(MxPattern.of("*.example.com").matches("a.example.com.")).isTrue();
    assertThat(MxPattern.of("mail.example.com").matches("mail.example.com..")).isFalse();
    assertThat(MxPattern.of("*.example.com").matches("example.com.")).isFalse();
  }

  @Test
  void hostsWithULabelsAreComparedInALabelForm() {
    // MXM-3: RFC 6125 §6.4.2 compares A-labels.
    assertThat(MxPattern.of("mx.xn--bcher-kva.example").matches("mx.bücher.example")).isTrue();
    assertThat(MxPattern.of("*.xn--bcher-kva.example").matches("mx.bücher.example")).isTrue();
    assertThat(MxPattern.of("*.example.com").matches("bücher.example.com")).isTrue();
    assertThat(MxPattern.of("*.example.com").matches("a\u3002b.example.com"))
        .as("an ideographic full stop is a label separator in IDNA").isFalse();
  }

  @Test
  void ofConvertsULabelsToLowerCaseALabels() {
    assertThat(MxPattern.of("MX.Bücher.Example").toString()).isEqualTo("mx.xn--bcher-kva.example");
    assertThat(MxPattern.of("*.Bücher.example").toString()).isEqualTo("*.xn--bcher-kva.example");
  }

  @Test
  void ofRemovesOneTrailingRootDot() {
    assertThat(MxPattern.of("mail.example.com.")).isEqualTo(MxPattern.of("mail.example.com"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.0.2.1", "[192.0.2.1]", "2001:db8::1", "[IPv6:2001:db8::1]"})
  void ofRejectsIpAddresses(String input) {
    assertThatIllegalArgumentException().isThrownBy(() -> MxPattern.of(input))
        .withMessageContaining("MX patterns are host names");
  }

  @ParameterizedTest
  @ValueSource(strings = {"m*.example.com", "*mail.example.com", "mail.*.example.com", "*.*.example.com",
      "**.example.com"})
  void ofRejectsPartialAndInnerWildcards(String input) {
    assertThatIllegalArgumentException().isThrownBy(() -> MxPattern.of(input))
        .withMessageContaining("'*'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "*.", "mail..example.com", "-mail.example.com", "mail-.example.com",
      "mail_x.example.com", "mail example.com", ".example.com"})
  void ofRejectsInvalidHostNames(String input) {
    assertThatIllegalArgumentException().isThrownBy(() -> MxPattern.of(input));
  }

  @Test
  void ofRejectsLabelsAndNamesOverTheDnsLimits() {
    String label63 = "a".repeat(63);
    assertThat(MxPattern.of(label63 + ".example").toString()).startsWith(label63);
    assertThatIllegalArgumentException().isThrownBy(() -> MxPattern.of("a" + label63 + ".example"))
        .withMessageContaining("63");
    String name = (label63 + ".").repeat(4) + "com";
    assertThatIllegalArgumentException().isThrownBy(() -> MxPattern.of(name)).withMessageContaining("253");
  }

  @Test
  void toStringRoundTripsAndEqualityFollowsTheNormalizedText() {
    for (String s : new String[] {"mail.example.com", "*.example.com", "xn--bcher-kva.example"}) {
      MxPattern p = MxPattern.of(s);
      assertThat(MxPattern.of(p.toString())).isEqualTo(p).hasSameHashCodeAs(p);
    }
    assertThat(MxPattern.of("A.example.com")).isEqualTo(MxPattern.of("a.EXAMPLE.com"));
    assertThat(MxPattern.of("*.example.com")).isNotEqualTo(MxPattern.of("example.com"));
  }

  @Test
  void aPatternParsedFromABodyIsAViewOnItThatBehavesLikeACopy() {
    // SEC-44: the patterns of a parsed body share its characters; nothing else may differ.
    String body = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.backup.example.com\n"
        + "mx: MX3.Example.com\nmax_age: 86400\n";
    MtaStsPolicy policy = MtaStsPolicy.parseLenient(body).policy();
    MxPattern literal = policy.mx().get(0);
    MxPattern wildcard = policy.mx().get(1);
    MxPattern upper = policy.mx().get(2);
    assertThat(literal).isEqualTo(MxPattern.of("mail.example.com")).hasSameHashCodeAs(MxPattern.of("mail.example.com"))
        .hasToString("mail.example.com");
    assertThat(wildcard).isEqualTo(MxPattern.of("*.backup.example.com"))
        .hasSameHashCodeAs("*.backup.example.com").hasToString("*.backup.example.com");
    assertThat(upper).isEqualTo(MxPattern.of("mx3.example.com")).hasToString("mx3.example.com");
    assertThat(literal.domain()).isEqualTo("mail.example.com");
    assertThat(wildcard.domain()).isEqualTo("backup.example.com");
    assertThat(wildcard.isWildcard()).isTrue();
    assertThat(literal.matches("MAIL.example.com.")).isTrue();
    assertThat(literal.matches("mail.example.co")).isFalse();
    assertThat(wildcard.matches("a.backup.example.com")).isTrue();
    assertThat(wildcard.matches("backup.example.com")).isFalse();
    assertThat(wildcard.matches("a.b.backup.example.com")).isFalse();
    assertThat(literal).isNotEqualTo(wildcard);
    // The same pattern parsed from bytes, from another body, is equal too.
    MtaStsPolicy again = MtaStsPolicy.parse(("version: STSv1\nmode: testing\nmx: *.backup.example.com\n"
        + "max_age: 1\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(again.mx().get(0)).isEqualTo(wildcard).hasSameHashCodeAs(wildcard);
    assertThat(policy.toText()).contains("mx: mail.example.com", "mx: *.backup.example.com");
  }
}
