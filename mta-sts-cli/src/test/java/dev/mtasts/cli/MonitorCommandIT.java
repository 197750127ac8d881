package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.FakeDomain;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import dev.mtasts.testing.WebhookReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code mta-sts monitor --once} against fake domains on loopback (knotd, HTTPS policy host, STARTTLS MX hosts). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MonitorCommandIT {
  static final String CLEAN = "clean.test";
  static final String BROKEN = "broken.test";

  static TestPki pki;
  static FakeDomain clean;
  static FakeDomain broken;
  static Path caFile;

  @TempDir
  Path dir;

  @BeforeAll
  static void start(@TempDir Path tmp) throws IOException {
    pki = TestPki.create();
    clean = FakeDomain.builder(CLEAN, pki)
        .policy("version: STSv1\nmode: enforce\nmx: mx.clean.test\nmax_age: 604800\n")
        .mx(10, "mx.clean.test", pki.leaf().dnsNames("mx.clean.test").issue().serverContext())
        .start();
    broken = FakeDomain.builder(BROKEN, pki)
        .policy("version: STSv1\nmode: enforce\nmx: mx.broken.test\nmax_age: 604800\n")
        .mx(10, "mx.broken.test", pki.leaf().dnsNames("mx.broken.test").issue().serverContext())
        .mx(20, "mx2.broken.test", pki.leaf().dnsNames("mx2.broken.test").issue().serverContext())
        .start();
    caFile = tmp.resolve("ca.pem");
    Files.writeString(caFile, clean.caPem());
  }

  @AfterAll
  static void stop() {
    for (FakeDomain d : new FakeDomain[] {clean, broken}) {
      if (d != null) {
        d.close();
      }
    }
  }

  Cli monitor(FakeDomain d, String... extra) throws IOException {
    Path domains = dir.resolve(d.domain() + ".txt");
    Files.writeString(domains, "# watched\n\n" + d.domain() + "\n");
    List<String> a = new ArrayList<>(List.of("monitor", "--once", "--domains", domains.toString(), "--state-dir",
        dir.resolve("state-" + d.domain()).toString(), "--timeout", "10", "--dns-server", d.dnsServer(),
        "--https-port", Integer.toString(d.httpsPort()), "--smtp-port", Integer.toString(d.smtpPort()),
        "--ca-file", caFile.toString(), "--no-color"));
    a.addAll(List.of(extra));
    return Cli.run(a.toArray(new String[0]));
  }

  @Test
  @DisplayName("MON-37: a clean domain exits 0 and prints no alert")
  void aCleanDomainExitsZero() throws IOException {
    Cli r = monitor(clean);
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("0 alerts sent, 0 open (0 errors)");
  }

  @Test
  @DisplayName("MON-37, MON-27: an open error exits 1 each time; the alert is printed once, then only counted")
  void anOpenErrorExitsOneAndFiresOnce() throws IOException {
    Cli first = monitor(broken);
    assertThat(first.exitCode()).as(first.out() + first.err()).isEqualTo(1);
    assertThat(first.out()).contains("ERROR   FIRING MX_NOT_COVERED broken.test mx2.broken.test")
        .contains("Fix: Add an mx line for mx2.broken.test to the policy")
        .contains("1 alert sent, 1 open (1 error)");
    Cli.assertNothingForATerminalToRun(first.out());
    Cli second = monitor(broken);
    assertThat(second.exitCode()).isEqualTo(1);
    assertThat(second.out()).doesNotContain("FIRING").contains("0 alerts sent, 1 open (1 error)");
  }

  @Test
  @DisplayName("MON-36: --json prints one alert object a line, and --alerts-file appends the same lines")
  void jsonLinesOnStandardOutputAndInAFile() throws IOException {
    Path file = dir.resolve("alerts.jsonl");
    Cli r = monitor(broken, "--json", "--alerts-file", file.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(1);
    Map<String, Object> alert = JsonDoc.parse(lines.get(0));
    assertThat(alert).containsEntry("schema", "mta-sts-alert/1").containsEntry("code", "MX_NOT_COVERED")
        .containsEntry("status", "firing").containsEntry("severity", "error").containsEntry("domain", BROKEN)
        .containsEntry("subject", "mx2.broken.test").containsEntry("checklist_id", "MON-12");
    assertThat(Files.readAllLines(file)).containsExactly(lines.get(0));
  }

  @Test
  @DisplayName("MON-39: --mail-to mails each alert over STARTTLS to the kit's SMTP server, trusted through --ca-file")
  void mailReceivesTheAlerts() throws IOException {
    try (TestSmtpServer smtp = TestSmtpServer.start(pki.leaf().dnsNames("localhost").issue().serverContext())) {
      Cli r = monitor(broken, "--mail-to", "postmaster@broken.test", "--mail-from", "monitor@broken.test",
          "--mail-server", "localhost:" + smtp.port());
      assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
      assertThat(smtp.messages()).singleElement().satisfies(m -> {
        assertThat(m.overTls()).isTrue();
        assertThat(m.data()).contains("MX_NOT_COVERED broken.test mx2.broken.test");
      });
    }
  }

  @Test
  @DisplayName("MON-39: an alert a sink cannot deliver is said on standard error at once, not only in the log")
  void anUndeliveredAlertIsSaid() throws IOException {
    Cli r = monitor(broken, "--mail-to", "postmaster@broken.test", "--mail-from", "monitor@broken.test",
        "--mail-server", "127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("mta-sts: alert MX_NOT_COVERED for broken.test not delivered to mail to "
        + "postmaster@broken.test: ");
    Cli.assertNothingForATerminalToRun(r.err());
  }

  @Test
  @DisplayName("MON-39: --webhook posts each alert to an HTTPS receiver trusted through --ca-file, retrying a 503")
  void webhookReceivesTheAlerts() throws IOException {
    try (WebhookReceiver hook = WebhookReceiver.start(pki.leaf().dnsNames("localhost").issue())) {
      hook.answerNext(503);
      Cli r = monitor(broken, "--webhook", hook.uri("/hook").toString(), "--json");
      assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
      assertThat(hook.deliveries()).extracting(WebhookReceiver.Delivery::status).containsExactly(503, 204);
      assertThat(hook.deliveries().get(1).body()).isEqualTo(r.out().strip());
    }
  }
}
