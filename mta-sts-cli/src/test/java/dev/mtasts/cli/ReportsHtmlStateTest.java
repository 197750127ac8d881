package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reports html --state-dir}: the page shows what the monitor knows beside the reports. */
class ReportsHtmlStateTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("MON-58: the page shows each watched domain's policy, certificates, open alerts and alert history")
  void thePageShowsTheMonitorsStatusAndHistory() throws IOException {
    new ReportsCommandTest().writeInboxIn(dir.resolve("inbox"));
    Path state = MonitorStateFixture.write(dir.resolve("state"), false);
    Path out = dir.resolve("report.html");
    Cli r = Cli.run("reports", "html", "--no-color", "--from", dir.resolve("inbox").toString(), "--out", out.toString(),
        "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    String page = Files.readString(out, StandardCharsets.UTF_8);
    String org = section(page, "example.org");
    assertThat(org).contains("Monitor: last checked 2026-04-04T06:00:00Z",
        "Policy id 1: mode enforce, max_age 604800 seconds (7 days), mx mx.example.org",
        "MX hosts: mx.example.org",
        "2026-04-02T06:00:00Z error: firing STS_RECORD_GONE _mta-sts.example.org",
        "2026-04-03T06:00:00Z error: resolved STS_RECORD_GONE _mta-sts.example.org",
        "<svg");
    assertThat(org.indexOf("resolved STS_RECORD_GONE")).as("newest first")
        .isLessThan(org.indexOf("firing STS_RECORD_GONE"));
    String quiet = section(page, "quiet.example");
    assertThat(quiet).contains("No TLS-RPT report received for this domain",
        "2 open alert(s)", "Open since 2026-04-04T06:00:00Z: TLSRPT_RECORD_GONE _smtp._tls.quiet.example",
        "firing TLSRPT_RECORD_GONE").doesNotContain("<svg");
  }

  @Test
  @DisplayName("MON-58: a damaged state file is named on the console, a missing state directory is an error in words")
  void stateProblemsAreSaidInWords() throws IOException {
    new ReportsCommandTest().writeInboxIn(dir.resolve("inbox"));
    Path state = MonitorStateFixture.write(dir.resolve("state"), false);
    Files.writeString(state.resolve("broken.example.monitor"), "garbage", StandardCharsets.UTF_8);
    Path out = dir.resolve("report.html");
    Cli r = Cli.run("reports", "html", "--no-color", "--from", dir.resolve("inbox").toString(), "--out", out.toString(),
        "--state-dir", state.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("WARNING monitor state not read: broken.example.monitor: ");
    Cli missing = Cli.run("reports", "html", "--from", dir.resolve("inbox").toString(), "--out", out.toString(),
        "--state-dir", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("cannot read the monitor state in").doesNotContain("Exception");
  }

  @Test
  @DisplayName("RPT-48: reports offers the DNS options its DKIM checks use, not the HTTPS options it has no use for")
  void reportsHelpListsOnlyOptionsThatDoSomething() {
    Cli r = Cli.run("reports", "html", "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("--state-dir", "--dns-server", "--timeout", "--no-dkim")
        .doesNotContain("--ca-file", "--https-proxy", "--https-port");
    assertThat(Cli.run("check", "--help").out()).contains("--dns-server", "--ca-file", "--https-proxy",
        "--smtp-port=PORT");
    Cli json = Cli.run("reports", "html", "--json", "--from", dir.toString(), "--out", dir.resolve("x.html").toString());
    assertThat(json.exitCode()).isEqualTo(2);
    assertThat(json.err()).contains("--json does not apply to html");
  }

  /** The page's section of one domain. */
  static String section(String page, String domain) {
    int start = page.indexOf("<section class=\"domain\"><h2>" + domain + "</h2>");
    assertThat(start).as("a section for " + domain).isNotNegative();
    return page.substring(start, page.indexOf("</section>", start));
  }
}
