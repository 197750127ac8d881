package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the command line in-process and captures what it prints. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = MtaStsCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Fails on any character a terminal acts on (SEC-12): C0 controls but the line separator, DEL and C1 controls. */
  static void assertNothingForATerminalToRun(String text) {
    String lines = text.replace(System.lineSeparator(), "");
    assertThat(lines.chars().filter(c -> c < 0x20 || (c >= 0x7f && c < 0xa0)).mapToObj(Integer::toHexString).toList())
        .as("control characters in %s", text).isEmpty();
  }
}
