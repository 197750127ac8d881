package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.internal.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations in messages are in the user's words: seconds, with a larger unit in brackets. */
class DurationsTest {
  @Test
  void durationsAreSecondsWithTheLargestWholeUnitNeverIso8601() {
    assertThat(Durations.human(Duration.ofSeconds(1))).isEqualTo("1 second");
    assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45 seconds");
    assertThat(Durations.human(Duration.ofSeconds(90))).isEqualTo("90 seconds (1.5 minutes)");
    assertThat(Durations.human(Duration.ofDays(7))).isEqualTo("604800 seconds (7 days)");
    assertThat(Durations.human(Duration.ofSeconds(40_000_000))).isEqualTo("40000000 seconds (about 463 days)");
    assertThat(Durations.human(Duration.ofMillis(250))).isEqualTo("250 ms");
    assertThat(Durations.human(Duration.ofHours(-1))).isEqualTo("minus 3600 seconds (1 hour)");
  }
}
