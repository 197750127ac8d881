package dev.mtasts.owner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/findings.md lists every finding code with its severity, rule and fix. */
class FindingsDocTest {

  @Test
  void everyFindingCodeIsDocumentedWithItsSeverityRuleAndFix() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "findings.md"));
    for (FindingCode code : FindingCode.values()) {
      assertThat(doc).as(code.name()).contains("| `" + code.name() + "` | "
          + code.defaultSeverity().token() + " | " + code.checklistId() + " |");
      assertThat(doc).as(code.name()).contains(code.fix());
    }
  }
}
