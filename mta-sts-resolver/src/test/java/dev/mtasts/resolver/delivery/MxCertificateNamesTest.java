package dev.mtasts.resolver.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.testing.TestPki;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** {@link CertificateNames} on real certificates; the name rule itself is tested in core. */
class MxCertificateNamesTest {

  @Test
  void onlyDnsSubjectAlternativeNamesCount() {
    // FET-3, MXM-7: no CN fallback.
    TestPki pki = TestPki.create();
    X509Certificate cnOnly = pki.leaf().commonName("mx.example.test").issue().certificate();
    assertThat(CertificateNames.dnsNames(cnOnly)).isEmpty();
    assertThat(CertificateNames.matches(cnOnly, "mx.example.test")).isFalse();
    X509Certificate cert = pki.leaf().dnsNames("a.example.test", "*.mail.example.test").issue().certificate();
    assertThat(CertificateNames.dnsNames(cert)).containsExactly("a.example.test", "*.mail.example.test");
    assertThat(CertificateNames.matches(cert, "mx.mail.example.test")).isTrue();
    assertThat(CertificateNames.matches(cert, "MX.Mail.Example.Test.")).isTrue();
    assertThat(CertificateNames.matches(cert, "b.example.test")).isFalse();
    assertThat(CertificateSummary.of(cert).sha256Fingerprint()).hasSize(64);
    assertThat(CertificateSummary.of(cert).dnsNames()).containsExactly("a.example.test", "*.mail.example.test");
  }

  @Test
  void uLabelHostsAreComparedInALabelForm() {
    X509Certificate cert = TestPki.create().leaf().dnsNames("mx.xn--bcher-kva.example").issue().certificate();
    assertThat(CertificateNames.matches(cert, "mx.bücher.example")).isTrue();
  }
}
