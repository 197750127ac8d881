package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.tls.CertificateNames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SEC-31: a domain name given with U-labels is never mapped to a different domain. The JDK's IDNA
 * 2003 maps {@code faß.example} to {@code fass.example} and drops ZWJ/ZWNJ; every entry point
 * (PolicyDomain, MxPattern, certificate host matching, the parser's suggestions) refuses the
 * deviation characters instead and accepts the exact A-label.
 */
class IdnaDeviationTest {

  @Test
  @DisplayName("SEC-31: faß.example is refused with the A-label to use, never read as fass.example")
  void anEszettIsRefusedWithTheALabelToUse() {
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of("faß.example"))
        .withMessage("'faß.example' contains ß (U+00DF), which IDNA 2003 and 2008 map to different domains;"
            + " give the A-label (xn--fa-hia.example) instead");
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.ofRecipient("user@Faß.example"))
        .withMessageContaining("give the A-label (xn--fa-hia.example) instead");
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of("σς.example"))
        .withMessageContaining("ς (U+03C2)").withMessageContaining("(xn--3xab.example)");
  }

  @Test
  @DisplayName("SEC-31: the A-label of faß.example is that domain, not fass.example")
  void theALabelIsAcceptedUnchanged() {
    PolicyDomain d = PolicyDomain.of("xn--fa-hia.example");
    assertThat(d.name()).isEqualTo("xn--fa-hia.example");
    assertThat(d).isNotEqualTo(PolicyDomain.of("fass.example"));
    assertThat(PolicyDomain.of("XN--FA-HIA.Example.").name()).isEqualTo("xn--fa-hia.example");
    assertThat(MxPattern.of("mx.xn--fa-hia.example").matches("mx.fass.example")).isFalse();
    assertThat(MxPattern.of("mx.fass.example").matches("mx.faß.example")).as("never mapped to fass").isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\u200db.example", "a\u200cb.example"})
  @DisplayName("SEC-31: zero-width joiners are refused, not silently dropped")
  void zeroWidthJoinersAreRefused(String name) {
    String aLabel = name.contains("\u200d") ? "xn--ab-m1t.example" : "xn--ab-j1t.example";
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of(name))
        .withMessageContaining("zero width").withMessageContaining("give the A-label (" + aLabel + ")");
    assertThatIllegalArgumentException().isThrownBy(() -> MxPattern.of("mx." + name));
    assertThat(PolicyDomain.of(aLabel).name()).isEqualTo(aLabel).isNotEqualTo("ab.example");
  }

  @Test
  @DisplayName("SEC-31: U-labels without deviation characters still convert")
  void otherULabelsStillWork() {
    assertThat(PolicyDomain.of("bücher.example").name()).isEqualTo("xn--bcher-kva.example");
    assertThat(PolicyDomain.of("Bücher.Example").name()).isEqualTo("xn--bcher-kva.example");
    assertThat(MxPattern.of("mx.bücher.example").matches("MX.xn--bcher-kva.example")).isTrue();
    assertThat(PolicyDomain.of("xn--bcher-kva.example").name()).isEqualTo("xn--bcher-kva.example");
  }

  @ParameterizedTest
  @ValueSource(strings = {"xn--a.example", "xn--abc-.example", "xn--.example", "xn--zz99999999.example"})
  @DisplayName("SEC-31: an A-label whose Punycode does not round-trip is refused")
  void invalidALabelsAreRefused(String name) {
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of(name))
        .withMessageContaining("is not a valid A-label");
  }

  @Test
  @DisplayName("SEC-31: certificate host matching never maps a host to a different domain")
  void certificateHostMatchingRefusesDeviationCharacters() {
    assertThat(CertificateNames.nameMatches("mx.fass.example", "mx.faß.example")).isFalse();
    assertThat(CertificateNames.nameMatches("mx.xn--fa-hia.example", "mx.xn--fa-hia.example")).isTrue();
    assertThat(CertificateNames.nameMatches("mx.fass.example", "mx.xn--fa-hia.example")).isFalse();
  }

  @Test
  @DisplayName("SEC-31: the parser's A-label suggestion for an mx value is the nontransitional one")
  void theParserSuggestsTheNontransitionalALabel() {
    assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.faß.example\nmax_age: 86400\n"))
        .isInstanceOfSatisfying(MtaStsParseException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p.toString()).contains("mx.xn--fa-hia.example")));
  }
}
