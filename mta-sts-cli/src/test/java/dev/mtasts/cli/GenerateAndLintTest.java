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
    assertThat(doc).containsOnlyKeys("valid", "policy", "problems").containsEntry("valid", false)
        .containsEntry("policy", JsonDoc.NULL);
    List<Map<String, Object>> problems = (List<Map<String, Object>>) doc.get("problems");
    assertThat(problems).extracting(p -> p.get("code"), p -> p.get("line"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("POLICY_INVALID_MODE", 2L),
            org.assertj.core.groups.Tuple.tuple("POLICY_INVALID_MAX_AGE", 4L));
    assertThat(problems).allSatisfy(p -> assertThat(p).containsOnlyKeys("code", "severity", "line", "message"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void lintReadsLikeASenderUnlessStrict(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mta-sts.txt");
    Files.writeString(file, "version: STSv1\nmode: enforce\nmx: mx.example.com.\nmax_age: 86400\n\n");
    Cli lenient = Cli.run("lint", "--json", file.toString());
    assertThat(lenient.exitCode()).isZero();
    Map<String, Object> doc = JsonDoc.parse(lenient.out());
    assertThat((Map<String, Object>) doc.get("policy")).containsEntry("mx", List.of("mx.example.com"))
        .containsEntry("extensions", Map.of());
    assertThat((List<Map<String, Object>>) doc.get("problems")).extracting(p -> p.get("severity")).containsOnly("warning");
    Cli strict = Cli.run("lint", "--strict", "--no-color", file.toString());
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.out()).contains("invalid", "POLICY_MX_TRAILING_DOT", "POLICY_BLANK_LINE", "line 5");
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
    assertThat(help.out()).contains("generate", "check", "lint", "resolve", "Exit codes");
    assertThat(Cli.run("--version").out()).startsWith("mta-sts ");
  }
}
