package dev.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The shipped systemd unit agrees with the daemon's defaults and exit codes. */
class SystemdUnitTest {
  @Test
  @DisplayName("PFX-16, PFX-15: the unit keeps the store in its state directory and stops with SIGTERM")
  void unitMatchesTheDaemon() throws Exception {
    String unit = Files.readString(Path.of("src/dist/mta-sts-postfix.service"));
    assertThat(Path.of("/var/lib").resolve(value(unit, "StateDirectory"))).isEqualTo(DaemonConfig.DEFAULT_STORE);
    assertThat(value(unit, "KillSignal")).isEqualTo("SIGTERM");
    assertThat(value(unit, "SuccessExitStatus")).isEqualTo("143");
    assertThat(value(unit, "RestartPreventExitStatus"))
        .isEqualTo(PostfixDaemon.CONFIG_ERRORS + " " + PostfixDaemon.USAGE);
    assertThat(value(unit, "ExecStart")).contains("--config " + DaemonConfig.DEFAULT_FILE);
    for (String hardening : new String[] {"DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n"}) {
      assertThat(unit).contains(hardening);
    }
    // The JIT needs writable executable memory.
    assertThat(unit).doesNotContain("MemoryDenyWriteExecute=yes");
  }

  private static String value(String unit, String key) {
    return unit.lines().filter(l -> l.startsWith(key + "=")).findFirst().orElseThrow()
        .substring(key.length() + 1);
  }
}
