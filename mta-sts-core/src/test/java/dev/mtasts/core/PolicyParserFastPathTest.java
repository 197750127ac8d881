package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser's one-pass fast paths (eight-bytes-at-a-time ASCII check, one carriage-return search
 * per body, single-pass {@code mx} check) give exactly what the full checks give: the same policy,
 * the same list classes, the same problems with the same codes, lines, columns and messages.
 */
class PolicyParserFastPathTest {
  private static final String BASE = "version: STSv1\nmode: enforce\nmax_age: 86400\n";

  /** Parses with and without the fast paths, as bytes and as text, strict and lenient. */
  static void assertSameAsFullChecks(byte[] body) {
    for (ParseMode mode : ParseMode.values()) {
      ParseReport<MtaStsPolicy> fast = PolicyParser.parse(body, mode, true);
      ParseReport<MtaStsPolicy> full = PolicyParser.parse(body, mode, false);
      assertSame(fast, full, mode + " bytes " + Arrays.toString(body));
      String text = new String(body, StandardCharsets.UTF_8);
      ParseReport<MtaStsPolicy> fastText = PolicyParser.parse(text, mode, true);
      ParseReport<MtaStsPolicy> fullText = PolicyParser.parse(text, mode, false);
      assertSame(fastText, fullText, mode + " text " + text);
      assertThat(MtaStsPolicy.lint(body, mode)).isEqualTo(fast);
      assertThat(MtaStsPolicy.lint(text, mode)).isEqualTo(fastText);
    }
  }

