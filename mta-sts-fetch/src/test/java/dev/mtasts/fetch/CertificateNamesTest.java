package dev.mtasts.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.DnsIdMatcher;
import dev.mtasts.core.fetch.CertificateSummary;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link DnsIdMatcher} and {@link CertificateSummary} on real certificates from the test PKI. */
class CertificateNamesTest {
  private static TestPki pki;

  @BeforeAll
  static void setUp() {
    pki = TestPki.create("names test root");
  }

  @Test
  void dnsIdsAreTheDnsSubjectAlternativeNamesInOrderAndNeverTheCommonName() {
    // FET-3
    X509Certificate both = pki.issue(TestPki.CertSpec.dns("mta-sts.example.test", "*.example.test")).leaf();
    assertThat(DnsIdMatcher.dnsIds(both)).containsExactly("mta-sts.example.test", "*.example.test");

    X509Certificate cnOnly = pki.issue(TestPki.CertSpec.commonNameOnly("mta-sts.example.test")).leaf();
    assertThat(DnsIdMatcher.dnsIds(cnOnly)).isEmpty();
    assertThat(DnsIdMatcher.matches(cnOnly, "mta-sts.example.test")).isFalse();
    assertThat(DnsIdMatcher.dnsIds(pki.root())).isEmpty();
  }

  @Test
  void certificateMatchesByAnyDnsId() {
    X509Certificate c = pki.issue(TestPki.CertSpec.dns("www.example.test", "*.example.test")).leaf();
    assertThat(DnsIdMatcher.matches(c, "mta-sts.example.test")).isTrue();
    assertThat(DnsIdMatcher.matches(c, "mta-sts.example.org")).isFalse();
    assertThat(DnsIdMatcher.matches(c, "example.test")).isFalse();
  }

  @Test
  void summaryHoldsNamesValidityAndTheDerFingerprint() throws Exception {
    TestPki.Credential credential = pki.issue(TestPki.CertSpec.dns("mta-sts.example.test"));
    X509Certificate leaf = credential.leaf();

    CertificateSummary s = CertificateSummary.of(leaf);

    assertThat(s.subject()).isEqualTo("CN=mta-sts.example.test,O=mta-sts tests");
    assertThat(s.issuer()).isEqualTo("CN=names test root,O=mta-sts tests");
    assertThat(s.dnsNames()).containsExactly("mta-sts.example.test");
    assertThat(s.notBefore()).isEqualTo(leaf.getNotBefore().toInstant());
    assertThat(s.notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
    assertThat(s.sha256Fingerprint()).hasSize(64).isLowerCase()
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded())));
    assertThat(CertificateSummary.of(pki.issue(TestPki.CertSpec.dns("mta-sts.example.test")).leaf()))
        .isNotEqualTo(s);
  }
}
