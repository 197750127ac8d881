package dev.mtasts.owner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.ProblemCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/findings.md lists every finding code with its severity, rule, fix and explanation. */
class FindingsDocTest {
  private static final String HEADING = "\n## Explanations\n\n";

  @Test
  void everyFindingCodeIsDocumentedWithItsSeverityRuleAndFix() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "findings.md"));
    for (FindingCode code : FindingCode.values()) {
      assertThat(doc).as(code.name()).contains("| `" + code.name() + "` | "
          + code.defaultSeverity().token() + " | " + code.checklistId() + " |");
      assertThat(doc).as(code.name()).contains(code.fix());
    }
  }

  @Test
  void theExplanationsTheCliPrintsAreTheOnesInTheDocs() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "findings.md"));
    assertThat(doc).contains(HEADING);
    // The last section of the page is the resource, byte for byte: one source, two readers.
    assertThat(doc.substring(doc.indexOf(HEADING) + HEADING.length())).isEqualTo(Explanations.text());
  }

  @Test
  void everyFindingCodeAndEveryParserCodeHasAnExplanationAndNothingElseDoes() {
    for (FindingCode code : FindingCode.values()) {
      assertThat(code.explanation()).as(code.name()).isNotBlank().doesNotContain("\n");
    }
    assertThat(Explanations.codes()).containsExactlyInAnyOrderElementsOf(
        Stream.concat(Arrays.stream(FindingCode.values()).map(Enum::name),
            Arrays.stream(ProblemCode.values()).map(Enum::name)).distinct().toList());
  }

  @Test
  void anExplanationIsOneParagraphJoinedFromItsLines() {
    assertThat(Explanations.parse("### `A`\n\nfirst line\nsecond line\n\n### `B`\n\nother\n"))
        .containsEntry("A", "first line second line").containsEntry("B", "other");
    assertThat(Explanations.of("NO_SUCH_CODE")).isEmpty();
  }
}
