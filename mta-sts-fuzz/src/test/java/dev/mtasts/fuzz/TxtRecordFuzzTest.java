package dev.mtasts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsRecord;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.ParseReport;
import dev.mtasts.core.TlsRptRecord;
import dev.mtasts.core.TxtRecordSelection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code _mta-sts} and {@code _smtp._tls} TXT record parsers and the choice of the one record
 * among all TXT values at a name.
 *
 * <p>The input bytes are read as ISO-8859-1, the way {@code DnsjavaLookup} maps TXT octets to
 * chars, so bytes above 0x7F reach the parsers as they would from DNS.
 */
class TxtRecordFuzzTest {

  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"v=STSv1", "; ", "id=", "20240101T000000", ";", " ", "\\x09", "=", "ext=v"})
  void stsRecord(byte[] data) {
    checkStsRecord(new String(data, StandardCharsets.ISO_8859_1));
  }

  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"v=TLSRPTv1", "; ", "rua=", "mailto:", "https://", "@example.com", ",", "%2C",
      "%21", "%3B", "?subject=", "httpc:", "ext=v", ";"})
  void tlsRptRecord(byte[] data) {
    checkTlsRptRecord(new String(data, StandardCharsets.ISO_8859_1));
  }

  /** The input is the TXT values at one name, separated by NUL; both selections run on them. */
  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"\\x00", "v=STSv1", "v=TLSRPTv1", "; id=1", "; rua=mailto:a@example.com", " ;",
      "\\x09;", "v=spf1 -all", "v=STSv1;", "v=stsv1;"})
  void selection(byte[] data) {
    checkSelection(splitValues(new String(data, StandardCharsets.ISO_8859_1)));
  }

  static void checkStsRecord(String text) {
    ParseReport<MtaStsRecord> report = MtaStsRecord.lint(text);
    checkProblems(report.problems());
    try {
      assertThat(MtaStsRecord.parse(text)).isEqualTo(report.value());
    } catch (MtaStsParseException e) {
      assertThat(report.isValid()).as("parse threw but lint accepted %s", text).isFalse();
      assertThat(e.problems()).isEqualTo(report.problems());
      PolicyParserFuzzTest.checkException(e);
    }
    MtaStsRecord r = report.value();
    if (r != null) {
      String canonical = r.toText();
      assertThat(MtaStsRecord.parse(canonical)).as("parse(toText()) of %s", canonical).isEqualTo(r);
      assertThat(MtaStsRecord.lint(canonical).problems()).as("notes on canonical %s", canonical).isEmpty();
      assertThat(MtaStsRecord.isValidId(r.id())).isTrue();
      // A valid record is one the selection rule considers, alone or among foreign values.
      assertThat(MtaStsRecord.select(List.of("v=spf1 -all", text)))
          .isEqualTo(new TxtRecordSelection.Found<>(r, text, report.problems()));
    }
  }

  static void checkTlsRptRecord(String text) {
    ParseReport<TlsRptRecord> report = TlsRptRecord.lint(text);
    checkProblems(report.problems());
    try {
      assertThat(TlsRptRecord.parse(text)).isEqualTo(report.value());
    } catch (MtaStsParseException e) {
      assertThat(report.isValid()).as("parse threw but lint accepted %s", text).isFalse();
      assertThat(e.problems()).isEqualTo(report.problems());
      PolicyParserFuzzTest.checkException(e);
    }
    TlsRptRecord r = report.value();
    if (r != null) {
      // rua is required. Only mailto: and https: can be delivered to, but a valid record may hold
      // other schemes only (RPT-4 keeps them in rua and leaves them out of reportUris()).
      assertThat(r.rua()).as("rua of valid %s", text).isNotEmpty();
      assertThat(r.reportUris()).allMatch(u -> u.getScheme().equalsIgnoreCase("mailto")
          || u.getScheme().equalsIgnoreCase("https"));
      String canonical = r.toText();
      assertThat(TlsRptRecord.parse(canonical)).as("parse(toText()) of %s", canonical).isEqualTo(r);
      assertThat(TlsRptRecord.select(List.of("v=spf1 -all", text)))
          .isEqualTo(new TxtRecordSelection.Found<>(r, text, report.problems()));
    }
  }

  static void checkSelection(List<String> values) {
    assertThat(MtaStsRecord.select(values))
        .isEqualTo(oracle(values, MtaStsRecord.VERSION_TAG, MtaStsRecord::lint));
    assertThat(TlsRptRecord.select(values))
        .isEqualTo(oracle(values, TlsRptRecord.VERSION_TAG, TlsRptRecord::lint));
  }

  /**
   * RFC 8461 §3.1 / RFC 8460 §3, written independently of the core: a value counts when it
   * begins with the version tag, case-sensitively, followed by optional spaces or tabs and
   * {@code ;} (the core reads erratum 6285 as accepting whitespace before the first {@code ;});
   * {@code v=STSv1} without the {@code ;} is not a record. No candidate: no record; several: the
   * sender acts as if there were none; one: it is the record, valid or not.
   */
  static <T> TxtRecordSelection<T> oracle(List<String> values, String tag,
      Function<String, ParseReport<T>> lint) {
    Pattern begins = Pattern.compile(Pattern.quote(tag) + "[ \\t]*;.*", Pattern.DOTALL);
    List<String> candidates = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    for (String v : values) {
      (begins.matcher(v).matches() ? candidates : ignored).add(v);
    }
    if (candidates.isEmpty()) {
      return new TxtRecordSelection.NoRecord<>(ignored);
    }
    if (candidates.size() > 1) {
      return new TxtRecordSelection.MultipleRecords<>(candidates);
    }
    String only = candidates.get(0);
    ParseReport<T> report = lint.apply(only);
    return report.isValid()
        ? new TxtRecordSelection.Found<>(report.value(), only, report.problems())
        : new TxtRecordSelection.InvalidRecord<>(only, report.problems());
  }

  private static void checkProblems(List<ParseProblem> problems) {
    for (ParseProblem p : problems) {
      assertThat(p.code()).isNotNull();
      // TXT problems are on line 1 by definition.
      assertThat(p.line()).isEqualTo(1);
      assertThat(p.column()).isNotNegative();
    }
  }

  static List<String> splitValues(String joined) {
    return List.of(joined.split("\0", -1));
  }

  static String joinValues(List<String> values) {
    return String.join("\0", values);
  }
}
