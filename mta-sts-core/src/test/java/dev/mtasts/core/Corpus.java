package dev.mtasts.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Access to the shared real-world corpus ({@code ../shared/corpus}), which a user's clone does
 * not have: tests that need it are skipped with a message saying so.
 */
final class Corpus {
  private Corpus() {}

  /** One row of a corpus TSV file, keyed by column name. */
  record Row(Map<String, String> cells) {
    String get(String column) {
      String v = cells.get(column);
      if (v == null) {
        throw new IllegalArgumentException("no column " + column + " in " + cells.keySet());
      }
      return v;
    }

    boolean valid() {
      return get("judgement").equals("valid");
    }
  }

  /** A policy file with its index row. */
  record PolicyFile(String name, byte[] bytes, Row row) {
    @Override
    public String toString() {
      return name + " (" + row.get("judgement") + ")";
    }
  }

  static Path dir() {
    String configured = System.getProperty("mtasts.corpus.dir", "../../shared/corpus");
    Path dir = Path.of(configured).toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(dir.resolve("policies")),
        "real-world corpus not found at " + dir + " (set -Dmtasts.corpus.dir); skipping corpus tests");
    return dir;
  }

  static boolean present() {
    String configured = System.getProperty("mtasts.corpus.dir", "../../shared/corpus");
    return Files.isDirectory(Path.of(configured).resolve("policies"));
  }

  static List<PolicyFile> policies() {
    Path dir = dir().resolve("policies");
    List<PolicyFile> out = new ArrayList<>();
    for (Row row : readTsv(dir.resolve("INDEX.tsv"))) {
      String name = row.get("file");
      try {
        out.add(new PolicyFile(name, Files.readAllBytes(dir.resolve(name)), row));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  static List<Row> stsRecords() {
    return readTsv(dir().resolve("txt/mta-sts-records.tsv"));
  }

  static List<Row> tlsRptRecords() {
    return readTsv(dir().resolve("txt/tlsrpt-records.tsv"));
  }

  static List<Row> readTsv(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      String[] header = lines.get(0).split("\t", -1);
      List<Row> rows = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split("\t", -1);
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
          m.put(header[i], i < cells.length ? unescape(cells[i]) : "");
        }
        rows.add(new Row(m));
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