  static void assertSameAsFullChecks(String body) {
    assertSameAsFullChecks(body.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertSame(ParseReport<MtaStsPolicy> fast, ParseReport<MtaStsPolicy> full,
      String what) {
    assertThat(fast).as(what).isEqualTo(full);
    assertThat(fast.problems()).as(what).containsExactlyElementsOf(full.problems());
    if (full.value() != null) {
      assertThat(fast.value().mx().getClass()).as(what).isEqualTo(full.value().mx().getClass());
      for (int i = 0; i < full.value().mx().size(); i++) {
        MxPattern f = fast.value().mx().get(i);
        MxPattern s = full.value().mx().get(i);
        assertThat(f.toString()).isEqualTo(s.toString());
        assertThat(f.isWildcard()).isEqualTo(s.isWildcard());
      }
    }
  }

  static Stream<Corpus.PolicyFile> policies() {
    return Corpus.forTests().policies().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void fastPathsAgreeWithFullChecksOnEveryCorpusFileAndItsVariants(Corpus.PolicyFile file) {
    byte[] b = file.bytes();
    String t = new String(b, StandardCharsets.UTF_8);
    assertSameAsFullChecks(b);
    assertSameAsFullChecks(t.replace("\r\n", "\n").replace("\n", "\r\n"));
    assertSameAsFullChecks(t.replace("\r\n", "\n").replaceFirst("\n", "\r"));
    assertSameAsFullChecks(t.replace("\r\n", "\n").replaceFirst("\n", "\r\n"));
    assertSameAsFullChecks(t.toUpperCase(java.util.Locale.ROOT));
    assertSameAsFullChecks(t.replace("mx: ", "mx: M"));
    assertSameAsFullChecks(t.replace("mx: ", "mx: *."));
    assertSameAsFullChecks(t.replace("\nmx: ", "\nmx: \u00e9"));
    assertSameAsFullChecks(t.replace(".\n", "..\n").replace("com\n", "com.\n"));
    assertSameAsFullChecks(t.replace("-", "").replace(".", "-."));
    assertSameAsFullChecks("\ufeff" + t);
    assertSameAsFullChecks(t + "\u0000");
    byte[] nonAscii = Arrays.copyOf(b, b.length + 1);
    nonAscii[b.length] = (byte) 0xC3;
    assertSameAsFullChecks(nonAscii);
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnANonAsciiByteAtEveryPosition() {
    for (int len = 0; len <= 40; len++) {
      byte[] b = new byte[len];
      Arrays.fill(b, (byte) 'a');
      assertThat(PolicyParser.isAscii(b)).isTrue();
      for (int at = 0; at < len; at++) {
        for (byte x : new byte[] {(byte) 0x80, (byte) 0xC3, (byte) 0xFF, (byte) 0xEF}) {
          byte[] c = b.clone();
          c[at] = x;
          assertThat(PolicyParser.isAscii(c)).isFalse();
          assertThat(PolicyParser.isAsciiByteByByte(c)).isFalse();
        }
        byte[] c = b.clone();
        c[at] = 0x7f;
        assertThat(PolicyParser.isAscii(c)).isTrue();
        c[at] = 0;
        assertThat(PolicyParser.isAscii(c)).isTrue();
      }
    }
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnNonAsciiBytesInEveryLine() {
    assertSameAsFullChecks(BASE + "mx: mail.example.com\n" + "x: caf\u00e9\n");
    byte[] bad = (BASE + "mx: mail.example.com\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < bad.length; i++) {
      byte[] c = bad.clone();
      c[i] = (byte) 0xC3;
      assertSameAsFullChecks(c);
      c[i] = (byte) 0x80;
      assertSameAsFullChecks(c);
    }
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnBom() {
    assertSameAsFullChecks("\ufeff" + BASE + "mx: mail.example.com\n");
    assertSameAsFullChecks(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    assertSameAsFullChecks(new byte[] {(byte) 0xFE, (byte) 0xFF, 0, 'v'});
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnCarriageReturnWithoutLineFeed() {
    String p = BASE + "mx: mail.example.com\n";
    for (int i = 0; i <= p.length(); i++) {
      assertSameAsFullChecks(p.substring(0, i) + "\r" + p.substring(i));
      assertSameAsFullChecks(p.substring(0, i) + "\r\r" + p.substring(i));
    }
    assertSameAsFullChecks("\r");
    assertSameAsFullChecks("\r\n");
    assertSameAsFullChecks(p.replace("\n", "\r\n") + "\r");
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnMixedLineEndings() {
    assertSameAsFullChecks("version: STSv1\r\nmode: enforce\nmax_age: 86400\r\nmx: a.example\n");
    assertSameAsFullChecks("version: STSv1\nmode: enforce\r\nmax_age: 86400\nmx: a.example");
    assertSameAsFullChecks("version: STSv1\r\nmode: testing\r\nmax_age: 1\r\nmx: a.example\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "mail.example.com", "MAIL.Example.COM", "*.example.com", "*.EXAMPLE.com", "*.", "*", "**.a",
      "*.*.a", "a*.b", "a.*", "[192.0.2.1]", "192.0.2.1", "a.b.1", "a.b.1a", "a.b.1-", "1.2.3.4.",
      "a..b", ".a", "a.", "*.a.", "-a.b", "a-.b", "a.b-", "a.-b", "a_b.c", "a:b", "a,b", "a b",
      "a\tb", "a.b,c.d", "x.y, z.w", "m\u00fcller.example", "*.m\u00fcller.example",
      "xn--mller-kva.example", "a\u0000b", "a\u007fb", "\u00e9", "0", "0.a", "a.0", "a--b.c"})
  void asciiFastPathAgreesWithFullDecoderOnMxValues(String value) {
    assertSameAsFullChecks(BASE + "mx: " + value + "\n");
    assertSameAsFullChecks(BASE + "mx: a.example\nmx: " + value + "\n");
    assertSameAsFullChecks(BASE + "mx: " + value + "\nmx: b.example\nmx: c.example\n");
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnUpperCaseLettersAndULabelsInMx() {
    assertSameAsFullChecks(BASE + "mx: Mail.Example.Com\n");
    assertSameAsFullChecks(BASE + "mx: *.B\u00fccher.example\n");
    assertSameAsFullChecks(BASE + "mx: B\u00dcCHER.example\n");
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnMaxLengths() {
    String l63 = "a".repeat(63);
    String l64 = "a".repeat(64);
    for (String v : new String[] {l63 + ".b", l64 + ".b", "b." + l63, "b." + l64,
        "*." + l63, "*." + l64, "-" + "a".repeat(62), "a".repeat(62) + "-"}) {
      assertSameAsFullChecks(BASE + "mx: " + v + "\n");
    }
    // 253 characters: four labels of 63 and a dot between each, with one char fewer or more.
    String n253 = l63 + "." + l63 + "." + l63 + "." + "a".repeat(61);
    assertThat(n253).hasSize(253);
    for (String v : new String[] {n253, n253 + "a", n253.substring(1), "*." + n253,
        "*." + n253 + "a", n253.toUpperCase(java.util.Locale.ROOT)}) {
      assertSameAsFullChecks(BASE + "mx: " + v + "\n");
    }
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnNul() {
    assertSameAsFullChecks(BASE + "mx: a\u0000.example\n");
    assertSameAsFullChecks(BASE + "mx: a.example\n\u0000");
    assertSameAsFullChecks("\u0000" + BASE);
    assertSameAsFullChecks(new byte[] {0});
    assertSameAsFullChecks(new byte[0]);
  }

  @Test
  void asciiFastPathAgreesWithFullDecoderOnA64KiBBoundary() {
    String head = BASE + "mx: a.example\nx: ";
    for (int size : new int[] {PolicyParser.MAX_BYTES - 1, PolicyParser.MAX_BYTES,
        PolicyParser.MAX_BYTES + 1}) {
      int pad = size - head.length() - 1;
      String p = head + "v".repeat(pad) + "\n";
      assertThat(p.getBytes(StandardCharsets.UTF_8)).hasSize(size);
      assertSameAsFullChecks(p);
      byte[] b = p.getBytes(StandardCharsets.UTF_8);
      b[b.length - 2] = (byte) 0x80;
      assertSameAsFullChecks(b);
    }
    // Many mx lines up to the limit: the list grows past two patterns.
    List<String> lines = new ArrayList<>();
    StringBuilder sb = new StringBuilder(BASE);
    for (int i = 0; sb.length() < PolicyParser.MAX_BYTES - 40; i++) {
      String line = "mx: m" + i + ".example\n";
      lines.add(line);
      sb.append(line);
    }
    assertSameAsFullChecks(sb.toString());
  }
}
