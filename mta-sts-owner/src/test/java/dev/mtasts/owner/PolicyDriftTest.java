package dev.mtasts.owner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.MtaStsPolicy;
import org.junit.jupiter.api.Test;

class PolicyDriftTest {
  static final MtaStsPolicy A = MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 604800\n");
  static final MtaStsPolicy B = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 604800\n");

  static PolicyDrift.Observation obs(String id, MtaStsPolicy p) {
    return new PolicyDrift.Observation(id, p);
  }

  @Test
  void comparingTwoObservationsTellsTheFourCasesApart() {
    // CAC-13
    assertThat(PolicyDrift.compare(obs("1", A), obs("1", A))).isEqualTo(PolicyDrift.Status.IN_SYNC);
    assertThat(PolicyDrift.compare(obs("1", A), obs("1", B))).isEqualTo(PolicyDrift.Status.POLICY_CHANGED_ID_NOT_BUMPED);
    assertThat(PolicyDrift.compare(obs("1", A), obs("2", A))).isEqualTo(PolicyDrift.Status.ID_BUMPED_POLICY_IDENTICAL);
    assertThat(PolicyDrift.compare(obs("1", A), obs("2", B))).isEqualTo(PolicyDrift.Status.UPDATED);
  }

  @Test
  void aContentIdIsCheckedAgainstThePolicyServed() {
    assertThat(PolicyDrift.check(obs(PolicyIds.contentId(A), A))).isEqualTo(PolicyDrift.Status.IN_SYNC);
    assertThat(PolicyDrift.check(obs(PolicyIds.contentId(A), B))).isEqualTo(PolicyDrift.Status.POLICY_CHANGED_ID_NOT_BUMPED);
    assertThat(PolicyDrift.check(obs("20260101", B))).isEqualTo(PolicyDrift.Status.UNKNOWN);
  }

  @Test
  void aDeploymentIsCheckedBeforeItHappens() {
    PolicyDrift.Observation live = obs(PolicyIds.contentId(A), A);
    assertThat(PolicyDrift.checkDeployment(live, B, live.id())).isEqualTo(PolicyDrift.Status.POLICY_CHANGED_ID_NOT_BUMPED);
    assertThat(PolicyDrift.checkDeployment(live, B, PolicyIds.contentId(B))).isEqualTo(PolicyDrift.Status.UPDATED);
    assertThat(PolicyDrift.checkDeployment(live, A, "20260102")).isEqualTo(PolicyDrift.Status.ID_BUMPED_POLICY_IDENTICAL);
    assertThat(PolicyDrift.servedMatchesCandidate(live, B)).isEqualTo(PolicyDrift.Status.SERVED_DIFFERS_FROM_CANDIDATE);
    assertThat(PolicyDrift.servedMatchesCandidate(live, A)).isEqualTo(PolicyDrift.Status.IN_SYNC);
  }
}
