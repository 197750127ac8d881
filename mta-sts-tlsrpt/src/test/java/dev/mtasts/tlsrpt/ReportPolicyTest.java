package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPolicyTest {

  @Test
  void policyStringsAreTheBodyLinesWithCrStripped() {
    // h4: split on LF, strip a trailing CR; lines the parser skipped are kept ("including any errors").
    assertThat(ReportPolicy.policyLines("version: STSv1\r\nmode: testing\nbogus line\r\nmax_age: 1"))
        .containsExactly("version: STSv1", "mode: testing", "bogus line", "max_age: 1");
    assertThat(ReportPolicy.policyLines("a\n\nb\n")).containsExactly("a", "", "b");
    assertThat(ReportPolicy.policyLines("")).isEmpty();
  }

  @Test
  void stsPolicyCarriesItsPatternsAsMxHosts() {
    String body = "version: STSv1\nmode: enforce\nmx: MX1.example.com\nmx: *.example.net\nmax_age: 86400\nx: y\n";
    MtaStsPolicy p = MtaStsPolicy.parseLenient(body).policy();
    ReportPolicy rp = ReportPolicy.sts(PolicyDomain.of("Bücher.example"), p, body);
    assertThat(rp.policyType()).isEqualTo(PolicyType.STS);
    assertThat(rp.policyDomain()).isEqualTo("xn--bcher-kva.example"); // RPT-10
    assertThat(rp.mxHosts()).containsExactly("mx1.example.com", "*.example.net"); // RPT-11
    assertThat(rp.policyStrings()).containsExactly("version: STSv1", "mode: enforce", "mx: MX1.example.com",
        "mx: *.example.net", "max_age: 86400", "x: y");
  }

  @Test
  void tlsaRecordsAreInPresentationFormat() {
    ReportPolicy rp = ReportPolicy.tlsa(PolicyDomain.of("mx.example"), List.of(" 3  1 1\t0aBc "));
    assertThat(rp.policyStrings()).containsExactly("3 1 1 0ABC");
    assertThatIllegalArgumentException().isThrownBy(
        () -> ReportPolicy.tlsa(PolicyDomain.of("mx.example"), List.of("3 1 1")));
    assertThatIllegalArgumentException().isThrownBy(
        () -> ReportPolicy.tlsa(PolicyDomain.of("mx.example"), List.of("3 1 256 ab")));
    assertThatIllegalArgumentException().isThrownBy(
        () -> ReportPolicy.tlsa(PolicyDomain.of("mx.example"), List.of("3 1 1 ( ab )")));
  }

  @Test
  void equalPoliciesAreOneRecorderKey() {
    assertThat(TestSupport.stsPolicy("example.com")).isEqualTo(TestSupport.stsPolicy("EXAMPLE.com"));
    assertThat(ReportPolicy.noPolicyFound(PolicyDomain.of("example.com")))
        .isNotEqualTo(ReportPolicy.stsWithoutPolicy(PolicyDomain.of("example.com")));
  }
}
