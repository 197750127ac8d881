package dev.mtasts.core;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of choosing the one policy record among all TXT records at a name (TXT-7, TXT-8,
 * RPT-3): records that do not begin with the version tag are ignored, and exactly one of the rest
 * must be present and valid.
 *
 * @param <T> {@link MtaStsRecord} or {@link TlsRptRecord}
 * @see MtaStsRecord#select(List)
 * @see TlsRptRecord#select(List)
 */
public sealed interface TxtRecordSelection<T>
    permits TxtRecordSelection.Found, TxtRecordSelection.NoRecord,
        TxtRecordSelection.MultipleRecords, TxtRecordSelection.InvalidRecord {

  /**
   * Exactly one record begins with the version tag, and it is valid.
   *
   * @param <T> the record type
   * @param record the parsed record
   * @param text the TXT value it was parsed from
   * @param warnings non-error notes about the record, such as erratum 6285 spacing
   */
  record Found<T>(T record, String text, List<ParseProblem> warnings) implements TxtRecordSelection<T> {
    /**
     * Copies the warnings.
     *
     * @param record the {@code record} component
     * @param text the {@code text} component
     * @param warnings the {@code warnings} component
     * @throws NullPointerException if a component is null
     */
    public Found {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(text, "text");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * No TXT value begins with the version tag: the domain publishes no such record.
   *
   * @param <T> the record type
   * @param ignored the TXT values at the name, none of which begins with the tag (for example SPF
   *     records, or {@code v=STSv1 id=1} without the {@code ;})
   */
  record NoRecord<T>(List<String> ignored) implements TxtRecordSelection<T> {
    /**
     * Copies the list.
     *
     * @param ignored the {@code ignored} component
     */
    public NoRecord {
      ignored = List.copyOf(ignored);
    }
  }

  /**
   * Several TXT values begin with the version tag: the sender must act as if there were none.
   *
   * @param <T> the record type
   * @param records the competing values
   */
  record MultipleRecords<T>(List<String> records) implements TxtRecordSelection<T> {
    /**
     * Copies the list.
     *
     * @param records the {@code records} component
     */
    public MultipleRecords {
      records = List.copyOf(records);
    }
  }

  /**
   * Exactly one TXT value begins with the version tag, but it is invalid: the sender must act as
   * if there were none.
   *
   * @param <T> the record type
   * @param text the invalid value
   * @param problems every problem in it
   */
  record InvalidRecord<T>(String text, List<ParseProblem> problems) implements TxtRecordSelection<T> {
    /**
     * Copies the list.
     *
     * @param text the {@code text} component
     * @param problems the {@code problems} component
     */
    public InvalidRecord {
      Objects.requireNonNull(text, "text");
      problems = List.copyOf(problems);
    }
  }
}
