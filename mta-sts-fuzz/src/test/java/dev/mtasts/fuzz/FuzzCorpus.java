package dev.mtasts.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared real-world corpus ({@code ../shared/corpus} beside the repository, or
 * {@code -Dmtasts.corpus.dir}), which a user's clone does not have. The layout is described in the
 * corpus README: {@code policies/INDEX.tsv} with one file per policy, and two TSV files of TXT
 * values whose cells escape TAB, CR, LF and backslash.
 */
record FuzzCorpus(Path dir) {

  /** One policy file with its strict-reading verdict from the index. */
  record PolicyFile(String name, byte[] bytes, boolean valid) {}

  /** One TXT value with its verdict. */
  record TxtValue(String value, boolean valid) {}

  /** The configured corpus, or {@code ../shared/corpus} seen from the repository root. */
  static FuzzCorpus configured() {
    String configured = System.getProperty("mtasts.corpus.dir");
    if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured))) {
      return new FuzzCorpus(Path.of(configured).toAbsolutePath().normalize());
    }
    // Surefire runs in the module directory: the repository root is one up, shared/ beside it.
    return new FuzzCorpus(Path.of("../../shared/corpus").toAbsolutePath().normalize());
  }

  boolean present() {
    return Files.isRegularFile(dir.resolve("policies/INDEX.tsv"));
  }

  List<PolicyFile> policies() {
    Path p = dir.resolve("policies");
    List<PolicyFile> out = new ArrayList<>();
    for (Map<String, String> row : readTsv(p.resolve("INDEX.tsv"))) {
      try {
        out.add(new PolicyFile(row.get("file"), Files.readAllBytes(p.resolve(row.get("file"))),
            "valid".equals(row.get("judgement"))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  List<String> stsRecords() {
    return stsValues().stream().map(TxtValue::value).toList();
  }

  List<String> tlsRptRecords() {
    return tlsRptValues().stream().map(TxtValue::value).toList();
  }

  List<TxtValue> stsValues() {
    return values("txt/mta-sts-records.tsv");
  }

  List<TxtValue> tlsRptValues() {
    return values("txt/tlsrpt-records.tsv");
  }

  private List<TxtValue> values(String file) {
    return readTsv(dir.resolve(file)).stream()
        .map(r -> new TxtValue(r.get("value"), "valid".equals(r.get("judgement"))))
        .toList();
  }

  private static List<Map<String, String>> readTsv(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      String[] header = lines.get(0).split("\t", -1);
      List<Map<String, String>> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
          m.put(header[i], i < cells.length ? unescape(cells[i]) : "");
        }
        rows.add(m);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
}
