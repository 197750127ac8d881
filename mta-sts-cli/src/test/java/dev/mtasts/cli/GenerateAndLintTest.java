package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline commands, in-process. */
class GenerateAndLintTest {

  @Test
  void generatePrintsThePolicyTheRecordsAndTheChecklist() {
    Cli r = Cli.run("generate", "--domain", "example.com", "--mx", "mx1.example.com", "--mx", "*.mail.example.net",
        "--mode", "testing", "--max-age", "604800", "--rua", "mailto:tlsrpt@example.com", "--no-color");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("version: STSv1", "mode: testing", "mx: *.mail.example.net", "max_age: 604800",
        "_mta-sts.example.com. 3600 IN TXT \"v=STSv1; id=", "_smtp._tls.example.com. 3600 IN TXT",
        "https://mta-sts.example.com/.well-known/mta-sts.txt", "Publishing checklist", "MODE_TESTING");
  }

  @Test
  @SuppressWarnings("unchecked")
  void generateJsonHasEveryPart() {
    Cli r = Cli.run("generate", "--domain", "example.com", "--mx", "mx1.example.com", "--max-age", "86400",
        "--mode", "enforce", "--json");
    assertThat(r.exitCode()).isZero();
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat(doc).containsEntry("domain", "example.com")
        .containsEntry("policy_url", "https://mta-sts.example.com/.well-known/mta-sts.txt");
    assertThat((Map<String, Object>) doc.get("policy")).containsEntry("mode", "enforce").containsEntry("max_age", 86400L);
    assertThat((Map<String, Object>) doc.get("records")).containsEntry("tlsrpt", JsonDoc.NULL);
    assertThat((String) ((Map<String, Object>) doc.get("records")).get("mta_sts")).startsWith("v=STSv1; id=");
    assertThat((List<Map<String, Object>>) doc.get("findings")).extracting(f -> f.get("code"))
        .contains("START_IN_TESTING", "MAX_AGE_SHORT", "PUBLISH_TLSRPT");
  }

  @Test
  @DisplayName("POL-2: the policy generate prints, pasted into a file, passes strict lint with no finding")
  void generatesPrintedPolicyPastedIntoAFilePassesStrictLint(@TempDir Path dir) throws Exception {
    Cli g = Cli.run("generate", "--domain", "example.com", "--mx", "mx1.example.com", "--mx", "mx2.example.com",
        "--mode", "enforce", "--max-age", "604800", "--rua", "mailto:tlsrpt@example.com", "--no-color");
    assertThat(g.exitCode()).isZero();
    // What a user selects and copies: the lines under the heading, up to the blank line before the next one.
    List<String> policy = g.out().lines().dropWhile(l -> !l.startsWith("Policy file:")).skip(1)
        .takeWhile(l -> !l.isEmpty()).toList();
    assertThat(policy).containsExactly("version: STSv1", "mode: enforce", "mx: mx1.example.com", "mx: mx2.example.com",
        "max_age: 604800");
    Path file = dir.resolve("pasted.txt");
    Files.writeString(file, String.join("\n", policy) + "\n");
    Cli lint = Cli.run("lint", "--no-color", file.toString());
    assertThat(lint.exitCode()).isZero();
    assertThat(lint.out()).startsWith("valid").doesNotContain("ERROR", "WARNING", "INFO");
    assertThat(g.out()).contains(System.lineSeparator() + "_mta-sts.example.com. 3600 IN TXT");
  }

