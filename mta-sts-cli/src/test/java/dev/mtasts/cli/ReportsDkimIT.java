package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.KnotServer;
import dev.mtasts.tlsrpt.dkim.DkimTestMails;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mta-sts reports} verifies the DKIM signatures of mailed reports against keys a real
 * knotd publishes: a Maildir with a valid signature, a body changed after signing, a signature
 * whose key says {@code s=email}, and an unsigned mail.
 */
class ReportsDkimIT {
  /** The JSON summary's DKIM counts of the Maildir: one valid, two failing, one unsigned. */
  static final Map<String, Long> COUNTS = Map.of("pass", 1L, "fail", 2L, "none", 1L, "not_checked", 0L);

  /** The file-name prefixes of the test class path's jars that the CLI does not run with. */
  static final List<String> TEST_ONLY = List.of("mta-sts-testing", "mta-sts-redis", "lettuce-", "redis-", "netty-",
      "reactor-", "reactive-streams-", "junit-", "apiguardian-", "assertj-", "byte-buddy", "opentest4j-", "bcp",
      "bcutil-", "surefire", "common-java5", "common-junit", "commons-lang3", "plexus-");

  static KnotServer knot;

  @TempDir
  Path maildir;

  @BeforeAll
  static void start() throws IOException {
    knot = KnotServer.start(Map.of("sender.example", DkimTestMails.zone()));
  }

  @AfterAll
  static void stop() {
    if (knot != null) {
      knot.close();
    }
  }

  void writeMaildir() throws Exception {
    DkimTestMails.maildir(maildir);
  }

  Cli reports(String... extra) {
    List<String> args = new ArrayList<>(List.of("reports", "summary", "--no-color", "--from", maildir.toString(),
        "--dns-server", knot.hostPort(), "--timeout", "10"));
    args.addAll(List.of(extra));
    Cli r = Cli.run(args.toArray(new String[0]));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  @Test
  @DisplayName("RPT-48 RPT-46 RPT-47: reports summary verifies DKIM by default: 1 pass, 2 fail (body hash, s=email), 1 unsigned")
  void summaryCountsDkimOutcomesPerDay() throws Exception {
    writeMaildir();
    Cli r = reports();
    assertThat(r.out()).contains("4 report(s) read",
        "Mailed reports' DKIM (RFC 8460 §3): 1 pass, 2 fail, 1 unsigned",
        "2026-04-01  40 sessions, 0 failed (0.0%), 4 report(s)",
        "mailed: DKIM 1 pass, 2 fail, 1 unsigned",
        "DKIM_FAILED", "s=email", "DKIM_MISSING");
    assertThat(r.err()).doesNotContain("DKIM not checked");

    Map<String, Object> doc = JsonDoc.parse(reports("--json").out());
    assertThat(doc).containsEntry("dkim_checked", true)
        .containsEntry("dkim", COUNTS);
    @SuppressWarnings("unchecked")
    Map<String, Object> domain = ((List<Map<String, Object>>) doc.get("domains")).get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> day = ((List<Map<String, Object>>) domain.get("days")).get(0);
    assertThat(day).containsEntry("reports", 4L).containsEntry("dkim", COUNTS);
  }

  @Test
  @DisplayName("RPT-48 RPT-44: reports html verifies DKIM too: the page marks the failing and the unsigned mails")
  void thePageMarksFailingAndUnsignedMails() throws Exception {
    writeMaildir();
    Path page = maildir.resolveSibling(maildir.getFileName() + ".html");
    Cli r = Cli.run("reports", "html", "--from", maildir.toString(), "--out", page.toString(), "--dns-server",
        knot.hostPort(), "--timeout", "10");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String html = Files.readString(page);
    assertThat(html).contains("s=email", "the mail is not DKIM-signed").doesNotContain("1.valid");
    assertThat(html.split("RPT-22 DKIM: ", -1)).hasSize(3);
  }

  @Test
  @DisplayName("RPT-48 RPT-23: --authenticated-only counts exactly the mail whose signature passed")
  void authenticatedOnlyCountsThePassingMail() throws Exception {
    writeMaildir();
    Cli r = reports("--authenticated-only");
    assertThat(r.out()).contains("2026-04-01  10 sessions, 0 failed (0.0%), 1 report(s)",
        "Mailed reports' DKIM (RFC 8460 §3): 1 pass, 0 fail, 0 unsigned");
  }

  @Test
  @DisplayName("RPT-48: --no-dkim leaves the signatures unchecked, so --authenticated-only counts no mail")
  void noDkimLeavesSignaturesUnchecked() throws Exception {
    writeMaildir();
    Cli r = reports("--no-dkim");
    assertThat(r.out()).contains("0 pass, 0 fail, 1 unsigned, 3 not checked (--no-dkim)");
    assertThat(reports("--no-dkim", "--authenticated-only").out()).doesNotContain("2026-04-01");
  }

  /** Runs {@code java} with the arguments in a child process, as a user does; out and err. */
  static Cli java(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(args);
    Process p = new ProcessBuilder(command).start();
    // The outputs are a few lines: reading them one after the other cannot fill a pipe.
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out + err).isZero();
    return new Cli(0, out, err);
  }

