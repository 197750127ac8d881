package dev.mtasts.testing;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fake domain's description fails fast; CheckFakeDomainIT (in the CLI) runs whole domains. */
class FakeDomainTest {
  private final TestPki pki = TestPki.create();

  @Test
  @DisplayName("FET-20: an MX host outside the zone, or added twice, is refused: the zone could not hold its address")
  void mxHostsMustBeInTheZoneAndDistinct() {
    FakeDomain.Builder b = FakeDomain.builder("example.test", pki).policy("version: STSv1\n");
    assertThatIllegalArgumentException().isThrownBy(() -> b.mx(10, "mx.other.test", null))
        .withMessage("mx.other.test is not in the zone example.test");
    b.mx(10, "MX.example.test", null);
    assertThatIllegalArgumentException().isThrownBy(() -> b.mx(20, "mx.example.test", null));
    assertThatIllegalArgumentException().isThrownBy(() -> b.mx(20, "mta-sts.example.test", null));
  }

  @Test
  void aDomainWithoutAPolicyHandlerDoesNotStart() {
    assertThatIllegalStateException().isThrownBy(() -> FakeDomain.builder("example.test", pki).start())
        .withMessageContaining("no policy");
  }
}
