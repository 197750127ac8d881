package dev.mtasts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mtasts.core.LenientPolicy;
import dev.mtasts.core.MtaStsParseException;
import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.ParseMode;
import dev.mtasts.core.ParseProblem;
import dev.mtasts.core.ParseReport;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The policy parser, strict and lenient, through both entry points (bytes as served, and text).
 *
 * <p>Properties: only {@link MtaStsParseException} escapes, and it lists at least one error with a
 * code and a location; {@code parse} agrees with {@code lint}; whatever strict accepts, lenient
 * accepts with the same policy and the same notes; an accepted policy round-trips through
 * {@code toText()}; bytes and text agree whenever the bytes are UTF-8.
 */
class PolicyParserFuzzTest {

  // Dictionary entries are copied verbatim into a libFuzzer dictionary file, between quotes: bytes
  // that are not printable ASCII, quotes and backslashes must be written in its \xNN / \" / \\ syntax.
  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"version: STSv1\\x0a", "mode: enforce\\x0a", "mode: testing", "mode: none",
      "mx: ", "*.", "max_age: ", "86400", "31557600", "\\x0d\\x0a", "\\xef\\xbb\\xbf", ": ", "mx: mail.example.com"})
  void policyBytes(byte[] data) {
    checkBytes(data);
  }

  /**
   * The {@code CharSequence} entry point, fed text that bytes cannot carry: the fuzz input is read
   * as UTF-8 (malformed sequences become U+FFFD), except that 0xFE and 0xFF, which never occur in
   * UTF-8, become the unpaired surrogates U+D800 and U+DC00.
   */
  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"version: STSv1\\x0a", "mode: enforce\\x0a", "mode: testing", "mode: none",
      "mx: ", "*.", "max_age: ", "86400", "31557600", "\\x0d\\x0a", "\\xef\\xbb\\xbf", ": ", "\\xc3\\xbc", "\\xfe", "\\xff"})
  void policyText(byte[] data) {
    checkText(textOf(data));
  }

  /** Every property for one body given as bytes. */
  static void checkBytes(byte[] data) {
    ParseReport<MtaStsPolicy> strict = checkModes(data, MtaStsPolicy.lint(data, ParseMode.STRICT),
        MtaStsPolicy.lint(data, ParseMode.LENIENT));
    checkThrowing(strict, () -> MtaStsPolicy.parse(data));
    checkLenientThrowing(MtaStsPolicy.lint(data, ParseMode.LENIENT), () -> MtaStsPolicy.parseLenient(data));
    String text = utf8(data);
    if (text != null) {
      // The two entry points must read the same body the same way (messages may count in chars).
      assertSameReading(MtaStsPolicy.lint(text, ParseMode.STRICT), strict);
      assertSameReading(MtaStsPolicy.lint(text, ParseMode.LENIENT), MtaStsPolicy.lint(data, ParseMode.LENIENT));
    }
  }

  /** Every property for one body given as text. */
  static void checkText(String text) {
    checkModes(text, MtaStsPolicy.lint(text, ParseMode.STRICT), MtaStsPolicy.lint(text, ParseMode.LENIENT));
    checkThrowing(MtaStsPolicy.lint(text, ParseMode.STRICT), () -> MtaStsPolicy.parse(text));
    checkLenientThrowing(MtaStsPolicy.lint(text, ParseMode.LENIENT), () -> MtaStsPolicy.parseLenient(text));
  }

  private static ParseReport<MtaStsPolicy> checkModes(
      Object input, ParseReport<MtaStsPolicy> strict, ParseReport<MtaStsPolicy> lenient) {
    checkProblems(strict.problems());
    checkProblems(lenient.problems());
    MtaStsPolicy p = strict.value();
    if (p != null) {
      // Lenient only turns strict errors into warnings: on a body strict accepts it has nothing to add.
      assertThat(lenient.value()).as("lenient reading of a strictly valid body %s", show(input)).isEqualTo(p);
      assertThat(lenient.problems()).as("lenient notes on a strictly valid body").isEqualTo(strict.problems());
      assertRoundTrip(p, strict.problems());
    }
    MtaStsPolicy q = lenient.value();
    if (q != null) {
      assertRoundTrip(q, lenient.problems());
    }
    return strict;
  }

  /** The canonical form is strictly valid and reads back as the same policy, as text and bytes. */
  static void assertRoundTrip(MtaStsPolicy p, List<ParseProblem> readNotes) {
    String text = p.toText();
    assertThat(MtaStsPolicy.parse(text)).as("parse(toText()) of %s", text).isEqualTo(p);
    assertThat(MtaStsPolicy.parse(p.toBytes())).as("parse(toBytes()) of %s", text).isEqualTo(p);
    // Writing adds no note the reading did not have: notes about content stay (an mx such as
    // 'al.1' looks like an IP address; an extension 'Mx' differs from 'mx' only by case), notes
    // about layout go. The first campaign found that "no notes at all" was too strong.
    assertThat(MtaStsPolicy.lint(text, ParseMode.STRICT).problems()).as("notes on canonical %s", text)
        .extracting(ParseProblem::code)
        .isSubsetOf(readNotes.stream().map(ParseProblem::code).toList());
  }

  private static void checkThrowing(ParseReport<MtaStsPolicy> report, ThrowingParse parse) {
    try {
      MtaStsPolicy p = parse.run();
      assertThat(p).isEqualTo(report.value());
    } catch (MtaStsParseException e) {
      assertThat(report.isValid()).as("parse threw but lint accepted: %s", e.getMessage()).isFalse();
      assertThat(e.problems()).isEqualTo(report.problems());
      checkException(e);
    }
  }

  private static void checkLenientThrowing(ParseReport<MtaStsPolicy> report, ThrowingLenient parse) {
    try {
      LenientPolicy p = parse.run();
      assertThat(p.policy()).isEqualTo(report.value());
      assertThat(p.warnings()).isEqualTo(report.problems());
    } catch (MtaStsParseException e) {
      assertThat(report.isValid()).as("parseLenient threw but lint accepted: %s", e.getMessage()).isFalse();
      assertThat(e.problems()).isEqualTo(report.problems());
      checkException(e);
    }
  }

  /** The documented exception lists at least one error, each with a code and a location. */
  static void checkException(MtaStsParseException e) {
    assertThat(e.problems()).as("problems of %s", e.getMessage()).anyMatch(ParseProblem::isError);
    assertThat(e.getMessage()).isNotBlank();
    checkProblems(e.problems());
  }

  private static void checkProblems(List<ParseProblem> problems) {
    for (ParseProblem p : problems) {
      assertThat(p.code()).isNotNull();
      assertThat(p.code().checklistId()).isNotBlank();
      assertThat(p.line()).isNotNegative();
      assertThat(p.column()).isNotNegative();
      assertThat(p.message()).isNotBlank();
    }
  }

  private static void assertSameReading(ParseReport<MtaStsPolicy> text, ParseReport<MtaStsPolicy> bytes) {
    assertThat(text.value()).isEqualTo(bytes.value());
    assertThat(text.problems()).extracting(
            ParseProblem::code, ParseProblem::severity, ParseProblem::line, ParseProblem::column, ParseProblem::field)
        .isEqualTo(bytes.problems().stream()
            .map(p -> org.assertj.core.groups.Tuple.tuple(p.code(), p.severity(), p.line(), p.column(), p.field()))
            .toList());
  }

  /** The bytes as a string if they are well-formed UTF-8, else {@code null}. */
  static String utf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** See {@link #policyText(byte[])}. */
  static String textOf(byte[] data) {
    StringBuilder sb = new StringBuilder(data.length);
    int start = 0;
    for (int i = 0; i <= data.length; i++) {
      if (i == data.length || data[i] == (byte) 0xFE || data[i] == (byte) 0xFF) {
        sb.append(new String(data, start, i - start, StandardCharsets.UTF_8));
        if (i < data.length) {
          sb.append(data[i] == (byte) 0xFE ? '\uD800' : '\uDC00');
        }
        start = i + 1;
      }
    }
    return sb.toString();
  }

  private static String show(Object input) {
    return input instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(input);
  }

  @FunctionalInterface
  private interface ThrowingParse {
    MtaStsPolicy run();
  }

  @FunctionalInterface
  private interface ThrowingLenient {
    LenientPolicy run();
  }
}
