package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MtaStsPolicyTest {

  static final String VALID = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.backup.example.com\nmax_age: 604800\n";

  /** The problems of a strict reading, as (code, line) pairs. */
  static List<ParseProblem> problems(String text) {
    return MtaStsPolicy.lint(text, ParseMode.STRICT).problems();
  }

  static MtaStsParseException parseFailure(String text) {
    return (MtaStsParseException) org.assertj.core.api.Assertions.catchThrowable(() -> MtaStsPolicy.parse(text));
  }

  @Test
  void parsesAValidPolicy() {
    MtaStsPolicy p = MtaStsPolicy.parse(VALID);
    assertThat(p.version()).isEqualTo("STSv1");
    assertThat(p.mode()).isEqualTo(MtaStsMode.ENFORCE);
    assertThat(p.mx()).map(MxPattern::toString).containsExactly("mail.example.com", "*.backup.example.com");
    assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
    assertThat(p.maxAgeSeconds()).isEqualTo(604800);
    assertThat(p.extensions()).isEmpty();
    assertThat(p.matches("mail.example.com.")).isTrue();
    assertThat(p.matches("mx1.backup.example.com")).isTrue();
    assertThat(p.matches("other.example.com")).isFalse();
  }

  @Nested
  class LineStructure {
    @Test
    void acceptsLfCrlfAndAMissingFinalTerminator() {
      // POL-1
      MtaStsPolicy lf = MtaStsPolicy.parse(VALID);
      assertThat(MtaStsPolicy.parse(VALID.replace("\n", "\r\n"))).isEqualTo(lf);
      assertThat(MtaStsPolicy.parse(VALID.substring(0, VALID.length() - 1))).isEqualTo(lf);
      assertThat(MtaStsPolicy.parse(VALID.replace("\n", "\r\n").stripTrailing())).isEqualTo(lf);
    }

    @Test
    void mixedLineEndingsAreValidAndNoted() {
      // POL-1: each terminator is LF or CRLF on its own.
      String mixed = "version: STSv1\r\nmode: testing\nmx: a.example\r\nmax_age: 1\n";
      ParseReport<MtaStsPolicy> r = MtaStsPolicy.lint(mixed, ParseMode.STRICT);
      assertThat(r.isValid()).isTrue();
      assertThat(r.problems()).extracting(ParseProblem::code, ParseProblem::severity)
          .containsExactly(tuple(ProblemCode.POLICY_MIXED_LINE_ENDINGS, Severity.INFO));
    }

    @Test
    void aBareCarriageReturnIsNotALineEnding() {
      // POL-1
      assertThat(problems("version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code, ParseProblem::line)
          .contains(tuple(ProblemCode.POLICY_BARE_CR, 1));
      assertThat(problems("version: STSv1\nmode: enforce\r\r\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code).contains(ProblemCode.POLICY_BARE_CR);
    }

    @Test
    void whitespaceBeforeTheColonOrAtLineStartIsInvalidButTrailingWhitespaceIsValid() {
      // POL-2
      assertThat(problems("version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code, ParseProblem::line, ParseProblem::column)
          .containsExactly(tuple(ProblemCode.POLICY_WHITESPACE_BEFORE_COLON, 1, 8));
      assertThat(problems("version: STSv1\n mode: enforce\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_LEADING_WHITESPACE, 2));
      assertThat(MtaStsPolicy.parse("version: STSv1 \t\nmode:enforce  \r\nmx:\ta.example\t\nmax_age: 1 \n").mode())
          .isEqualTo(MtaStsMode.ENFORCE);
    }

    @Test
    void blankLinesAreInvalidAnywhereIncludingAtTheEnd() {
      // POL-3
      assertThat(problems(VALID + "\n")).extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_BLANK_LINE, 6));
      assertThat(problems("\n" + VALID)).extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_BLANK_LINE, 1));
      assertThat(problems(VALID.replace("mode", " \t\nmode"))).extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_BLANK_LINE, 2));
      assertThat(problems(VALID.replace("\n", "\r\n") + "\r\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_BLANK_LINE);
    }

    @Test
    void commentsAndLinesWithoutColonAreInvalid() {
      // POL-1: there is no comment syntax.
      assertThat(problems("# policy\n" + VALID)).extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_COMMENT, 1));
      assertThat(problems(VALID + "just text\n")).extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_NOT_KEY_VALUE, 6));
    }

    @Test
    void anEmptyBodyIsInvalid() {
      assertThat(problems("")).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_EMPTY);
      assertThat(MtaStsPolicy.lint(new byte[0], ParseMode.LENIENT).problems()).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_EMPTY);
    }
  }

  @Nested
  class Fields {
    @Test
    void namesAndValuesAreCaseSensitive() {
      // POL-4: "Mode" is an extension, so the policy lacks "mode".
      MtaStsParseException e = parseFailure("version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 1\n");
      assertThat(e.problems()).extracting(ParseProblem::code, ParseProblem::severity).containsExactly(
          tuple(ProblemCode.POLICY_FIELD_NAME_CASE, Severity.WARNING),
          tuple(ProblemCode.POLICY_MISSING_MODE, Severity.ERROR));
      assertThat(e.getMessage()).contains("there is a field 'Mode', but field names are case-sensitive");
      assertThat(problems("version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n"))
          .singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ProblemCode.POLICY_INVALID_MODE);
            assertThat(p.message()).contains("values are case-sensitive: write 'enforce'");
          });
      assertThat(problems("version: stsv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_INVALID_VERSION);
    }

    @Test
    void versionIsRequiredMustBeStsv1AndNeedNotComeFirst() {
      // POL-5
      assertThat(MtaStsPolicy.parse("mode: testing\nmx: a.example\nmax_age: 1\nversion: STSv1\n").mode())
          .isEqualTo(MtaStsMode.TESTING);
      assertThat(problems("mode: testing\nmx: a.example\nmax_age: 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_MISSING_VERSION);
      assertThat(problems("version: STSv2\nmode: testing\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code, ParseProblem::line, ParseProblem::column, ParseProblem::field)
          .containsExactly(tuple(ProblemCode.POLICY_INVALID_VERSION, 1, 10, "version"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"enforced", "test", "live", "[testing]", "enforce # comment", "ENFORCE"})
    void modeMustBeOneOfTheThreeValues(String mode) {
      // POL-6
      assertThat(problems("version: STSv1\nmode: " + mode + "\nmx: a.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_INVALID_MODE, 2));
    }

    @Test
    void modeIsRequired() {
      // POL-6
      assertThat(problems("version: STSv1\nmx: a.example\nmax_age: 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_MISSING_MODE);
      assertThat(problems("version: STSv1\nmode:\nmx: a.example\nmax_age: 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_EMPTY_VALUE);
    }

    @Test
    void maxAgeIsOneToTenDigitsUpToOneYearParsedAsLong() {
      // POL-7
      assertThat(MtaStsPolicy.parse(withMaxAge("0")).maxAgeSeconds()).isZero();
      assertThat(MtaStsPolicy.parse(withMaxAge("0000604800")).maxAgeSeconds()).isEqualTo(604800);
      assertThat(MtaStsPolicy.parse(withMaxAge("31557600")).maxAge()).isEqualTo(MtaStsPolicy.MAX_MAX_AGE);
      assertThat(problems(withMaxAge("31557601"))).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_MAX_AGE_TOO_LARGE);
      // 10 digits above 2^31-1 and above 2^32: no overflow, a clear range error.
      assertThat(problems(withMaxAge("9999999999"))).singleElement().satisfies(p -> {
        assertThat(p.code()).isEqualTo(ProblemCode.POLICY_MAX_AGE_TOO_LARGE);
        assertThat(p.message()).contains("9999999999");
      });
      for (String bad : new String[] {"99999999999", "-1", "+1", "1.5", "604,800", "1e6", "86400}", "\u0661"}) {
        assertThat(problems(withMaxAge(bad))).as(bad).extracting(ParseProblem::code)
            .containsExactly(ProblemCode.POLICY_INVALID_MAX_AGE);
      }
    }

    @Test
    void maxAgeIsExposedAsTheCacheLifetime() {
      // POL-8: senders cache for up to max_age from the fetch.
      assertThat(MtaStsPolicy.parse(withMaxAge("86400")).maxAge()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shortMaxAgesAreValidSyntaxEvenThoughOwnersShouldUseWeeks() {
      // POL-9 is advice to owners, not syntax.
      assertThat(MtaStsPolicy.parse(withMaxAge("60")).maxAgeSeconds()).isEqualTo(60);
    }

    private static String withMaxAge(String v) {
      return "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: " + v + "\n";
    }
  }

  @Nested
  class Mx {
    @Test
    void eachPatternNeedsItsOwnLine() {
      // POL-10
      assertThat(problems("version: STSv1\nmode: enforce\nmx: a.example b.example\nmax_age: 1\n"))
          .singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ProblemCode.POLICY_MX_LIST);
            assertThat(p.message()).contains("own 'mx:' line");
          });
      assertThat(problems("version: STSv1\nmode: enforce\nmx: a.example,b.example\nmax_age: 1\n"))
          .extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_MX_LIST);
    }

    @Test
    void mxIsRequiredUnlessModeIsNone() {
      // POL-11
      assertThat(problems("version: STSv1\nmode: enforce\nmax_age: 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_MISSING_MX);
      assertThat(problems("version: STSv1\nmode: testing\nmax_age: 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_MISSING_MX);
      MtaStsPolicy none = MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n");
      assertThat(none.mx()).isEmpty();
      MtaStsPolicy noneWithMx = MtaStsPolicy.parse("version: STSv1\nmode: none\nmx: a.example\nmax_age: 1\n");
      assertThat(noneWithMx.mx()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"_dc-mx.example.com", "alt*.google.com", "*.*.example.com", "**.example.com",
        "-mx.example.com", "mx-.example.com", "mx.example.com:25", "[192.0.2.1]", "mx..example.com", ".",
        "*", "*.", "mx.example.com\\", "<yourdomain>.mail.protection.outlook.com"})
    void mxMustBeADomainOrAWildcardDomain(String mx) {
      // POL-12
      assertThat(problems("version: STSv1\nmode: enforce\nmx: " + mx + "\nmax_age: 1\n"))
          .as(mx).extracting(ParseProblem::code, ParseProblem::line)
          .containsExactly(tuple(ProblemCode.POLICY_INVALID_MX, 3));
    }

    @Test
    void aBareWildcardAtTheVeryEndOfTheBodyIsInvalid() {
      // POL-12; found by HostileInputTest: "*." as the last bytes once read past the end.
      assertThat(problems("version: STSv1\nmode: enforce\nmax_age: 1\nmx: *.")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_INVALID_MX);
    }

    @Test
    void aTrailingRootDotIsInvalidInStrictMode() {
      // POL-12
      assertThat(problems("version: STSv1\nmode: enforce\nmx: mail.tutanota.de.\nmax_age: 1\n"))
          .singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ProblemCode.POLICY_MX_TRAILING_DOT);
            assertThat(p.message()).contains("write 'mail.tutanota.de'");
          });
    }

    @Test
    void uLabelsAreInvalidAndTheALabelIsSuggested() {
      // POL-13
      assertThat(problems("version: STSv1\nmode: enforce\nmx: mx.bücher.example\nmax_age: 1\n"))
          .singleElement().satisfies(p -> {
            assertThat(p.code()).isEqualTo(ProblemCode.POLICY_MX_U_LABEL);
            assertThat(p.message()).contains("'mx.xn--bcher-kva.example'");
          });
    }

    @Test
    void anIpv4LookingPatternIsValidSyntaxButWarned() {
      // POL-12: RFC 5321 Domain allows all-digit labels; no real MX host has such a name.
      ParseReport<MtaStsPolicy> r = MtaStsPolicy.lint("version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 1\n",
          ParseMode.STRICT);
      assertThat(r.isValid()).isTrue();
      assertThat(r.warnings()).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_MX_IP_ADDRESS);
    }

    @Test
    void repeatedMxLinesAccumulateAndDuplicatesAreHarmless() {
      // POL-16
      MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.example\nmx: b.example\n"
          + "mx: a.example\nmax_age: 1\n");
      assertThat(p.mx()).map(MxPattern::toString).containsExactly("a.example", "b.example", "a.example");
      assertThat(p.matches("b.example")).isTrue();
    }

    @Test
    void patternsAreStoredInLowerCase() {
      // POL-20 and MXM-3: A-labels compare case-insensitively.
      assertThat(MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: MX.Example.COM\nmax_age: 1\n").mx())
          .map(MxPattern::toString).containsExactly("mx.example.com");
    }
  }

  @Nested
  class Extensions {
    @Test
    void unknownFieldsAreAcceptedAndKeptInOrder() {
      // POL-14
      MtaStsPolicy p = MtaStsPolicy.parse(VALID + "zeta: 1\nalpha_1.x-y: hello world\nnote: Grüße\n");
      assertThat(p.extensions()).containsExactly(new ExtensionField("zeta", "1"),
          new ExtensionField("alpha_1.x-y", "hello world"), new ExtensionField("note", "Grüße"));
      assertThat(p.extension("alpha_1.x-y")).contains("hello world");
      assertThat(p.extension("missing")).isEmpty();
    }

    @Test
    void extensionNamesAndValuesFollowTheGrammar() {
      // POL-14
      assertThat(problems(VALID + "_x: 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_INVALID_FIELD_NAME);
      assertThat(problems(VALID + "a".repeat(33) + ": 1\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_INVALID_FIELD_NAME);
      assertThat(MtaStsPolicy.parse(VALID + "a".repeat(32) + ": 1\n").extensions()).hasSize(1);
      assertThat(problems(VALID + "x: a\tb\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_INVALID_EXTENSION_VALUE);
      assertThat(problems(VALID + "x: a\u0000b\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_INVALID_EXTENSION_VALUE);
      assertThat(problems(VALID + "x:\n")).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_EMPTY_VALUE);
    }
  }

  @Test
  void theFirstOccurrenceOfARepeatedFieldWins() {
    // POL-15
    ParseReport<MtaStsPolicy> r = MtaStsPolicy.lint("version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\n"
        + "max_age: 10\nmax_age: 20\nversion: STSv2\nx: 1\nx: 2\n", ParseMode.STRICT);
    MtaStsPolicy p = r.value();
    assertThat(p).isNotNull();
    assertThat(p.mode()).isEqualTo(MtaStsMode.TESTING);
    assertThat(p.maxAgeSeconds()).isEqualTo(10);
    assertThat(p.extension("x")).contains("1");
    assertThat(r.warnings()).extracting(ParseProblem::code, ParseProblem::line).containsExactly(
        tuple(ProblemCode.POLICY_DUPLICATE_FIELD, 3), tuple(ProblemCode.POLICY_DUPLICATE_FIELD, 6),
        tuple(ProblemCode.POLICY_DUPLICATE_FIELD, 7), tuple(ProblemCode.POLICY_DUPLICATE_FIELD, 9));
  }

  @Nested
  class Bytes {
    @Test
    void theBodyMustBeUtf8AndTheBadByteIsLocated() {
      // POL-17
      byte[] body = (VALID + "note: caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);
      assertThat(MtaStsPolicy.lint(body, ParseMode.LENIENT).problems()).singleElement().satisfies(p -> {
        assertThat(p.code()).isEqualTo(ProblemCode.POLICY_NOT_UTF8);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.message()).contains("0xE9");
      });
      byte[] utf16 = VALID.getBytes(StandardCharsets.UTF_16);
      assertThat(MtaStsPolicy.lint(utf16, ParseMode.LENIENT).problems()).singleElement()
          .extracting(ParseProblem::message).asString().contains("UTF-16");
      assertThat(MtaStsPolicy.parse((VALID + "note: café\n").getBytes(StandardCharsets.UTF_8)).extension("note"))
          .contains("café");
    }

    @Test
    void overlongAndSurrogateEncodingsAreNotUtf8() {
      // POL-17: the JDK decoder is strict; make sure we use it that way.
      byte[] overlong = (VALID + "x: ?\n").getBytes(StandardCharsets.US_ASCII);
      byte[] withOverlong = java.util.Arrays.copyOf(overlong, overlong.length + 1);
      withOverlong[withOverlong.length - 3] = (byte) 0xC0;
      withOverlong[withOverlong.length - 2] = (byte) 0xAF;
      withOverlong[withOverlong.length - 1] = '\n';
      assertThat(MtaStsPolicy.lint(withOverlong, ParseMode.STRICT).problems()).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_NOT_UTF8);
      byte[] surrogate = (VALID + "x: \uFFFD\n").getBytes(StandardCharsets.UTF_8);
      surrogate[surrogate.length - 4] = (byte) 0xED;
      surrogate[surrogate.length - 3] = (byte) 0xA0;
      surrogate[surrogate.length - 2] = (byte) 0x80;
      assertThat(MtaStsPolicy.lint(surrogate, ParseMode.STRICT).problems()).extracting(ParseProblem::code)
          .containsExactly(ProblemCode.POLICY_NOT_UTF8);
      assertThat(MtaStsPolicy.lint(VALID + "x: \uD800\n", ParseMode.STRICT).problems())
          .extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_NOT_UTF8);
    }

    @Test
    void bodiesUpTo64KibAreReadAndLargerOnesRejected() {
      // POL-18, FET-10
      String base = VALID + "pad: ";
      String fits = base + "x".repeat(MtaStsPolicy.MAX_BODY_BYTES - base.length() - 1) + "\n";
      assertThat(fits.getBytes(StandardCharsets.UTF_8)).hasSize(65536);
      assertThat(MtaStsPolicy.parse(fits.getBytes(StandardCharsets.UTF_8)).extensions()).hasSize(1);
      assertThat(MtaStsPolicy.parse(fits).extensions()).hasSize(1);
      String tooBig = "x" + fits;
      assertThat(MtaStsPolicy.lint(tooBig.getBytes(StandardCharsets.UTF_8), ParseMode.LENIENT).problems())
          .extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_TOO_LARGE);
      assertThat(problems(tooBig)).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_TOO_LARGE);
      // Multi-byte characters count by their UTF-8 size.
      String wide = base + "é".repeat(33000) + "\n";
      assertThat(wide.length()).isLessThan(65536);
      assertThat(problems(wide)).extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_TOO_LARGE);
    }
  }

  @Test
  void everyProblemIsListedWithItsLineInOneException() {
    MtaStsParseException e = parseFailure("version: STSv2\nmode: live\nmx: bad_host.example\nmax_age: soon\n");
    assertThat(e.problems()).extracting(ParseProblem::code, ParseProblem::line).containsExactly(
        tuple(ProblemCode.POLICY_INVALID_VERSION, 1), tuple(ProblemCode.POLICY_INVALID_MODE, 2),
        tuple(ProblemCode.POLICY_INVALID_MX, 3), tuple(ProblemCode.POLICY_INVALID_MAX_AGE, 4));
    assertThat(e.getMessage()).startsWith("Invalid MTA-STS policy (4 errors):")
        .contains("line 1, column 10: error POLICY_INVALID_VERSION (POL-5)")
        .contains("line 4, column 10: error POLICY_INVALID_MAX_AGE (POL-7)");
  }

  @Test
  void hostileValuesAreQuotedSafelyInMessages() {
    String longValue = "x".repeat(10_000) + "\u0000\u001b";
    MtaStsParseException e = parseFailure("version: STSv1\nmode: " + longValue + "\nmx: a.example\nmax_age: 1\n");
    assertThat(e.getMessage()).hasSizeLessThan(500).doesNotContain("\u0000").contains("...");
  }

  @Nested
  class Serialization {
    @Test
    void toTextIsCanonicalCrlfInRegistryOrder() {
      // POL-20
      MtaStsPolicy p = MtaStsPolicy.parse("max_age: 86400\nx-note: hi\nmx: B.example\nmode: testing\n"
          + "version: STSv1\nmx: *.a.example");
      assertThat(p.toText()).isEqualTo("version: STSv1\r\nmode: testing\r\nmx: b.example\r\nmx: *.a.example\r\n"
          + "max_age: 86400\r\nx-note: hi\r\n");
      assertThat(new String(p.toBytes(), StandardCharsets.UTF_8)).isEqualTo(p.toText());
      assertThat(MtaStsPolicy.parse(p.toText())).isEqualTo(p);
    }

    @Test
    void equalityIsByValue() {
      MtaStsPolicy a = MtaStsPolicy.parse(VALID);
      MtaStsPolicy b = MtaStsPolicy.parse(VALID.replace("\n", "\r\n"));
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a).isNotEqualTo(MtaStsPolicy.parse(VALID.replace("enforce", "testing")));
    }
  }

  @Nested
  class Builder {
    @Test
    void buildsAValidatedPolicy() {
      MtaStsPolicy p = MtaStsPolicy.builder().mode(MtaStsMode.TESTING).addMx("Mail.Bücher.example")
          .addMx("*.example.net").maxAge(Duration.ofDays(7)).addExtension("note", "x").build();
      assertThat(p.toText()).isEqualTo("version: STSv1\r\nmode: testing\r\nmx: mail.xn--bcher-kva.example\r\n"
          + "mx: *.example.net\r\nmax_age: 604800\r\nnote: x\r\n");
      assertThat(MtaStsPolicy.parse(p.toText())).isEqualTo(p);
    }

    @Test
    void failsFastOnBadValuesAndOnSettingTwice() {
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().addMx("m*.example.com"));
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().maxAgeSeconds(31557601))
          .withMessageContaining("31557600");
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().maxAge(Duration.ofMillis(1500)));
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().maxAgeSeconds(-1));
      assertThatIllegalStateException().isThrownBy(() -> MtaStsPolicy.builder().mode(MtaStsMode.NONE)
          .mode(MtaStsMode.ENFORCE)).withMessageContaining("already set");
      assertThatIllegalStateException().isThrownBy(() -> MtaStsPolicy.builder().maxAgeSeconds(1).maxAgeSeconds(2));
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().addMx("a.example").addMx("A.example"))
          .withMessageContaining("already added");
    }

    @Test
    void refusesRegisteredNamesAsExtensions() {
      // POL-19: version, mode, max_age and mx are registered fields.
      for (String name : new String[] {"version", "mode", "max_age", "mx"}) {
        assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().addExtension(name, "x"))
            .withMessageContaining("registered");
      }
      assertThatIllegalArgumentException().isThrownBy(
          () -> MtaStsPolicy.builder().addExtension("x", "1").addExtension("x", "2"));
      assertThatIllegalArgumentException().isThrownBy(() -> MtaStsPolicy.builder().addExtension("x", " 1"));
    }

    @Test
    void namesWhatIsMissing() {
      assertThatIllegalStateException().isThrownBy(() -> MtaStsPolicy.builder().build())
          .withMessageContaining("mode is not set").withMessageContaining("max_age is not set");
      assertThatIllegalStateException().isThrownBy(() -> MtaStsPolicy.builder().mode(MtaStsMode.ENFORCE)
          .maxAgeSeconds(1).build()).withMessageContaining("at least one mx");
      assertThat(MtaStsPolicy.builder().mode(MtaStsMode.NONE).maxAgeSeconds(86400).build().mx()).isEmpty();
    }
  }

  @Test
  void theCanonicalConstructorValidatesToo() {
    assertThatIllegalArgumentException().isThrownBy(() -> new MtaStsPolicy("STSv2", MtaStsMode.NONE, List.of(),
        Duration.ZERO, List.of()));
    assertThatIllegalArgumentException().isThrownBy(() -> new MtaStsPolicy("STSv1", MtaStsMode.ENFORCE, List.of(),
        Duration.ZERO, List.of()));
    assertThatIllegalArgumentException().isThrownBy(() -> new MtaStsPolicy("STSv1", MtaStsMode.NONE, List.of(),
        Duration.ZERO, List.of(new ExtensionField("mode", "x"))));
    assertThatThrownBy(() -> new MtaStsPolicy("STSv1", MtaStsMode.NONE, List.of(), Duration.ofSeconds(-1), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void commonMaxAgesAreSharedInstancesAndOthersKeepTheirValue() {
    // SEC-45: a cache of many policies holds one Duration per common max_age.
    MtaStsPolicy a = MtaStsPolicy.parse(VALID);
    MtaStsPolicy b = MtaStsPolicy.parse(VALID.replace("mail.example.com", "other.example.com"));
    assertThat(a.maxAge()).isEqualTo(Duration.ofDays(7)).isSameAs(b.maxAge());
    MtaStsPolicy built = MtaStsPolicy.builder().mode(MtaStsMode.TESTING).addMx("mx.example.com")
        .maxAge(Duration.ofSeconds(86_400)).build();
    assertThat(built.maxAge()).isSameAs(MtaStsPolicy.parse(VALID.replace("604800", "86400")).maxAge());
    MtaStsPolicy odd = MtaStsPolicy.parse(VALID.replace("604800", "86401"));
    assertThat(odd.maxAge()).isEqualTo(Duration.ofSeconds(86_401));
    assertThat(odd.maxAgeSeconds()).isEqualTo(86_401);
  }
}
