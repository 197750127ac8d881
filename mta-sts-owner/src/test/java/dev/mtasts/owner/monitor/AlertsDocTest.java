package dev.mtasts.owner.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/alerts.md lists every alert code with its severity, rule, kind, fix and explanation. */
class AlertsDocTest {
  @Test
  void everyAlertCodeIsDocumentedWithItsSeverityRuleKindFixAndExplanation() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "alerts.md"));
    for (AlertCode code : AlertCode.values()) {
      assertThat(doc).as(code.name()).contains("| `" + code.name() + "` | " + code.defaultSeverity().token() + " | "
          + code.checklistId() + " | " + (code.isNotice() ? "notice" : "condition") + " |");
      assertThat(doc).as(code.name()).contains(code.fix() + " |");
      assertThat(doc).as(code.name()).containsPattern("### `" + code.name() + "`\n\n\\S");
    }
    assertThat(doc.split("\n### `", -1)).as("one explanation per code").hasSize(AlertCode.values().length + 1);
  }

  @Test
  void everyCodeNamesItsOwnRule() {
    for (AlertCode code : AlertCode.values()) {
      assertThat(code.checklistId()).matches("MON-\\d+");
    }
    assertThat(java.util.Arrays.stream(AlertCode.values()).map(AlertCode::checklistId).distinct())
        .hasSize(AlertCode.values().length);
  }
}
