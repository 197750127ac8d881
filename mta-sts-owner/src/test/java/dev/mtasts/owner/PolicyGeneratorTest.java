package dev.mtasts.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.MtaStsMode;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.Severity;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.testing.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PolicyGeneratorTest {

  static PolicyGenerator.Builder base() {
    return PolicyGenerator.builder().domain("example.com").mode(MtaStsMode.TESTING).addMx("mx1.example.com")
        .addMx("*.mail.example.net").maxAge(Duration.ofDays(7));
  }

  @Test
  void generatesThePolicyFileTheRecordsAndTheUrl() {
    GeneratedPolicy g = base().addRua("mailto:tlsrpt@example.com").build().generate();
    assertThat(g.policyText()).isEqualTo("version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\n"
        + "mx: *.mail.example.net\r\nmax_age: 604800\r\n");
    assertThat(MtaStsPolicy.parse(g.policyText())).isEqualTo(g.policy());
    assertThat(g.policyUrl()).isEqualTo(URI.create("https://mta-sts.example.com/.well-known/mta-sts.txt"));
    assertThat(MtaStsRecord.parse(g.stsRecord().toText())).isEqualTo(g.stsRecord());
    assertThat(g.tlsRptRecord()).isEqualTo(TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.com"));
    assertThat(g.zoneLines()).contains(
        "_mta-sts.example.com. 3600 IN TXT \"v=STSv1; id=" + g.stsRecord().id() + "\"",
        "_smtp._tls.example.com. 3600 IN TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\"");
  }

  @Test
  void theContentIdChangesExactlyWhenThePolicyDoes() {
    String a = base().build().generate().stsRecord().id();
    String again = base().build().generate().stsRecord().id();
    String other = PolicyGenerator.builder().domain("example.com").mode(MtaStsMode.ENFORCE).addMx("mx1.example.com")
        .addMx("*.mail.example.net").maxAge(Duration.ofDays(7)).build().generate().stsRecord().id();
    assertThat(a).isEqualTo(again).hasSize(32).matches("[0-9a-f]{32}").isNotEqualTo(other);
    assertThat(MtaStsRecord.isValidId(a)).isTrue();
    assertThat(PolicyIds.contentId(base().build().generate().policy())).isEqualTo(a);
  }

  @Test
  void timestampIdsUseTheInjectedClockInUtc() {
    ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T06:30:01Z"));
    GeneratedPolicy g = base().idStrategy(PolicyIdStrategy.TIMESTAMP).clock(clock).build().generate();
    assertThat(g.stsRecord().id()).isEqualTo("20261125063001");
  }

  @Test
  void inputsAreNormalizedAndValidatedWithClearErrors() {
    GeneratedPolicy g = PolicyGenerator.builder().domain("Bücher.example.").mode(MtaStsMode.TESTING)
        .addMx("MX.Bücher.Example.").maxAge(Duration.ofDays(7)).build().generate();
    assertThat(g.domain().name()).isEqualTo("xn--bcher-kva.example");
    assertThat(g.policy().mx()).map(Object::toString).containsExactly("mx.xn--bcher-kva.example");
    assertThatIllegalArgumentException().isThrownBy(() -> base().addMx("m*.example.com")).withMessageContaining("'*'");
    assertThatIllegalArgumentException().isThrownBy(() -> base().addRua("http://example.com/report"))
        .withMessageContaining("mailto: or https:");
    assertThatIllegalArgumentException().isThrownBy(() -> base().addRua("mailto:nobody"))
        .withMessageContaining("addr-spec");
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyGenerator.builder().domain("[192.0.2.1]"));
    assertThatIllegalStateException().isThrownBy(() -> PolicyGenerator.builder().build())
        .withMessageContaining("domain is not set").withMessageContaining("mode is not set")
        .withMessageContaining("max_age is not set");
    assertThatIllegalStateException().isThrownBy(() -> PolicyGenerator.builder().domain("example.com")
        .mode(MtaStsMode.ENFORCE).maxAge(Duration.ofDays(7)).build()).withMessageContaining("at least one mx");
  }

  @Test
  void adviceCoversModeMaxAgeWildcardsAndReporting() {
    // MXM-12, SEC-6: broad wildcards are warned about (an error for a wildcard over a public suffix).
    GeneratedPolicy enforceShort = PolicyGenerator.builder().domain("example.com").mode(MtaStsMode.ENFORCE)
        .addMx("*.example.com").addMx("*.com").maxAge(Duration.ofDays(1)).build().generate();
    assertThat(enforceShort.advice()).extracting(Finding::code).containsExactlyInAnyOrder(
        FindingCode.START_IN_TESTING, FindingCode.MAX_AGE_SHORT, FindingCode.BROAD_WILDCARD,
        FindingCode.BROAD_WILDCARD, FindingCode.PUBLISH_TLSRPT);
    assertThat(enforceShort.advice()).filteredOn(f -> f.code() == FindingCode.BROAD_WILDCARD)
        .extracting(Finding::severity).containsExactlyInAnyOrder(Severity.WARNING, Severity.ERROR);
    GeneratedPolicy testing = base().addRua("https://tlsrpt.example.com/v1").build().generate();
    assertThat(testing.advice()).extracting(Finding::code).containsExactly(FindingCode.MODE_TESTING);
  }

  @Test
  @org.junit.jupiter.api.DisplayName("POL-9, MXM-12: a policy linted without its domain gets the mode, max_age and TLD-wildcard advice")
  void adviceWithoutADomainJudgesOnlyWildcardsOverATopLevelDomain() {
    MtaStsPolicy shortEnforce = MtaStsPolicy.builder().mode(MtaStsMode.ENFORCE).addMx("*.example.com").addMx("*.com")
        .maxAge(Duration.ofDays(1)).build();
    assertThat(PolicyGenerator.advise(shortEnforce, null)).extracting(Finding::code, Finding::severity).containsExactly(
        org.assertj.core.groups.Tuple.tuple(FindingCode.MAX_AGE_SHORT, Severity.WARNING),
        org.assertj.core.groups.Tuple.tuple(FindingCode.BROAD_WILDCARD, Severity.ERROR));
    assertThat(PolicyGenerator.advise(shortEnforce, null).get(0).message())
        .contains("86400 seconds (1 day)").doesNotContain("PT");
    assertThat(PolicyGenerator.advise(shortEnforce, dev.mtasts.core.PolicyDomain.of("example.com")))
        .extracting(Finding::code).containsExactly(FindingCode.MAX_AGE_SHORT, FindingCode.BROAD_WILDCARD,
            FindingCode.BROAD_WILDCARD);
    assertThatIllegalArgumentException().isThrownBy(() -> base().ttl(Duration.ofSeconds(-90)))
        .withMessage("ttl must be positive, not minus 90 seconds (1.5 minutes)");
  }

  @Test
  void theChecklistPublishesThePolicyBeforeTheTxtRecord() {
    // CAC-13: update the HTTPS policy before the TXT id.
    GeneratedPolicy g = base().addRua("mailto:r@example.com").build().generate();
    int serve = indexOf(g, "Serve the policy file");
    int txt = indexOf(g, "Publish the _mta-sts TXT record last");
    assertThat(serve).isNotNegative().isLessThan(txt);
    assertThat(indexOf(g, "Publish the _smtp._tls TXT record")).isLessThan(txt);
  }

  private static int indexOf(GeneratedPolicy g, String prefix) {
    for (int i = 0; i < g.checklist().size(); i++) {
      if (g.checklist().get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void zoneTextQuotesEscapesAndSplitsLongStrings() {
    assertThat(ZoneText.txtRdata("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
    assertThat(ZoneText.txtRdata("")).isEqualTo("\"\"");
    String longValue = "v=TLSRPTv1; rua=" + "mailto:" + "x".repeat(300) + "@example.com";
    String rdata = ZoneText.txtRdata(longValue);
    assertThat(rdata).startsWith("\"v=TLSRPTv1; rua=mailto:").contains("\" \"");
    String[] pieces = rdata.substring(1, rdata.length() - 1).split("\" \"");
    assertThat(pieces).hasSize(2);
    assertThat(pieces[0]).hasSize(255);
    assertThat(String.join("", pieces)).isEqualTo(longValue);
    assertThat(ZoneText.txtRdata("caf\u00e9")).isEqualTo("\"caf\\195\\169\"");
  }
}