  @Test
  void generateOutWritesThePolicyTheZoneSnippetAndTheChecklistAndOverwritesOnlyWithForce(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("publish");
    String[] args = {"generate", "--domain", "example.com", "--mx", "mx1.example.com", "--mode", "testing",
        "--max-age", "604800", "--rua", "mailto:tlsrpt@example.com", "--no-color", "--out", out.toString()};
    Cli first = Cli.run(args);
    assertThat(first.exitCode()).isZero();
    byte[] expected = "version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(Files.readAllBytes(out.resolve("mta-sts.txt"))).isEqualTo(expected);
    assertThat(Files.readString(out.resolve("mta-sts.zone")))
        .contains("_mta-sts.example.com. 3600 IN TXT \"v=STSv1; id=", "_smtp._tls.example.com. 3600 IN TXT");
    assertThat(Files.readString(out.resolve("README.md"))).contains("# MTA-STS for example.com",
        "https://mta-sts.example.com/.well-known/mta-sts.txt", "1. Get a certificate", "MODE_TESTING");
    assertThat(first.out()).contains("Written to", out.resolve("mta-sts.txt").toString());

    Files.writeString(out.resolve("mta-sts.txt"), "edited by hand");
    Cli again = Cli.run(args);
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("not overwriting", "mta-sts.txt", "--force");
    assertThat(Files.readString(out.resolve("mta-sts.txt"))).isEqualTo("edited by hand");

    String[] forced = java.util.Arrays.copyOf(args, args.length + 1);
    forced[args.length] = "--force";
    assertThat(Cli.run(forced).exitCode()).isZero();
    assertThat(Files.readAllBytes(out.resolve("mta-sts.txt"))).isEqualTo(expected);
  }

