package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mta-sts reports summary} and {@code reports html} on a directory of received reports. */
public class ReportsCommandTest {
  static final LocalDate D = LocalDate.of(2026, 4, 8);

  @TempDir
  Path dir;

  public static String json(String org, LocalDate day, String id, long ok, long failed, String type, String mx) {
    return json("example.org", org, day, id, ok, failed, type, mx);
  }

  /** A TLS-RPT report (RFC 8460 §4.4) of one STS policy of {@code domain} for one UTC day. */
  public static String json(String domain, String org, LocalDate day, String id, long ok, long failed, String type,
      String mx) {
    return "{\"organization-name\":\"" + org + "\",\"date-range\":{\"start-datetime\":\"" + day
        + "T00:00:00Z\",\"end-datetime\":\"" + day.plusDays(1) + "T00:00:00Z\"},\"contact-info\":\"tlsrpt@s.example\","
        + "\"report-id\":\"" + id + "\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-string\":"
        + "[\"version: STSv1\",\"mode: enforce\",\"mx: mx." + domain + "\",\"max_age: 604800\"],"
        + "\"policy-domain\":\"" + domain + "\",\"mx-host\":[\"mx." + domain + "\"]},\"summary\":{"
        + "\"total-successful-session-count\":" + ok + ",\"total-failure-session-count\":" + failed + "},"
        + "\"failure-details\":[{\"result-type\":\"" + type + "\",\"receiving-mx-hostname\":\"" + mx + "\","
        + "\"failed-session-count\":" + failed + "}]}]}";
  }

  /** A week of quiet days, then a day with a spike whose sender's name carries terminal escapes. */
  void writeInbox() throws IOException {
    writeInboxIn(dir);
  }

