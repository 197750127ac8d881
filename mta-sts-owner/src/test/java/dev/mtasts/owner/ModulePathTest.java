package dev.mtasts.owner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** This module's tests run on the module path: its descriptor is what they see. */
class ModulePathTest {
  @Test
  void theOwnerModuleAndTheCoreAreNamedModules() {
    assertThat(PolicyGenerator.class.getModule().getName()).isEqualTo("dev.mtasts.owner");
    assertThat(dev.mtasts.core.MtaStsPolicy.class.getModule().getName()).isEqualTo("dev.mtasts.core");
    assertThat(PolicyGenerator.class.getModule().getDescriptor().exports())
        .extracting(e -> e.source()).containsExactlyInAnyOrder("dev.mtasts.owner", "dev.mtasts.owner.monitor");
  }
}
