package dev.mtasts.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CountsTest {
  @Test
  @DisplayName("RPT-51: sums of counts saturate at Long.MAX_VALUE instead of wrapping negative")
  void saturatesInsteadOfWrapping() {
    assertThat(Counts.saturatingAdd(2, 3)).isEqualTo(5);
    assertThat(Counts.saturatingAdd(Long.MAX_VALUE, 1)).isEqualTo(Long.MAX_VALUE);
    assertThat(Counts.saturatingAdd(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
    assertThat(Counts.saturatingAdd(Long.MIN_VALUE, -1)).isEqualTo(Long.MIN_VALUE);
    assertThat(Counts.saturatingAdd(Long.MAX_VALUE, Long.MIN_VALUE)).isEqualTo(-1);
  }
}