  /** Writes the inbox into {@code dir}. */
  void writeInboxIn(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int i = 7; i >= 1; i--) {
      Files.writeString(dir.resolve("quiet-" + i + ".json"),
          json("Quiet Sender", D.minusDays(i), "q" + i, 995, 5, "certificate-expired", "mx.example.org"));
    }
    Files.writeString(dir.resolve("spike.json"),
        json("Evil\\u001b]0;pwned\\u0007 Corp", D, "s1", 800, 200, "starttls-not-supported", "mx2.example.org"));
    Files.writeString(dir.resolve("z-again.json"),
        json("Evil Corp", D, "s1", 800, 200, "starttls-not-supported", "mx2.example.org"));
    Files.writeString(dir.resolve("unsigned.eml"), "From: x@s.example\r\nSubject: hi\r\n"
        + "Content-Type: application/tlsrpt+json\r\n\r\n"
        + json("Mailer", D, "m1", 10, 0, "none", "mx.example.org") + "\r\n");
    Files.writeString(dir.resolve("junk.eml"), "Subject: not a report\r\n\r\nhello\r\n");
  }

  @Test
  @DisplayName("RPT-43: reports summary prints per day counts, top failures, the spike, marked and skipped inputs, escaped")
  void summaryPrintsTheDomainsDaysSpikeAndProblems() throws IOException {
    writeInbox();
    Cli r = Cli.run("reports", "summary", "--no-color", "--from", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("9 report(s) read", "1 duplicate(s) dropped", "1 input(s) skipped",
        "example.org",
        "2026-04-07  1000 sessions, 5 failed (0.5%), 1 report(s)",
        "2026-04-08  1010 sessions, 200 failed (19.8%), 2 report(s)  WARNING failure spike on 2026-04-08",
        "Failures by result type: starttls-not-supported 200, certificate-expired 35",
        "Top failing MX hosts: mx2.example.org 200, mx.example.org 35",
        "Marked reports (kept)", "unsigned.eml: NOT_MULTIPART_REPORT, MISSING_REPORT_DOMAIN",
        "Skipped", "junk.eml: no report part");
    // SEC-12: the sender's name reaches the terminal with its escape made visible.
    assertThat(r.out()).contains("Evil\\e]0;pwned\\x07 Corp 200");
    Cli.assertNothingForATerminalToRun(r.out());
  }

  @Test
  @DisplayName("RPT-43: reports summary --json gives the same numbers and the spike verdict per day")
  void summaryJsonGivesTheNumbers() throws IOException {
    writeInbox();
    Cli r = Cli.run("reports", "summary", "--json", "--from", dir.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat(doc).containsEntry("reports", 9L).containsEntry("duplicates", 1L);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> domains = (List<Map<String, Object>>) doc.get("domains");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> days = (List<Map<String, Object>>) domains.get(0).get("days");
    Map<String, Object> last = days.get(days.size() - 1);
    assertThat(last).containsEntry("day", "2026-04-08").containsEntry("failed", 200L).containsEntry("sessions", 1010L);
    assertThat(last.get("spike").toString()).contains("verdict=SPIKE");
    assertThat(last.get("failures_by_sender").toString()).contains("Evil\u001b]0;pwned\u0007 Corp=200");
    assertThat(r.out()).doesNotContain("\u001b");
    assertThat(doc.get("skipped").toString()).contains("junk.eml");
  }

  @Test
  @DisplayName("RPT-57 RPT-51: reports summary shows the parser's warnings (human and --json); huge counts exit 0")
  void summaryShowsParserWarningsAndSurvivesHugeCounts() throws IOException {
    Files.createDirectories(dir);
    // A negative count is read as 0 with a warning; nothing else about this report is wrong.
    Files.writeString(dir.resolve("neg.json"), json("Neg", D, "n1", 10, 0, "x", "mx.example.org")
        .replace("\"total-failure-session-count\":0", "\"total-failure-session-count\":-5"));
    Files.writeString(dir.resolve("huge-1.json"), json("A", D, "h1", Long.MAX_VALUE, Long.MAX_VALUE,
        "certificate-expired", "mx.example.org"));
    Files.writeString(dir.resolve("huge-2.json"), json("B", D, "h2", Long.MAX_VALUE, 5, "certificate-expired",
        "mx.example.org").replace("tlsrpt@s.example", "tlsrpt@b.example"));

    Cli human = Cli.run("reports", "summary", "--no-color", "--from", dir.toString());
    Cli json = Cli.run("reports", "summary", "--json", "--from", dir.toString());

    assertThat(human.exitCode()).as(human.err()).isZero();
    assertThat(human.out()).contains("neg.json: parser warnings", "RPT-57 parser: ", "negative count -5",
        "huge-1.json: COUNTS_IMPLAUSIBLE", Long.MAX_VALUE + " sessions").doesNotContainPattern("-\\d+ sessions");
    assertThat(json.exitCode()).as(json.err()).isZero();
    Map<String, Object> doc = JsonDoc.parse(json.out());
    assertThat(doc.get("marked").toString()).contains("neg.json", "negative count -5");
  }

  @Test
  @DisplayName("RPT-43: --authenticated-only counts HTTPS reports and DKIM-passing mails only")
  void authenticatedOnlyLeavesTheUnsignedMailOut() throws IOException {
    writeInbox();
    Cli r = Cli.run("reports", "summary", "--no-color", "--authenticated-only", "--from", dir.toString());
    assertThat(r.out()).contains("2026-04-08  1000 sessions, 200 failed (20.0%), 1 report(s)");
  }

  @Test
  @DisplayName("RPT-44: reports html writes one page; a missing --from is an error")
  void htmlWritesThePage() throws IOException {
    writeInbox();
    Path out = dir.resolve("out/report.html");
    Files.createDirectories(out.getParent());
    Cli r = Cli.run("reports", "html", "--no-color", "--from", dir.toString(), "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("wrote ", "1 domain(s), 9 report(s)");
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).startsWith("<!DOCTYPE html>").contains("<svg");
    Cli missing = Cli.run("reports", "summary", "--from", dir.resolve("nope").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file or directory");
    assertThat(Cli.run("reports").exitCode()).isEqualTo(2);
  }
}