  @Test
  @DisplayName("MXM-12: a wildcard over a top-level domain is an error finding, so generate exits 1 and writes nothing")
  void generateExitsOneOnAnErrorFinding(@TempDir Path dir) {
    Cli plain = Cli.run("generate", "--domain", "example.com", "--mx", "*.com", "--max-age", "604800", "--no-color");
    assertThat(plain.out()).contains("ERROR", "BROAD_WILDCARD");
    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(Cli.run("generate", "--domain", "example.com", "--mx", "*.com", "--max-age", "604800", "--json")
        .exitCode()).isEqualTo(1);
    Cli out = Cli.run("generate", "--domain", "example.com", "--mx", "*.com", "--max-age", "604800", "--no-color",
        "--out", dir.resolve("out").toString());
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.out()).contains("Nothing written");
    assertThat(dir.resolve("out")).doesNotExist();
    assertThat(Cli.run("generate", "--domain", "example.com", "--mx", "*.example.com", "--max-age", "604800")
        .exitCode()).as("a wildcard over the domain itself is a warning").isZero();
  }

  @Test
  @DisplayName("POL-7: a max_age over the limit is refused in seconds and days, never as an ISO-8601 duration")
  void generateSpeaksOfMaxAgeInSecondsAndDays() {
    Cli r = Cli.run("generate", "--domain", "example.com", "--mx", "mx.example.com", "--max-age", "40000000");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("31557600", "40000000 seconds (about 463 days)").doesNotContain("PT");
  }

  @Test
  void generateRejectsBadInputWithExitCodeOneAndUsageErrorsWithTwo() {
    Cli bad = Cli.run("generate", "--domain", "example.com", "--mx", "m*.example.com", "--max-age", "86400");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("'*'");
    Cli usage = Cli.run("generate", "--mx", "mx.example.com");
    assertThat(usage.exitCode()).isEqualTo(2);
    assertThat(usage.err()).contains("--domain");
    assertThat(Cli.run("frobnicate").exitCode()).isEqualTo(2);
    assertThat(Cli.run().exitCode()).isEqualTo(2);
    assertThat(Cli.run("generate", "--domain", "example.com", "--mx", "a.example.com", "--max-age", "60",
        "--mode", "strict").exitCode()).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  void lintReportsEveryProblemWithLinesInTheDocumentedJsonShape(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mta-sts.txt");
    Files.writeString(file, "version: STSv1\nmode: live\nmx: mx.example.com\nmax_age: 1 week\n", StandardCharsets.UTF_8);
    Cli r = Cli.run("lint", "--json", file.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    Map<String, Object> doc = JsonDoc.parse(r.out());
    assertThat(doc).containsOnlyKeys("valid", "read_as", "lenient_only", "policy", "problems", "findings")
        .containsEntry("valid", false).containsEntry("policy", JsonDoc.NULL).containsEntry("read_as", "strict");
    List<Map<String, Object>> problems = (List<Map<String, Object>>) doc.get("problems");
    assertThat(problems).extracting(p -> p.get("code"), p -> p.get("line"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("POLICY_INVALID_MODE", 2L),
            org.assertj.core.groups.Tuple.tuple("POLICY_INVALID_MAX_AGE", 4L));
    assertThat(problems).allSatisfy(p -> assertThat(p).containsOnlyKeys("code", "severity", "line", "column", "message"));
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("POL-3: lint reads strictly by default, says in one line what lenient senders tolerate; --as-sender accepts")
  void lintIsStrictByDefaultAndReadsLikeASenderWithAsSender(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mta-sts.txt");
    Files.writeString(file, "\uFEFFversion: STSv1\nmode: enforce\nmx: mx.example.com.\nmax_age: 604800\n\n");
    Cli strict = Cli.run("lint", "--no-color", file.toString());
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.out()).contains("invalid", "(strict", "POLICY_BOM", "POLICY_MX_TRAILING_DOT", "POLICY_BLANK_LINE",
        "line 5");
    assertThat(strict.out().lines().filter(l -> l.contains("senders that tolerate")).toList()).singleElement()
        .asString().contains("byte order mark", "blank line", "mx pattern ends with a dot", "the RFC does not");
    assertThat(Cli.run("lint", "--strict", file.toString()).exitCode()).isEqualTo(1);
    assertThat(JsonDoc.parse(Cli.run("lint", "--json", file.toString()).out()))
        .containsEntry("valid", false).containsEntry("lenient_only", true);

    Cli sender = Cli.run("lint", "--as-sender", "--json", file.toString());
    assertThat(sender.exitCode()).isZero();
    Map<String, Object> doc = JsonDoc.parse(sender.out());
    assertThat(doc).containsEntry("read_as", "sender").containsEntry("lenient_only", false);
    assertThat((Map<String, Object>) doc.get("policy")).containsEntry("mx", List.of("mx.example.com"))
        .containsEntry("extensions", Map.of());
    assertThat((List<Map<String, Object>>) doc.get("problems")).extracting(p -> p.get("severity")).containsOnly("warning");
    assertThat(Cli.run("lint", "--as-sender", "--strict", file.toString()).exitCode()).isEqualTo(2);
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("POL-9, APP-2, MXM-12: lint gives generate's mode and max_age advice; a wildcard over a TLD exits 1")
  void lintGivesTheModeAndMaxAgeAdviceOfGenerate(@TempDir Path dir) throws Exception {
    Path testing = dir.resolve("testing.txt");
    Files.writeString(testing, "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 604800\r\n");
    Cli t = Cli.run("lint", "--no-color", testing.toString());
    assertThat(t.exitCode()).isZero();
    assertThat(t.out()).contains("MODE_TESTING", "switch to enforce", "604800 seconds (7 days)");

    Path shortEnforce = dir.resolve("short.txt");
    Files.writeString(shortEnforce, "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n");
    Cli s = Cli.run("lint", "--json", shortEnforce.toString());
    assertThat(s.exitCode()).isZero();
    assertThat((List<Map<String, Object>>) JsonDoc.parse(s.out()).get("findings")).singleElement()
        .satisfies(f -> assertThat(f).containsEntry("code", "MAX_AGE_SHORT").containsEntry("severity", "warning"));

    Path tld = dir.resolve("tld.txt");
    Files.writeString(tld, "version: STSv1\r\nmode: enforce\r\nmx: *.com\r\nmax_age: 604800\r\n");
    Cli w = Cli.run("lint", "--no-color", tld.toString());
    assertThat(w.exitCode()).isEqualTo(1);
    assertThat(w.out()).contains("valid", "ERROR", "BROAD_WILDCARD");
  }

  @Test
  @SuppressWarnings("unchecked")
  void lintJsonKeepsTheColumnsTheHumanOutputShows(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mta-sts.txt");
    Files.writeString(file, "version: STSv1\n  mode: enforce\nmx: mx.example.com\nmax_age: 604800\n");
    Cli human = Cli.run("lint", "--no-color", file.toString());
    assertThat(human.out()).contains("line 2:1 POLICY_LEADING_WHITESPACE");
    List<Map<String, Object>> problems = (List<Map<String, Object>>) JsonDoc.parse(
        Cli.run("lint", "--json", file.toString()).out()).get("problems");
    assertThat(problems).filteredOn(p -> p.get("code").equals("POLICY_LEADING_WHITESPACE")).singleElement()
        .satisfies(p -> assertThat(p).containsEntry("line", 2L).containsEntry("column", 1L));
    Map<String, Object> record = JsonDoc.parse(Cli.run("lint", "--json", "--record", "v=STSv1; id=bad-id").out());
    assertThat((List<Map<String, Object>>) record.get("problems")).singleElement()
        .satisfies(p -> assertThat(p).containsEntry("line", 1L).containsEntry("column", 13L));
  }

  @Test
  void lintExplainPrintsTheParagraphUnderEachCode(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mta-sts.txt");
    Files.writeString(file, "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 604800\n\n");
    Cli r = Cli.run("lint", "--no-color", "--explain", file.toString());
    assertThat(r.out()).contains("POLICY_BLANK_LINE", dev.mtasts.owner.Explanations.of("POLICY_BLANK_LINE").orElseThrow());
    assertThat(Cli.run("lint", "--no-color", file.toString()).out()).doesNotContain("RFC 8461 §3.2 has no empty lines");
  }

  @Test
  @SuppressWarnings("unchecked")
  void lintChecksRecordValues() {
    Cli sts = Cli.run("lint", "--json", "--record", "v=STSv1; id=20260101");
    assertThat(sts.exitCode()).isZero();
    assertThat((Map<String, Object>) JsonDoc.parse(sts.out()).get("record")).containsEntry("type", "sts")
        .containsEntry("id", "20260101");
    Cli rpt = Cli.run("lint", "--json", "--record", "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/v1");
    assertThat(rpt.exitCode()).isZero();
    assertThat((Map<String, Object>) JsonDoc.parse(rpt.out()).get("record"))
        .containsEntry("rua", List.of("mailto:a@example.com", "https://r.example.com/v1"));
    Cli bad = Cli.run("lint", "--no-color", "--record", "v=STSv1; id=bad-id");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.out()).contains("STS_RECORD_INVALID_ID", "column 13");
    assertThat(Cli.run("lint").exitCode()).isEqualTo(2);
  }

  @Test
  void lintNamesAMissingFile() {
    Cli r = Cli.run("lint", "/nonexistent/mta-sts.txt");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no such file");
  }

  @Test
  @DisplayName("SEC-12: lint prints a record value, a policy file's lines and a file name escaped")
  void lintPrintsWhatItQuotesEscaped(@TempDir Path dir) throws Exception {
    Cli record = Cli.run("lint", "--no-color", "--record", "v=STSv1; id=\u001b]0;pwned\u0007\u001b[2J");
    assertThat(record.exitCode()).isEqualTo(1);
    Cli.assertNothingForATerminalToRun(record.out());
    assertThat(record.out()).contains("id=\\e]0;pwned\\x07\\e[2J", "STS_RECORD_INVALID_ID");
    assertThat(JsonDoc.parse(Cli.run("lint", "--json", "--record", "v=STSv1; id=\u001b[2J").out()))
        .containsEntry("valid", false);

    Path file = dir.resolve("mta-sts.txt");
    Files.writeString(file, "version: STSv1\nmode: \u001b]0;pwned\u0007\nmx: mx.example.com\nmax_age: 86400\n");
    Cli policy = Cli.run("lint", "--no-color", file.toString());
    assertThat(policy.exitCode()).isEqualTo(1);
    Cli.assertNothingForATerminalToRun(policy.out());
    assertThat(policy.out()).contains("POLICY_INVALID_MODE");

    Cli missing = Cli.run("lint", dir.resolve("\u001b[2Jgone.txt").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    Cli.assertNothingForATerminalToRun(missing.err());
    assertThat(missing.err()).contains("no such file", "\\e[2Jgone.txt");
  }

  @Test
  void helpAndVersionWork() {
    Cli help = Cli.run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("generate", "check", "lint", "resolve", "explain", "Exit codes");
    assertThat(Cli.run("--version").out()).startsWith("mta-sts ");
  }

  @Test
  void anUnknownCommandIsAUsageErrorWithSuggestionsAndNoHelpPage() {
    Cli r = Cli.run("frobnicate", "--help");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("unknown command 'frobnicate'", "generate, check, lint, resolve, explain");
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).doesNotContain("Usage:");
    Cli typo = Cli.run("generat", "--help");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.err()).contains("Did you mean: generate?").doesNotContain("Usage:");
    Cli hostile = Cli.run("\u001b[2Jx");
    assertThat(hostile.exitCode()).isEqualTo(2);
    Cli.assertNothingForATerminalToRun(hostile.err());
    assertThat(Cli.run("lint", "--help").exitCode()).isZero();
  }
}