  List<String> summary(String... launch) {
    List<String> args = new ArrayList<>(List.of(launch));
    args.addAll(List.of("reports", "summary", "--json", "--from", maildir.toString(), "--dns-server", knot.hostPort(),
        "--timeout", "10"));
    return args;
  }

  /** The test class path's entries, without those the filter drops. */
  static List<String> classPath(Predicate<String> drop) {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).filter(drop.negate()).toList();
  }

  @Test
  @DisplayName("RPT-50: the runnable jar finds the DKIM verifier through META-INF/services")
  void theShadedJarFindsTheVerifier() throws Exception {
    writeMaildir();
    String jar = System.getProperty("mtasts.cli.jar");
    assertThat(jar).as("the failsafe configuration passes the jar path").isNotNull();
    Cli r = java(summary("-jar", jar));
    assertThat(r.err()).doesNotContain("DKIM not checked");
    assertThat(JsonDoc.parse(r.out())).containsEntry("dkim", COUNTS);
  }

  @Test
  @DisplayName("RPT-50: on the module path the named CLI module binds the automatic DKIM module's service")
  void theModulePathFindsTheVerifier() throws Exception {
    writeMaildir();
    // The CLI's runtime modules: the test class path without the test classes and test-only jars.
    List<String> modulePath = classPath(e -> e.contains("test-classes") || e.endsWith("-tests.jar")
        || TEST_ONLY.stream().anyMatch(t -> Path.of(e).getFileName().toString().startsWith(t)));
    assertThat(modulePath).anyMatch(e -> e.contains("mta-sts-tlsrpt-dkim")).anyMatch(e -> e.contains("jdkim"));
    // jDKIM's mime4j uses commons-io, an explicit module that no module requires: added by hand.
    Cli r = java(summary("--module-path", String.join(File.pathSeparator, modulePath), "--add-modules",
        "org.apache.commons.io", "-m", "dev.mtasts.cli/dev.mtasts.cli.MtaStsCli"));
    assertThat(r.err()).doesNotContain("DKIM not checked");
    assertThat(JsonDoc.parse(r.out())).containsEntry("dkim", COUNTS);
  }

  @Test
  @DisplayName("RPT-50: without the DKIM jar the command says so on the console and counts the signed mails as not checked")
  void withoutTheProviderTheConsoleSaysSo() throws Exception {
    writeMaildir();
    List<String> classPath = classPath(e -> e.contains("mta-sts-tlsrpt-dkim") || e.contains("jdkim"));
    Cli r = java(List.of("-cp", String.join(File.pathSeparator, classPath), "dev.mtasts.cli.MtaStsCli", "reports",
        "summary", "--no-color", "--from", maildir.toString()));
    assertThat(r.err()).contains("DKIM not checked: no DKIM verifier was found");
    assertThat(r.out()).contains("0 pass, 0 fail, 1 unsigned, 3 not checked");
  }
}
