package dev.mtasts.core.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.TestPki;
import org.junit.jupiter.api.Test;

class CertificateNamesTest {

  @Test
  void literalNamesMatchCaseInsensitivelyIgnoringOneTrailingDot() {
    // FET-3, MXM-7
    assertThat(CertificateNames.nameMatches("MX.Example.TEST", "mx.example.test.")).isTrue();
    assertThat(CertificateNames.nameMatches("mx.example.test", "mx2.example.test")).isFalse();
  }

  @Test
  void wildcardsMatchOneWholeLeftMostLabelOnly() {
    // FET-3, MXM-8
    assertThat(CertificateNames.nameMatches("*.example.test", "mx.example.test")).isTrue();
    assertThat(CertificateNames.nameMatches("*.example.test", "example.test")).isFalse();
    assertThat(CertificateNames.nameMatches("*.example.test", "a.b.example.test")).isFalse();
    assertThat(CertificateNames.nameMatches("m*.example.test", "mx.example.test")).isFalse();
    assertThat(CertificateNames.nameMatches("*x.example.test", "mx.example.test")).isFalse();
    assertThat(CertificateNames.nameMatches("mx.*.test", "mx.example.test")).isFalse();
    assertThat(CertificateNames.nameMatches("*", "mx")).isFalse();
    assertThat(CertificateNames.nameMatches("*.*.test", "a.b.test")).isFalse();
  }

  @Test
  void uLabelHostsAreComparedInALabelForm() {
    assertThat(CertificateNames.nameMatches("mx.xn--bcher-kva.example", "mx.bücher.example")).isTrue();
    assertThat(CertificateNames.nameMatches("mx.bücher.example", "mx.bücher.example"))
        .as("presented names must be A-labels").isFalse();
  }

  @Test
  void onlyDnsSubjectAlternativeNamesCount() {
    TestPki pki = TestPki.create();
    assertThat(CertificateNames.dnsNames(pki.leaf().commonName("mx.example.test").issue().certificate())).isEmpty();
    assertThat(CertificateNames.matches(pki.leaf().commonName("mx.example.test").issue().certificate(),
        "mx.example.test")).isFalse();
    var cert = pki.leaf().dnsNames("a.example.test", "*.mail.example.test").issue().certificate();
    assertThat(CertificateNames.dnsNames(cert)).containsExactly("a.example.test", "*.mail.example.test");
    assertThat(CertificateNames.matches(cert, "mx.mail.example.test")).isTrue();
    assertThat(CertificateNames.summarize(cert).sha256Fingerprint()).hasSize(64);
  }
}
