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
  @DisplayName("MON-37: exactly one of --once, --every and --status; anything else is a usage error")
  void onceAndEveryAreExclusiveAndOneIsRequired() throws IOException {
    Path domains = Files.writeString(dir.resolve("d.txt"), "example.com\n");
    Cli neither = Cli.run("monitor", "--domains", domains.toString(), "--state-dir", dir.toString());
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("exactly one of --once, --every and --status");
    Cli both = Cli.run("monitor", "--domains", domains.toString(), "--state-dir", dir.toString(), "--once",
        "--every", "1h");
    assertThat(both.exitCode()).isEqualTo(2);
    Cli noDomains = Cli.run("monitor", "--state-dir", dir.toString(), "--once");
    assertThat(noDomains.exitCode()).isEqualTo(2);
    assertThat(noDomains.err()).contains("--domains FILE is required with --once and --every");
  }

  @Test
  @DisplayName("MON-59: --status prints each domain's last check and open alerts without checking; exit 0 without an error")
  void statusPrintsTheStateWithoutChecking() {
    Path state = MonitorStateFixture.write(dir.resolve("state"), false);
    Cli r = Cli.run("monitor", "--status", "--no-color", "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains(
        "example.org: last checked 2026-04-04T06:00:00Z, 1 open alert(s)",
        "quiet.example: last checked 2026-04-04T06:00:00Z, 2 open alert(s)",
        "WARNING FIRING MX_UNREACHABLE quiet.example mx.quiet.example",
        "WARNING FIRING TLSRPT_RECORD_GONE quiet.example _smtp._tls.quiet.example",
        "since 2026-04-04T06:00:00Z",
        "Fix: ");
  }

  @Test
  @DisplayName("MON-59: --status exits 1 while an error alert is open; --json gives the open alerts as alert JSON lines")
  void statusExitsOneOnAnOpenErrorAndSpeaksJson() {
    Path state = MonitorStateFixture.write(dir.resolve("state"), true);
    Cli r = Cli.run("monitor", "--status", "--json", "--state-dir", state.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    java.util.List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(4).allSatisfy(l -> assertThat(JsonDoc.parse(l)).containsEntry("status", "firing"));
    assertThat(r.out()).contains("\"code\":\"STS_RECORD_GONE\"");
    Cli missing = Cli.run("monitor", "--status", "--state-dir", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("cannot read the monitor state in").doesNotContain("Exception");
  }

  @Test
  @DisplayName("MON-59: --status exits 1 when a state file cannot be read: it may hold open errors")
  void statusExitsOneOnADamagedStateFile() throws IOException {
    Path state = Files.createDirectories(dir.resolve("damaged"));
    Files.writeString(state.resolve("example.com.monitor"), "garbage");
    Cli r = Cli.run("monitor", "--status", "--no-color", "--state-dir", state.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("monitor state not read: example.com.monitor: ");
  }

  @Test
  @DisplayName("MON-37: a bad domain line is invalid input (1); bad option values are usage errors (2), said briefly")
  void aBadDomainOrOptionIsReportedWithItsLineOrAsAUsageError() throws IOException {
    Path domains = Files.writeString(dir.resolve("d.txt"), "example.com\nnot a domain\n");
    Cli r = Cli.run("monitor", "--domains", domains.toString(), "--state-dir", dir.toString(), "--once");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("line 2");
    Path ok = Files.writeString(dir.resolve("ok.txt"), "example.com\n");
    String[][] usage = {
        {"--every", "1w"}, {"--once", "--reminder", "1H"}, {"--once", "--failures", "0"},
        {"--once", "--mail-to", "postmaster@example.com"}};
    String[] said = {"--every must be a number with s, m, h or d", "--reminder must be a number with s, m, h or d",
        "--failures must be at least 1, not 0", "--mail-to needs --mail-from"};
    for (int i = 0; i < usage.length; i++) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("monitor", "--domains", ok.toString(),
          "--state-dir", dir.toString()));
      args.addAll(java.util.List.of(usage[i]));
      Cli u = Cli.run(args.toArray(new String[0]));
      assertThat(u.exitCode()).as(String.join(" ", usage[i])).isEqualTo(2);
      assertThat(u.err()).contains(said[i], "Run 'mta-sts monitor --help' for the usage.").doesNotContain("Usage:");
    }
    Cli missing = Cli.run("monitor", "--domains", ok.toString(), "--state-dir", dir.toString(), "--once",
        "--reports", dir.resolve("no-such-inbox").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("--reports " + dir.resolve("no-such-inbox") + ": no such file or directory");
  }
}
