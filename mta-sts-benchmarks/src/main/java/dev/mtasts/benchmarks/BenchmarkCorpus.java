package dev.mtasts.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inputs of the parse benchmarks: the valid entries of the real-world corpus
 * ({@code ../shared/corpus}, or the directory named by the system property {@value #PROPERTY}),
 * or a built-in sample of realistic inputs when no corpus is found.
 *
 * <p>The corpus is the better input because its mix of sizes, line endings and field orders is
 * what real policy hosts serve; the built-in sample keeps the benchmarks runnable in a clone that
 * does not have it.
 */
public final class BenchmarkCorpus {
  /** System property naming the corpus directory (the one holding {@code policies/INDEX.tsv}). */
  public static final String PROPERTY = "mtasts.corpus";

  /** Property the build's Surefire configuration sets; honoured so the tests see the same corpus. */
  static final String BUILD_PROPERTY = "mtasts.corpus.dir";

  private static final List<String> SAMPLE_POLICIES = List.of(
      "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n",
      "version: STSv1\r\nmode: enforce\r\nmx: aspmx.l.google.com\r\nmx: *.aspmx.l.google.com\r\n"
          + "mx: alt1.aspmx.l.google.com\r\nmax_age: 86400\r\n",
      "version: STSv1\nmode: testing\nmx: *.mail.protection.outlook.com\nmax_age: 604800\n",
      "version: STSv1\nmode: enforce\nmx: mx1.example.org\nmx: mx2.example.org\nmax_age: 1209600",
      "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n",
      "mode: enforce\nversion: STSv1\nmax_age: 31557600\nmx: *.mx.example.net\nmx: backup.example.net\n",
      "version: STSv1\nmode: enforce\nmx: mx01.mail.icloud.com\nmx: mx02.mail.icloud.com\n"
          + "mx: mx.example.de\nmx: *.eu.mailgun.org\nmax_age: 2592000\n",
      "version: STSv1\nmode: testing\nmx: smtp.example.co.uk\nmax_age: 604800\nreport: rua\n");

  private static final List<String> SAMPLE_STS_RECORDS = List.of(
      "v=STSv1; id=20190429T010101;",
      "v=STSv1; id=1608210175",
      "v=STSv1;id=2022051601",
      "v=STSv1; id=20240101000000Z",
      "v=STSv1; id=abc123");

  private static final List<String> SAMPLE_TLSRPT_RECORDS = List.of(
      "v=TLSRPTv1; rua=mailto:tlsrpt@example.com",
      "v=TLSRPTv1;rua=mailto:tls-rua@mailcheck.service.ncsc.gov.uk",
      "v=TLSRPTv1; rua=mailto:a@example.com,https://report.example.com/tlsrpt",
      "v=TLSRPTv1; rua=https://tls-rpt.example.net/v1/report");

  private final String source;
  private final List<byte[]> policies;
  private final List<String> stsRecords;
  private final List<String> tlsRptRecords;

  private BenchmarkCorpus(String source, List<byte[]> policies, List<String> stsRecords,
      List<String> tlsRptRecords) {
    this.source = source;
    this.policies = List.copyOf(policies);
    this.stsRecords = List.copyOf(stsRecords);
    this.tlsRptRecords = List.copyOf(tlsRptRecords);
  }

  /**
   * Loads the corpus named by {@value #PROPERTY}, else the one at {@code ../shared/corpus} or
   * {@code ../../shared/corpus} from the working directory, else the built-in sample.
   *
   * @return the inputs
   */
  public static BenchmarkCorpus load() {
    return locate().map(BenchmarkCorpus::fromDirectory).orElseGet(BenchmarkCorpus::builtIn);
  }

  /**
   * Returns the built-in sample only.
   *
   * @return the sample
   */
  public static BenchmarkCorpus builtIn() {
    List<byte[]> bodies = new ArrayList<>();
    for (String p : SAMPLE_POLICIES) {
      bodies.add(p.getBytes(StandardCharsets.UTF_8));
    }
    return new BenchmarkCorpus("built-in sample", bodies, SAMPLE_STS_RECORDS, SAMPLE_TLSRPT_RECORDS);
  }

  private static Optional<Path> locate() {
    for (String property : new String[] {PROPERTY, BUILD_PROPERTY}) {
      String configured = System.getProperty(property);
      if (configured != null && isCorpus(Path.of(configured))) {
        return Optional.of(Path.of(configured));
      }
    }
    for (String relative : new String[] {"../shared/corpus", "../../shared/corpus"}) {
      if (isCorpus(Path.of(relative))) {
        return Optional.of(Path.of(relative));
      }
    }
    return Optional.empty();
  }

  private static boolean isCorpus(Path dir) {
    return Files.isRegularFile(dir.resolve("policies/INDEX.tsv"));
  }

  private static BenchmarkCorpus fromDirectory(Path dir) {
    Path policyDir = dir.resolve("policies");
    List<byte[]> bodies = new ArrayList<>();
    for (Map<String, String> row : readTsv(policyDir.resolve("INDEX.tsv"))) {
      if ("valid".equals(row.get("judgement"))) {
        try {
          bodies.add(Files.readAllBytes(policyDir.resolve(row.get("file"))));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return new BenchmarkCorpus(dir.toAbsolutePath().normalize().toString(), bodies,
        validValues(dir.resolve("txt/mta-sts-records.tsv")),
        validValues(dir.resolve("txt/tlsrpt-records.tsv")));
  }

  private static List<String> validValues(Path tsv) {
    List<String> values = new ArrayList<>();
    for (Map<String, String> row : readTsv(tsv)) {
      if ("valid".equals(row.get("judgement"))) {
        values.add(row.get("value"));
      }
    }
    return values;
  }

  /** Reads a corpus TSV file: a header row, then one row per entry, cells escaped (see README). */
  private static List<Map<String, String>> readTsv(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] header = lines.get(0).split("\t", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isEmpty()) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], i < cells.length ? unescape(cells[i]) : "");
      }
      rows.add(row);
    }
    return rows;
  }

  /** Undoes the corpus escaping of TAB, CR, LF and backslash. */
  static String unescape(String cell) {
    StringBuilder sb = new StringBuilder(cell.length());
    for (int i = 0; i < cell.length(); i++) {
      char c = cell.charAt(i);
      if (c == '\\' && i + 1 < cell.length()) {
        char e = cell.charAt(++i);
        switch (e) {
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'n' -> sb.append('\n');
          case '\\' -> sb.append('\\');
          default -> sb.append('\\').append(e);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Tells where the inputs came from.
   *
   * @return the corpus directory, or {@code built-in sample}
   */
  public String source() {
    return source;
  }

  /**
   * Returns the valid policy bodies, exactly as served.
   *
   * @return the bodies; the caller must not modify the arrays
   */
  public List<byte[]> policies() {
    return policies;
  }

  /**
   * Returns the valid policy bodies decoded as UTF-8.
   *
   * @return the texts
   */
  public List<String> policyTexts() {
    List<String> texts = new ArrayList<>(policies.size());
    for (byte[] body : policies) {
      texts.add(new String(body, StandardCharsets.UTF_8));
    }
    return texts;
  }

  /**
   * Returns the valid {@code _mta-sts} TXT values.
   *
   * @return the values
   */
  public List<String> stsRecords() {
    return stsRecords;
  }

  /**
   * Returns the valid {@code _smtp._tls} TXT values.
   *
   * @return the values
   */
  public List<String> tlsRptRecords() {
    return tlsRptRecords;
  }
}
