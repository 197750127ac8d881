package dev.mtasts.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.opentest4j.TestAbortedException;

/**
 * The project's one reader of the shared real-world corpus ({@code ../shared/corpus} beside the
 * repository, or {@code -Dmtasts.corpus.dir}), which a user's clone does not have. Core's tests,
 * the fuzz module and the benchmarks all read it through this class (core's test jar).
 *
 * <p>Layout (the corpus README): {@code policies/INDEX.tsv} with one file per policy, and two TSV
 * files of TXT values, {@code txt/mta-sts-records.tsv} and {@code txt/tlsrpt-records.tsv}, whose
 * cells escape TAB, CR, LF and backslash; every row carries a {@code judgement} column.
 *
 * @param dir the corpus directory
 */
public record Corpus(Path dir) {
  private static final AtomicBoolean TOLD = new AtomicBoolean();

  /**
   * One row of a corpus TSV file, keyed by column name.
   *
   * @param cells column name to unescaped value
   */
  public record Row(Map<String, String> cells) {
    /**
     * Returns a cell.
     *
     * @param column the column name
     * @return its value
     * @throws IllegalArgumentException if the file has no such column
     */
    public String get(String column) {
      String v = cells.get(column);
      if (v == null) {
        throw new IllegalArgumentException("no column " + column + " in " + cells.keySet());
      }
      return v;
    }

    /**
     * Tells whether the corpus judges the row valid under the strict reading.
     *
     * @return {@code true} for judgement {@code valid}
     */
    public boolean valid() {
      return get("judgement").equals("valid");
    }
  }

  /**
   * A policy file with its index row.
   *
   * @param name the file name
   * @param bytes its content
   * @param row its row of {@code INDEX.tsv}
   */
  public record PolicyFile(String name, byte[] bytes, Row row) {
    /**
     * Tells whether the corpus judges the policy valid under the strict reading.
     *
     * @return the judgement
     */
    public boolean valid() {
      return row.valid();
    }

    @Override
    public String toString() {
      return name + " (" + row.get("judgement") + ")";
    }
  }

  /**
   * The corpus named by {@code -Dmtasts.corpus.dir} (or {@code -Dmtasts.corpus}), else the first
   * of {@code ../../shared/corpus} and {@code ../shared/corpus} seen from the working directory
   * (a module directory under Maven, the repository root by hand) that exists.
   *
   * @return the corpus, present or not
   */
  public static Corpus configured() {
    for (String property : new String[] {"mtasts.corpus.dir", "mtasts.corpus"}) {
      String configured = System.getProperty(property);
      if (configured != null && !configured.isBlank()) {
        return new Corpus(Path.of(configured).toAbsolutePath().normalize());
      }
    }
    Corpus sibling = new Corpus(Path.of("../shared/corpus").toAbsolutePath().normalize());
    Corpus fromModule = new Corpus(Path.of("../../shared/corpus").toAbsolutePath().normalize());
    return fromModule.present() || !sibling.present() ? fromModule : sibling;
  }

  /**
   * The configured corpus for a test that needs it: when it is absent, the test is skipped and
   * the console says why once (a skip in a {@code @MethodSource} otherwise shows only as "Tests
   * run: 0").
   *
   * @return the corpus, present
   * @throws TestAbortedException if it is absent
   */
  public static Corpus forTests() {
    Corpus c = configured();
    if (!c.present()) {
      String why = "real-world corpus not found at " + c.dir + " (set -Dmtasts.corpus.dir)";
      if (TOLD.compareAndSet(false, true)) {
        System.err.println("[SKIPPED] corpus tests: " + why);
      }
      throw new TestAbortedException(why);
    }
    return c;
  }

  /**
   * Tells whether the corpus is there.
   *
   * @return {@code true} if {@code policies/INDEX.tsv} exists
   */
  public boolean present() {
    return Files.isRegularFile(dir.resolve("policies/INDEX.tsv"));
  }

  /**
   * Reads every policy file.
   *
   * @return the files, in index order
   */
  public List<PolicyFile> policies() {
    Path p = dir.resolve("policies");
    List<PolicyFile> out = new ArrayList<>();
    for (Row row : readTsv(p.resolve("INDEX.tsv"))) {
      String name = row.get("file");
      try {
        out.add(new PolicyFile(name, Files.readAllBytes(p.resolve(name)), row));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /**
   * Reads the {@code _mta-sts} TXT values.
   *
   * @return one row per value, with {@code value} and {@code judgement}
   */
  public List<Row> stsRecords() {
    return readTsv(dir.resolve("txt/mta-sts-records.tsv"));
  }

  /**
   * Reads the {@code _smtp._tls} TXT values.
   *
   * @return one row per value, with {@code value} and {@code judgement}
   */
  public List<Row> tlsRptRecords() {
    return readTsv(dir.resolve("txt/tlsrpt-records.tsv"));
  }

  /**
   * The {@code value} column of rows.
   *
   * @param rows rows of a TXT value file
   * @param validOnly keep only rows judged valid
   * @return the values
   */
  public static List<String> values(List<Row> rows, boolean validOnly) {
    return rows.stream().filter(r -> !validOnly || r.valid()).map(r -> r.get("value")).toList();
  }

  /**
   * Reads a corpus TSV file: a header row of column names, then one row per line.
   *
   * @param file the file
   * @return its rows, unescaped
   */
  public static List<Row> readTsv(Path file) {
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

  /**
   * Undoes the corpus escaping of TAB, CR, LF and backslash.
   *
   * @param cell an escaped cell
   * @return the value
   */
  public static String unescape(String cell) {
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
