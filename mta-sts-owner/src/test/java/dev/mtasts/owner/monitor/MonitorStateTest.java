package dev.mtasts.owner.monitor;

import static dev.mtasts.owner.monitor.MonitorFixture.lines;
import static dev.mtasts.owner.monitor.MonitorFixture.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory: what survives a restart, what a damaged file does, who may hold it. */
class MonitorStateTest {
  @TempDir
  Path dir;

  /** MON-32: a new monitor on the same directory fires nothing for conditions already announced. */
  @Test
  void aRestartedMonitorRemembersOpenAlertsCountersAndCertificates() {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor(b -> b.failuresBeforeAlert(2))) {
      f.dns.removeTxt("_mta-sts.example.com");
      assertThat(lines(round(m))).containsExactly("FIRING STS_RECORD_GONE _mta-sts.example.com");
      f.probes.put("mx2.example.com", new dev.mtasts.owner.SmtpProbeOutcome.Unreachable("mx2.example.com", "refused"));
      assertThat(round(m)).isEmpty();
    }
    try (MtaStsMonitor m = f.monitor(b -> b.failuresBeforeAlert(2))) {
      assertThat(lines(round(m))).as("the failure counter survived: this is the second failure")
          .containsExactly("FIRING MX_UNREACHABLE mx2.example.com");
      f.policyCert = MonitorFixture.cert("mta-sts.example.com", MonitorFixture.T0.plus(Duration.ofDays(300)), "p2");
      assertThat(lines(round(m))).as("the certificate seen before survived")
          .containsExactly("NOTICE POLICY_CERT_CHANGED mta-sts.example.com");
    }
  }

  /** MON-31: the file is the project's checksummed envelope; a damaged one is set aside, not trusted. */
  @Test
  void aDamagedStateFileIsSetAsideAndTheDomainStartsAfresh() throws IOException {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor()) {
      f.dns.removeTxt("_mta-sts.example.com");
      round(m);
    }
    Path file = dir.resolve("example.com.monitor");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).startsWith("MTA-STS-MONITOR-STATE 1\ndomain=example.com\nbody-length=").contains("crc32c=");
    Files.writeString(file, text.replace("STS_RECORD_GONE", "STS_RECORD_GONX"), StandardCharsets.UTF_8);
    try (MtaStsMonitor m = f.monitor()) {
      assertThat(lines(round(m))).as("the open alert was forgotten with the file, so it fires again")
          .containsExactly("FIRING STS_RECORD_GONE _mta-sts.example.com");
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .anyMatch(n -> n.startsWith("example.com.monitor.corrupt-"));
    }
  }

  /** MON-31: the file of one domain is never read as another's. */
  @Test
  void aStateFileHoldingAnotherDomainIsSetAside() throws IOException {
    MonitorFixture f = new MonitorFixture(dir);
    try (MtaStsMonitor m = f.monitor()) {
      f.dns.removeTxt("_mta-sts.example.com");
      round(m);
    }
    Path file = dir.resolve("example.com.monitor");
    Path other = dir.resolve("example.org.monitor");
    Files.move(file, other);
    Files.copy(other, file);
    byte[] bytes = Files.readAllBytes(other);
    // Rewrite example.com's file under its own name but claiming example.org inside: checksum is recomputed by frame.
    byte[] forged = dev.mtasts.core.internal.AtomicFiles.frame("MTA-STS-MONITOR-STATE 1",
        List.of(java.util.Map.entry("domain", "example.org")),
        dev.mtasts.core.internal.AtomicFiles.unframe(bytes, "MTA-STS-MONITOR-STATE 1").body());
    Files.write(file, forged);
    try (MtaStsMonitor m = f.monitor()) {
      assertThat(lines(round(m))).containsExactly("FIRING STS_RECORD_GONE _mta-sts.example.com");
    }
  }

  /** MON-31: one monitor per state directory. */
  @Test
  void aSecondMonitorOnTheSameDirectoryIsRefused() {
    MonitorFixture f = new MonitorFixture(dir);
    MtaStsMonitor first = f.monitor();
    try {
      assertThatThrownBy(f::monitor).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
    } finally {
      first.close();
    }
    f.monitor().close();
  }
}
