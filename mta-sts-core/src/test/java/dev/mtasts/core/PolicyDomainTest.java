package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import org.junit.jupiter.api.Test;

class PolicyDomainTest {

  @Test
  void recordNamesAndPolicyUrlDeriveFromTheALabelDomain() {
    // TXT-1, RPT-1, FET-1
    PolicyDomain d = PolicyDomain.of("Bücher.Example.");
    assertThat(d.name()).isEqualTo("xn--bcher-kva.example");
    assertThat(d.stsRecordName()).isEqualTo("_mta-sts.xn--bcher-kva.example");
    assertThat(d.tlsRptRecordName()).isEqualTo("_smtp._tls.xn--bcher-kva.example");
    assertThat(d.policyHost()).isEqualTo("mta-sts.xn--bcher-kva.example");
    assertThat(d.policyUri()).isEqualTo(URI.create("https://mta-sts.xn--bcher-kva.example/.well-known/mta-sts.txt"));
  }

  @Test
  void subdomainsUseTheirOwnRecordNeverTheParents() {
    // TXT-14
    PolicyDomain d = PolicyDomain.ofRecipient("user@sub.example.com").orElseThrow();
    assertThat(d.stsRecordName()).isEqualTo("_mta-sts.sub.example.com");
  }

  @Test
  void addressLiteralsHaveNoPolicyDomain() {
    // TXT-15
    assertThat(PolicyDomain.ofRecipient("user@[192.0.2.1]")).isEmpty();
    assertThat(PolicyDomain.ofRecipient("user@[IPv6:2001:db8::1]")).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of("[192.0.2.1]"))
        .withMessageContaining("TXT-15");
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of("192.0.2.1"))
        .withMessageContaining("TXT-15");
  }

  @Test
  void invalidDomainsAreRejectedWithTheReason() {
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of("exa mple.com"))
        .withMessageContaining("not a valid host name");
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.ofRecipient("no-at-sign"))
        .withMessageContaining("no domain part");
    assertThatIllegalArgumentException().isThrownBy(() -> PolicyDomain.of("a".repeat(60) + "." + "b".repeat(60)
        + "." + "c".repeat(60) + "." + "d".repeat(60)))
        .withMessageContaining("253");
  }

  @Test
  void toStringRoundTrips() {
    PolicyDomain d = PolicyDomain.of("Example.COM");
    assertThat(PolicyDomain.of(d.toString())).isEqualTo(d).hasSameHashCodeAs(d);
    assertThat(d.toString()).isEqualTo("example.com");
  }
}
