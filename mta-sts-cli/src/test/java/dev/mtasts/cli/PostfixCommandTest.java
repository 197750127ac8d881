package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mta-sts postfix}: the daemon's command line, inside the mta-sts command. */
class PostfixCommandTest {
  @TempDir Path dir;

  @Test
  @DisplayName("PFX-18: mta-sts postfix --check-config exits 0 for a valid file, 1 with line numbers otherwise")
  void checkConfigThroughTheCli() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yml"), "listen:\n  tcp: 127.0.0.1:8461\n");
    Cli ok = Cli.run("postfix", "--check-config", "--config", good.toString());
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).contains("good.yml is valid");

    Path bad = Files.writeString(dir.resolve("bad.yml"), "listen:\n  tpc: 127.0.0.1:8461\n");
    Cli errors = Cli.run("postfix", "--check-config", "-c", bad.toString());
    assertThat(errors.exitCode()).isEqualTo(1);
    assertThat(errors.err()).contains("bad.yml:2: unknown key 'tpc' in listen (did you mean tcp?)");
  }

  @Test
  @DisplayName("PFX-18: mta-sts postfix --help lists the daemon's options and exit codes")
  void helpListsTheOptions() {
    Cli help = Cli.run("postfix", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("--config", "--check-config", "--verbose", "could not start");
  }
}
