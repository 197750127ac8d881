package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mta-sts monitor}: its usage errors, without any server. */
class MonitorCommandTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("MON-37: exactly one of --once and --every is a usage error otherwise")
  void onceAndEveryAreExclusiveAndOneIsRequired() throws IOException {
    Path domains = Files.writeString(dir.resolve("d.txt"), "example.com\n");
    Cli neither = Cli.run("monitor", "--domains", domains.toString(), "--state-dir", dir.toString());
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("exactly one of --once and --every");
    Cli both = Cli.run("monitor", "--domains", domains.toString(), "--state-dir", dir.toString(), "--once",
        "--every", "1h");
    assertThat(both.exitCode()).isEqualTo(2);
  }

  @Test
  void aBadDomainOrPeriodIsReportedWithItsLine() throws IOException {
    Path domains = Files.writeString(dir.resolve("d.txt"), "example.com\nnot a domain\n");
    Cli r = Cli.run("monitor", "--domains", domains.toString(), "--state-dir", dir.toString(), "--once");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("line 2");
    Path ok = Files.writeString(dir.resolve("ok.txt"), "example.com\n");
    Cli p = Cli.run("monitor", "--domains", ok.toString(), "--state-dir", dir.toString(), "--every", "1w");
    assertThat(p.exitCode()).isEqualTo(1);
    assertThat(p.err()).contains("--every must be a number with s, m, h or d");
  }
}
