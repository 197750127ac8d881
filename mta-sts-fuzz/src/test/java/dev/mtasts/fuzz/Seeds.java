package dev.mtasts.fuzz;

import dev.mtasts.core.Corpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes fuzzing seeds from the real-world corpus into Jazzer's generated-corpus directory
 * ({@code .cifuzz-corpus/<class>/<method>/}), which fuzzing mode reads before it mutates.
 * Regression mode does not use them: the committed inputs are hand-picked and small, so the
 * default build stays fast; {@link CorpusPropertiesTest} covers the whole corpus instead.
 *
 * <p>Used by {@code fuzz.sh}: {@code Seeds <corpus dir> <.cifuzz-corpus dir> <class> <method>}.
 */
public final class Seeds {
  private Seeds() {}

  /** Seeds per target, from the corpus. */
  static final Map<String, Function<Corpus, List<byte[]>>> TARGETS = Map.of(
      "PolicyParserFuzzTest#policyBytes", Seeds::policies,
      "PolicyParserFuzzTest#policyText", Seeds::policies,
      "TxtRecordFuzzTest#stsRecord", c -> strings(Corpus.values(c.stsRecords(), false)),
      "TxtRecordFuzzTest#tlsRptRecord", c -> strings(Corpus.values(c.tlsRptRecords(), false)),
      "TxtRecordFuzzTest#selection", Seeds::selections,
      "MxPatternFuzzTest#patternAndHost", Seeds::mxPairs,
      "ReportParserFuzzTest#report", c -> ReportParserFuzzTest.seedReports(),
      "DnsAnswerFuzzTest#lookup", Seeds::dnsScripts);

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: Seeds <corpus dir> <.cifuzz-corpus dir> <class> <method>");
      System.exit(2);
    }
    Corpus corpus = new Corpus(Path.of(args[0]));
    String key = args[2] + "#" + args[3];
    Function<Corpus, List<byte[]>> seeds = TARGETS.get(key);
    if (seeds == null) {
      System.err.println("no corpus seeds for " + key);
      return;
    }
    if (!corpus.present()) {
      System.err.println("corpus not found at " + corpus.dir() + "; fuzzing from committed inputs only");
      return;
    }
    Path out = Path.of(args[1], "dev.mtasts.fuzz." + args[2], args[3]);
    Files.createDirectories(out);
    int n = 0;
    for (byte[] seed : seeds.apply(corpus)) {
      Files.write(out.resolve("seed-" + sha1(seed)), seed);
      n++;
    }
    System.err.println("wrote " + n + " seeds to " + out);
  }

  static List<byte[]> policies(Corpus c) {
    return c.policies().stream().map(Corpus.PolicyFile::bytes).toList();
  }

  static List<byte[]> strings(List<String> values) {
    return values.stream().map(v -> v.getBytes(StandardCharsets.ISO_8859_1)).toList();
  }

  /** Groups of one to three TXT values of both kinds, NUL-separated as the selection target reads them. */
  static List<byte[]> selections(Corpus c) {
    List<String> all = new ArrayList<>(Corpus.values(c.stsRecords(), false));
    all.addAll(Corpus.values(c.tlsRptRecords(), false));
    all.add("v=spf1 -all");
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      int size = 1 + i % 3;
      out.add(TxtRecordFuzzTest.joinValues(all.subList(i, Math.min(all.size(), i + size)))
          .getBytes(StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  /** Every {@code mx} value of the corpus policies, with a host derived from it. */
  static List<byte[]> mxPairs(Corpus c) {
    List<byte[]> out = new ArrayList<>();
    for (Corpus.PolicyFile f : c.policies()) {
      for (String line : new String(f.bytes(), StandardCharsets.UTF_8).split("\r?\n")) {
        if (line.startsWith("mx:")) {
          String pattern = line.substring(3).strip();
          String host = pattern.startsWith("*.") ? "mx1" + pattern.substring(1) : pattern.toUpperCase() + ".";
          out.add((pattern + "\0" + host).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  static List<byte[]> dnsScripts(Corpus c) {
    List<byte[]> out = new ArrayList<>();
    for (String v : Corpus.values(c.stsRecords(), false)) {
      out.add(DnsAnswerFuzzTest.AnswerScript.seedTxt(v));
    }
    return out;
  }

  private static String sha1(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void writeAll(Path dir, List<byte[]> seeds) {
    try {
      Files.createDirectories(dir);
      for (byte[] s : seeds) {
        Files.write(dir.resolve("seed-" + sha1(s)), s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
