package dev.mtasts.owner.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.Gate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MON-33: rounds come from the injected scheduler only, never overlap, and stop on close. */
class MonitorSchedulingTest {
  @TempDir
  Path dir;

  @Test
  void roundsRunEveryPeriodFromTheSchedulerAndStopOnClose() {
    MonitorFixture f = new MonitorFixture(dir);
    MtaStsMonitor m = f.monitor();
    m.start(Duration.ofHours(1));
    assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).as("nothing runs until the scheduler does").isZero();
    f.scheduler.advance(Duration.ZERO);
    assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(1);
    f.scheduler.advance(Duration.ofMinutes(59));
    assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(1);
    f.scheduler.advance(Duration.ofMinutes(1));
    assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(2);
    f.scheduler.advance(Duration.ofHours(5));
    assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(7);
    m.close();
    assertThat(f.scheduler.pending()).isZero();
    f.scheduler.advance(Duration.ofHours(5));
    assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(7);
  }

  @Test
  void aSlowRoundIsNotOverlappedAndTheNextFollowsAtOnce() {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor(b -> b.checkDeadline(Duration.ofHours(3)))) {
      Gate gate = f.fake.hold(MonitorFixture.DOMAIN);
      m.start(Duration.ofHours(1));
      f.scheduler.advance(Duration.ofMinutes(90));
      assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).as("the first round is still running").isEqualTo(1);
      assertThat(m.runOnce()).as("runOnce joins the running round").isNotNull();
      assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(1);
      gate.release();
      assertThat(f.scheduler.nextDue()).contains(MonitorFixture.T0.plus(Duration.ofMinutes(90)));
      f.scheduler.advance(Duration.ZERO);
      assertThat(f.fake.fetches(MonitorFixture.DOMAIN)).isEqualTo(2);
      Instant second = f.clock.instant();
      assertThat(f.scheduler.nextDue()).contains(second.plus(Duration.ofHours(1)));
    }
  }
}
