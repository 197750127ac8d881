package dev.mtasts.resolver.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.resolver.CacheState;
import dev.mtasts.resolver.NoPolicyReason;
import dev.mtasts.resolver.PolicyResolution;
import dev.mtasts.resolver.PolicySource;
import dev.mtasts.resolver.ResolutionTrace;
import dev.mtasts.resolver.TxtCheck;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryPlanTest {
  static final PolicyDomain DOMAIN = PolicyDomain.of("example.com");
  static final ResolutionTrace TRACE = new ResolutionTrace(TxtCheck.NOT_CHECKED, CacheState.VALID, null, "CAC-3", "test");
  static final List<MxRecord> MX = List.of(new MxRecord(20, "mx2.backup.example.com"),
      new MxRecord(10, "mx1.example.com"), new MxRecord(5, "rogue.attacker.example"),
      new MxRecord(10, "MX1b.Backup.Example.com"));

  static PolicyResolution.Active active(String mode) {
    String text = "version: STSv1\nmode: " + mode + "\nmx: mx1.example.com\nmx: *.backup.example.com\nmax_age: 86400\n";
    return new PolicyResolution.Active(DOMAIN, MtaStsPolicy.parse(text), "1", text, Instant.EPOCH,
        Instant.EPOCH.plusSeconds(86400), PolicySource.CACHED, TRACE);
  }

  @Test
  void enforceAllowsOnlyMatchingHostsInPreferenceOrderAndKeepsTheOthersAsNotAllowed() {
    // APP-1, APP-5, MXM-1
    DeliveryPlan plan = DeliveryPlan.of(active("enforce"), MX);
    assertThat(plan.isEnforced()).isTrue();
    assertThat(plan.candidates()).extracting(MxCandidate::host, MxCandidate::requirement, MxCandidate::policyMatch)
        .containsExactly(
            tuple("rogue.attacker.example", TlsRequirement.NOT_ALLOWED, false),
            tuple("mx1.example.com", TlsRequirement.STS_ENFORCE, true),
            tuple("MX1b.Backup.Example.com", TlsRequirement.STS_ENFORCE, true),
            tuple("mx2.backup.example.com", TlsRequirement.STS_ENFORCE, true));
    MxCandidate rogue = plan.candidates().get(0);
    assertThat(rogue.mayAttempt()).isFalse();
    assertThat(rogue.refusal()).isNotNull();
    assertThat(rogue.refusal().resultType()).isEqualTo(TlsRptResultType.VALIDATION_FAILURE);
    assertThat(rogue.refusal().reasonCode()).isEqualTo(DeliveryPlan.MX_MISMATCH_REASON);
    assertThat(plan.candidates().get(1).failuresAreFatal()).isTrue();
  }

  @Test
  void testingTriesEveryHostAndMarksTheMismatchForReporting() {
    // APP-2
    DeliveryPlan plan = DeliveryPlan.of(active("testing"), MX);
    assertThat(plan.isEnforced()).isFalse();
    assertThat(plan.candidates()).allSatisfy(c -> {
      assertThat(c.mayAttempt()).isTrue();
      assertThat(c.requirement()).isEqualTo(TlsRequirement.STS_TESTING);
      assertThat(c.failuresAreFatal()).isFalse();
      assertThat(c.stsChecksApply()).isTrue();
    });
    assertThat(plan.candidates().get(0).refusal()).isNotNull();
    assertThat(plan.candidates().get(1).refusal()).isNull();
  }

  @Test
  void withoutAPolicyEveryHostIsOpportunistic() {
    // APP-3
    PolicyResolution none = new PolicyResolution.NoPolicy(DOMAIN, NoPolicyReason.MODE_NONE, TRACE);
    DeliveryPlan plan = DeliveryPlan.of(none, MX);
    assertThat(plan.policy()).isEmpty();
    assertThat(plan.candidates()).extracting(MxCandidate::requirement).containsOnly(TlsRequirement.OPPORTUNISTIC);
    assertThat(plan.candidates()).allMatch(MxCandidate::mayAttempt);
  }

  @Test
  void aFailingDaneCheckIsNeverOverriddenAndUsableDaneGovernsTheHost() {
    // APP-6
    DaneCheck dane = mx -> switch (mx.host()) {
      case "mx1.example.com" -> DaneStatus.FAILED;
      case "mx2.backup.example.com" -> DaneStatus.USABLE;
      default -> DaneStatus.NOT_APPLICABLE;
    };
    for (PolicyResolution r : List.of(active("enforce"), active("testing"),
        new PolicyResolution.NoPolicy(DOMAIN, NoPolicyReason.NO_RECORD, TRACE))) {
      DeliveryPlan plan = DeliveryPlan.of(r, MX, dane);
      MxCandidate mx1 = plan.candidates().stream().filter(c -> c.host().equals("mx1.example.com")).findFirst().orElseThrow();
      assertThat(mx1.requirement()).isEqualTo(TlsRequirement.NOT_ALLOWED);
      assertThat(mx1.refusal().reasonCode()).isEqualTo("dane-validation-failed");
      MxCandidate mx2 = plan.candidates().stream().filter(c -> c.host().equals("mx2.backup.example.com")).findFirst().orElseThrow();
      assertThat(mx2.requirement()).isEqualTo(TlsRequirement.DANE);
      assertThat(mx2.stsChecksApply()).isFalse();
    }
  }

  @Test
  void withoutMxRecordsTheDomainItselfIsTheHost() {
    // APP-9
    DeliveryPlan plan = DeliveryPlan.of(active("enforce"), List.of());
    assertThat(plan.candidates()).singleElement().satisfies(c -> {
      assertThat(c.host()).isEqualTo("example.com");
      assertThat(c.requirement()).isEqualTo(TlsRequirement.NOT_ALLOWED);
    });
  }

  @Test
  void aNullMxMeansNoDelivery() {
    assertThat(DeliveryPlan.of(active("testing"), List.of(new MxRecord(0, ""))).candidates()).isEmpty();
  }

  @Test
  void theSmartHostDomainIsThePolicyDomain() {
    // APP-8: the caller resolves the smart host's domain; the plan applies that policy to the smart host.
    PolicyResolution.Active smart = active("enforce");
    DeliveryPlan plan = DeliveryPlan.of(smart, List.of(new MxRecord(0, "mx1.example.com")));
    assertThat(plan.candidates()).extracting(MxCandidate::requirement).containsExactly(TlsRequirement.STS_ENFORCE);
  }
}
