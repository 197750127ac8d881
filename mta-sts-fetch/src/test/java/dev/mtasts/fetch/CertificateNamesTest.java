package dev.mtasts.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.CertificateSummary;
import dev.mtasts.core.tls.CertificateNames;
import dev.mtasts.testing.TestPki;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link CertificateNames} and {@link CertificateSummary} on real certificates from the test PKI. */
class CertificateNamesTest {
  private static TestPki pki;

  @BeforeAll
  static void setUp() {
    pki = TestPki.create("names test root");
  }

  @Test
  void dnsIdsAreTheDnsSubjectAlternativeNamesInOrderAndNeverTheCommonName() {
    // FET-3
    X509Certificate both = pki.leaf().dnsNames("mta-sts.example.test", "*.example.test").issue().certificate();
    assertThat(CertificateNames.dnsNames(both)).containsExactly("mta-sts.example.test", "*.example.test");

    X509Certificate cnOnly = pki.leaf().commonName("mta-sts.example.test").issue().certificate();
    assertThat(CertificateNames.dnsNames(cnOnly)).isEmpty();
    assertThat(CertificateNames.matches(cnOnly, "mta-sts.example.test")).isFalse();
    assertThat(CertificateNames.dnsNames(pki.caCertificate())).isEmpty();
  }

  @Test
  void certificateMatchesByAnyDnsId() {
    X509Certificate c = pki.leaf().dnsNames("www.example.test", "*.example.test").issue().certificate();
    assertThat(CertificateNames.matches(c, "mta-sts.example.test")).isTrue();
    assertThat(CertificateNames.matches(c, "mta-sts.example.org")).isFalse();
    assertThat(CertificateNames.matches(c, "example.test")).isFalse();
  }

  @Test
  void summaryHoldsNamesValidityAndTheDerFingerprint() throws Exception {
    TestPki.Issued credential = pki.leaf().dnsNames("mta-sts.example.test").issue();
    X509Certificate leaf = credential.certificate();

    CertificateSummary s = CertificateSummary.of(leaf);

    assertThat(s.subject()).isEqualTo("CN=mta-sts.example.test");
    assertThat(s.issuer()).isEqualTo("CN=names test root");
    assertThat(s.dnsNames()).containsExactly("mta-sts.example.test");
    assertThat(s.notBefore()).isEqualTo(leaf.getNotBefore().toInstant());
    assertThat(s.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
    assertThat(s.sha256Fingerprint()).hasSize(64).isLowerCase()
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())));
    assertThat(CertificateSummary.of(pki.leaf().dnsNames("mta-sts.example.test").issue().certificate()))
        .isNotEqualTo(s);
  }
}
