package dev.mtasts.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutated real-world input only ever yields a report or the documented exception, never another
 * exception, a hang or unbounded work. The timeout is a hang guard, not a performance test.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
  private static final long SEED = 0x5EED_8461L;
  private static final byte[][] SAMPLES = {
      MtaStsPolicyTest.VALID.getBytes(StandardCharsets.UTF_8),
      "version: STSv1\r\nmode: testing\r\nmx: *.mail.example.net\r\nmax_age: 86400\r\nnote: Grüße\r\n"
          .getBytes(StandardCharsets.UTF_8),
      "version: STSv1\nmode: none\nmax_age: 86400".getBytes(StandardCharsets.UTF_8),
  };

  private static List<byte[]> seeds() {
    List<byte[]> seeds = new ArrayList<>(Arrays.asList(SAMPLES));
    if (Corpus.configured().present()) {
      Corpus.configured().policies().forEach(f -> seeds.add(f.bytes()));
    }
    return seeds;
  }

  private static List<String> txtSeeds() {
    List<String> seeds = new ArrayList<>(List.of("v=STSv1; id=20240101", "v=TLSRPTv1; rua=mailto:a@b.example,https://r.example/x"));
    if (Corpus.configured().present()) {
      Corpus.configured().stsRecords().forEach(r -> seeds.add(r.get("value")));
      Corpus.configured().tlsRptRecords().forEach(r -> seeds.add(r.get("value")));
    }
    return seeds;
  }

  @Test
  void mutatedPolicyBodiesOnlyEverYieldTheDocumentedException() {
    Random random = new Random(SEED);
    List<byte[]> seeds = seeds();
    int rejected = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] body = mutate(seeds.get(random.nextInt(seeds.size())), random);
      rejected += checkPolicy(body) ? 0 : 1;
    }
    assertThat(rejected).as("mutations must mostly break the policy").isGreaterThan(5_000);
  }

  @Test
  void hugeBodiesAreRejectedWithoutReadingThemWhole() {
    byte[] oneMegabyte = new byte[1 << 20];
    Arrays.fill(oneMegabyte, (byte) 'a');
    assertThat(MtaStsPolicy.lint(oneMegabyte, ParseMode.LENIENT).problems())
        .extracting(ParseProblem::code).containsExactly(ProblemCode.POLICY_TOO_LARGE);
    StringBuilder hugeLine = new StringBuilder("version: STSv1\nmode: enforce\nmx: ");
    hugeLine.append("a".repeat(60_000)).append("\nmax_age: 1\n");
    assertThat(MtaStsPolicy.lint(hugeLine, ParseMode.STRICT).errors()).extracting(ParseProblem::code)
        .containsExactly(ProblemCode.POLICY_INVALID_MX);
    // A CharSequence far larger than memory would allow as a String is rejected by its length.
    CharSequence endless = new CharSequence() {
      @Override
      public int length() {
        return Integer.MAX_VALUE;
      }

      @Override
      public char charAt(int index) {
        return 'x';
      }

      @Override
      public CharSequence subSequence(int start, int end) {
        throw new UnsupportedOperationException("must not be read");
      }

      @Override
      public String toString() {
        throw new UnsupportedOperationException("must not be read");
      }
    };
    assertThat(MtaStsPolicy.lint(endless, ParseMode.STRICT).problems()).extracting(ParseProblem::code)
        .containsExactly(ProblemCode.POLICY_TOO_LARGE);
  }

  @Test
  void nulBytesAndInvalidUtf8AreRejectedWithTheDocumentedException() {
    for (byte[] seed : SAMPLES) {
      byte[] withNul = seed.clone();
      withNul[withNul.length / 2] = 0;
      assertThatThrownBy(() -> MtaStsPolicy.parse(withNul)).isInstanceOf(MtaStsParseException.class);
      byte[] badUtf8 = seed.clone();
      badUtf8[badUtf8.length / 3] = (byte) 0xFF;
      assertThatThrownBy(() -> MtaStsPolicy.parseLenient(badUtf8)).isInstanceOf(MtaStsParseException.class)
          .hasMessageContaining("POLICY_NOT_UTF8");
    }
  }

  @Test
  void mutatedTxtRecordsOnlyEverYieldTheDocumentedException() {
    Random random = new Random(SEED + 1);
    List<String> seeds = txtSeeds();
    for (int round = 0; round < 20_000; round++) {
      byte[] mutated = mutate(seeds.get(random.nextInt(seeds.size())).getBytes(StandardCharsets.UTF_8), random);
      String text = new String(mutated, StandardCharsets.UTF_8);
      checkRecord(text);
      TxtRecordSelection<MtaStsRecord> s = MtaStsRecord.select(List.of(text, "v=spf1 -all"));
      assertThat(s).isNotNull();
      TxtRecordSelection<TlsRptRecord> t = TlsRptRecord.select(List.of(text));
      assertThat(t).isNotNull();
    }
  }

  /** Returns whether the body was accepted strictly; fails on any undocumented behaviour. */
  private static boolean checkPolicy(byte[] body) {
    ParseReport<MtaStsPolicy> strict = MtaStsPolicy.lint(body, ParseMode.STRICT);
    ParseReport<MtaStsPolicy> lenient = MtaStsPolicy.lint(body, ParseMode.LENIENT);
    if (strict.isValid()) {
      // Anything strict accepts, lenient accepts with the same result, and it round-trips.
      assertThat(lenient.value()).isEqualTo(strict.value());
      MtaStsPolicy p = MtaStsPolicy.parse(body);
      assertThat(MtaStsPolicy.parse(p.toText())).isEqualTo(p);
      return true;
    }
    assertThat(strict.errors()).isNotEmpty();
    assertThatThrownBy(() -> MtaStsPolicy.parse(body)).isInstanceOf(MtaStsParseException.class)
        .satisfies(e -> assertThat(((MtaStsParseException) e).problems()).isEqualTo(strict.problems()));
    for (ParseProblem p : strict.problems()) {
      assertThat(p.message()).hasSizeLessThanOrEqualTo(512);
    }
    return false;
  }

  private static void checkRecord(String text) {
    ParseReport<MtaStsRecord> sts = MtaStsRecord.lint(text);
    if (sts.isValid()) {
      assertThat(MtaStsRecord.parse(sts.value().toText())).isEqualTo(sts.value());
    } else {
      assertThatThrownBy(() -> MtaStsRecord.parse(text)).isInstanceOf(MtaStsParseException.class);
    }
    ParseReport<TlsRptRecord> rpt = TlsRptRecord.lint(text);
    if (rpt.isValid()) {
      assertThat(TlsRptRecord.parse(rpt.value().toText())).isEqualTo(rpt.value());
    } else {
      assertThatThrownBy(() -> TlsRptRecord.parse(text)).isInstanceOf(MtaStsParseException.class);
    }
  }

  private static final byte[][] INTERESTING = {
      {0}, {'\r'}, {'\n'}, {'\r', '\n'}, {' '}, {'\t'}, {':'}, {';'}, {'='}, {','}, {'*'}, {'.'}, {'#'},
      {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      "mx: ".getBytes(StandardCharsets.US_ASCII), "max_age: 9999999999".getBytes(StandardCharsets.US_ASCII),
      "mode: none\n".getBytes(StandardCharsets.US_ASCII), "id=".getBytes(StandardCharsets.US_ASCII),
      "rua=mailto:".getBytes(StandardCharsets.US_ASCII), "%".getBytes(StandardCharsets.US_ASCII),
      "bücher".getBytes(StandardCharsets.UTF_8),
  };

  static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    int operations = 1 + random.nextInt(4);
    for (int i = 0; i < operations; i++) {
      int pos = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      switch (random.nextInt(8)) {
        case 0 -> b = Arrays.copyOf(b, pos); // truncate
        case 1 -> {
          if (b.length > 0) {
            b[Math.min(pos, b.length - 1)] ^= (byte) (1 << random.nextInt(8)); // flip a bit
          }
        }
        case 2 -> b = insert(b, pos, INTERESTING[random.nextInt(INTERESTING.length)]);
        case 3 -> { // a huge line
          byte[] run = new byte[1 + random.nextInt(70_000)];
          Arrays.fill(run, (byte) "ax.9-:;".charAt(random.nextInt(7)));
          b = insert(b, pos, run);
        }
        case 4 -> { // delete a span
          int end = Math.min(b.length, pos + random.nextInt(16));
          byte[] out = new byte[b.length - (end - pos)];
          System.arraycopy(b, 0, out, 0, pos);
          System.arraycopy(b, end, out, pos, b.length - end);
          b = out;
        }
        case 5 -> { // duplicate a span
          int end = Math.min(b.length, pos + random.nextInt(40));
          b = insert(b, pos, Arrays.copyOfRange(b, pos, end));
        }
        case 6 -> b = insert(b, pos, new byte[] {(byte) random.nextInt(256)});
        default -> { // a body of a million random bytes
          if (random.nextInt(50) == 0) {
            b = new byte[1 << 20];
            random.nextBytes(b);
          }
        }
      }
    }
    return b;
  }

  private static byte[] insert(byte[] b, int pos, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, pos);
    System.arraycopy(what, 0, out, pos, what.length);
    System.arraycopy(b, pos, out, pos + what.length, b.length - pos);
    return out;
  }
}
