package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProblemCodeTest {

  @Test
  void everyTxtProblemKindHasACodeForBothRecordTypes() {
    for (TxtRecordParser.Kind kind : TxtRecordParser.Kind.values()) {
      assertThat(ProblemCode.valueOf("STS_RECORD_" + kind.name())).isNotNull();
      assertThat(ProblemCode.valueOf("TLSRPT_RECORD_" + kind.name())).isNotNull();
    }
  }

  @Test
  void everyCodeNamesAChecklistItemThatExists() throws Exception {
    Pattern id = Pattern.compile("(TXT|POL|RPT|FET)-\\d+");
    String checklist = Files.readString(java.nio.file.Path.of(System.getProperty("mtasts.repo.dir", ".."))
        .resolve("docs/rfc-checklist.md"));
    for (ProblemCode code : ProblemCode.values()) {
      assertThat(code.checklistId()).as(code.name()).matches(id);
      assertThat(code.summary()).isNotBlank();
      assertThat(checklist).as(code.name()).contains("| " + code.checklistId() + " |");
    }
  }
}
