package dev.mtasts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.Corpus;
import dev.mtasts.core.dns.DnsOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * The fuzz targets' properties over every file of the real-world corpus, as plain tests: the
 * fuzzers start from these inputs, and the default build checks them all without fuzzing. Skipped
 * when the corpus is absent (a user's clone).
 */
@Timeout(60)
class CorpusPropertiesTest {
  private static Corpus corpus() {
    return Corpus.forTests();
  }

  @TestFactory
  Stream<DynamicTest> everyPolicyFileHoldsTheParserProperties() {
    return corpus().policies().stream().map(f -> DynamicTest.dynamicTest(f.name(), () -> {
      PolicyParserFuzzTest.checkBytes(f.bytes());
      PolicyParserFuzzTest.checkText(new String(f.bytes(), StandardCharsets.UTF_8));
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyStsRecordHoldsTheRecordProperties() {
    return Corpus.values(corpus().stsRecords(), false).stream().distinct()
        .map(v -> DynamicTest.dynamicTest(v, () -> TxtRecordFuzzTest.checkStsRecord(v)));
  }

  @TestFactory
  Stream<DynamicTest> everyTlsRptRecordHoldsTheRecordProperties() {
    return Corpus.values(corpus().tlsRptRecords(), false).stream().distinct()
        .map(v -> DynamicTest.dynamicTest(v, () -> TxtRecordFuzzTest.checkTlsRptRecord(v)));
  }

  @Test
  void selectionAgreesWithTheOracleOnCorpusRecordSets() {
    for (byte[] group : Seeds.selections(corpus())) {
      TxtRecordFuzzTest.checkSelection(
          TxtRecordFuzzTest.splitValues(new String(group, StandardCharsets.ISO_8859_1)));
    }
  }

  @Test
  void everyCorpusMxPatternMatchesLikeTheReference() {
    for (byte[] pair : Seeds.mxPairs(corpus())) {
      String s = new String(pair, StandardCharsets.UTF_8);
      int nul = s.indexOf('\0');
      String pattern = s.substring(0, nul);
      for (String host : List.of(s.substring(nul + 1), pattern, "mx." + pattern, "a.b." + pattern)) {
        MxPatternFuzzTest.check(pattern, host);
      }
    }
  }

  @Test
  void seedReportsHoldTheReportProperties() {
    // Not from the corpus, which has no reports: the RFC 8460 example and variants.
    for (byte[] report : ReportParserFuzzTest.seedReports()) {
      ReportParserFuzzTest.check(report);
    }
  }

  @Test
  void corpusStsRecordsServedOverDnsComeBackUnchanged() {
    List<String> values = new ArrayList<>(new java.util.LinkedHashSet<>(Corpus.values(corpus().stsRecords(), false)));
    for (String v : values.subList(0, Math.min(values.size(), 40))) {
      DnsAnswerFuzzTest.AnswerScript script = DnsAnswerFuzzTest.AnswerScript.decode(
          DnsAnswerFuzzTest.AnswerScript.seedTxt(v));
      DnsAnswerFuzzTest.check(script);
      if (v.length() <= 255 && v.chars().allMatch(c -> c < 0x100)) {
        // The scripted server really answers: a plain NOERROR answer is read back exactly.
        assertThat(DnsAnswerFuzzTest.txt()).isEqualTo(new DnsOutcome.Records<>(
            DnsAnswerFuzzTest.TXT_NAME, List.of(v), List.of()));
      }
    }
  }
}
