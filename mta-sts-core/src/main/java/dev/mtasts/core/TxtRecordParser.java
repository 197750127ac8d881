package dev.mtasts.core;

import dev.mtasts.core.internal.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The tokenizer shared by the {@code _mta-sts} and {@code _smtp._tls} record parsers:
 * {@code version 1*(delim field) [delim]} with {@code delim = *WSP ";" *WSP} and
 * {@code field = name "=" value}. Subclasses give the meaning of the fields.
 *
 * <p>It never stops at the first problem, so that every problem is reported.
 */
abstract class TxtRecordParser<T> {
  /** A DNS message carries at most 65535 octets, so no real TXT value is longer. */
  static final int MAX_LENGTH = 65_535;

  enum Kind {
    TOO_LARGE, NOT_ASCII, BAD_VERSION, NO_FIELDS, EMPTY_FIELD, NOT_KEY_VALUE, WHITESPACE,
    TRAILING_WHITESPACE, SPACE_BEFORE_DELIMITER, DUPLICATE_FIELD, INVALID_FIELD_NAME,
    INVALID_EXTENSION_VALUE
  }

  protected final String t;
  private final String tag;
  private final ProblemCode[] codes;
  private final String requiredField;
  private @Nullable ArrayList<ParseProblem> problems;
  private boolean hasError;
  protected @Nullable ArrayList<ExtensionField> extensions;

  TxtRecordParser(CharSequence text, String tag, ProblemCode[] codes, String requiredField) {
    this.t = text.toString();
    this.tag = tag;
    this.codes = codes;
    this.requiredField = requiredField;
  }

  /** Whether the value of this field may hold whitespace-separated list syntax (TLS-RPT rua). */
  protected abstract boolean isListField(String name);

  /** Handles a syntactically delimited field whose name is valid and not {@code v}. */
  protected abstract void field(String name, int nameStart, int vs, int ve);

  /** Reports missing required fields. */
  protected abstract void finish();

  /** Builds the value; called only when there is no error. */
  protected abstract T build();

  final ParseReport<T> run() {
    final String t = this.t;
    final int n = t.length();
    if (n > MAX_LENGTH) {
      error(Kind.TOO_LARGE, 0, "", "the record is " + n + " characters long; no DNS answer holds more than "
          + MAX_LENGTH);
      return report();
    }
    for (int i = 0; i < n; i++) {
      char c = t.charAt(i);
      if (c >= 0x80) {
        error(Kind.NOT_ASCII, i + 1, "", "character " + Text.describe(c) + " at column " + (i + 1)
            + " is not US-ASCII; TXT records are ASCII (use A-labels and percent-encoding)");
        return report();
      }
    }
    if (!t.startsWith(tag)) {
      badVersion();
      return report();
    }
    int pos = tag.length();
    if (pos < n && t.charAt(pos) != ';' && !isWsp(t.charAt(pos))) {
      int end = pos;
      while (end < n && t.charAt(end) != ';' && !isWsp(t.charAt(end))) {
        end++;
      }
      error(Kind.BAD_VERSION, 1, "v", "the record must begin with exactly '" + tag
          + "' and ';', not " + Text.quote(t.substring(0, end)));
      return report();
    }
    int fields = 0;
    String lastField = "v";
    while (true) {
      int ws = pos;
      while (pos < n && isWsp(t.charAt(pos))) {
        pos++;
      }
      if (pos == n) {
        if (fields == 0) {
          noFields(ws);
        } else if (pos > ws) {
          error(Kind.TRAILING_WHITESPACE, ws + 1, lastField,
              "whitespace after the last field; remove it or end the record with ';'");
        }
        break;
      }
      if (t.charAt(pos) == ';') {
        if (fields == 0 && pos > ws) {
          warning(Kind.SPACE_BEFORE_DELIMITER, ws + 1, "v", "whitespace between '" + tag
              + "' and ';' is valid, but some senders only accept records beginning with '" + tag
              + ";' (RFC 8461 erratum 6285); remove it");
        }
        pos++;
        while (pos < n && isWsp(t.charAt(pos))) {
          pos++;
        }
        if (pos == n) {
          if (fields == 0) {
            noFields(pos);
          }
          break;
        }
        if (t.charAt(pos) == ';') {
          error(Kind.EMPTY_FIELD, pos + 1, "", "empty field: two ';' with nothing between them");
          continue;
        }
      } else if (fields == 0) {
        error(Kind.BAD_VERSION, ws + 1, "v", "'" + tag + "' must be followed by ';'");
      } else {
        error(Kind.WHITESPACE, ws + 1, lastField, "whitespace inside field '" + lastField
            + "'; values hold no spaces and fields are separated by ';'");
      }
      // A field: name "=" value.
      int ns = pos;
      while (pos < n && t.charAt(pos) != '=' && t.charAt(pos) != ';' && !isWsp(t.charAt(pos))) {
        pos++;
      }
      int nameEnd = pos;
      if (pos == n || t.charAt(pos) != '=') {
        int q = pos;
        while (q < n && isWsp(t.charAt(q))) {
          q++;
        }
        if (q < n && t.charAt(q) == '=' && q > pos && nameEnd > ns) {
          error(Kind.WHITESPACE, pos + 1, t.substring(ns, nameEnd), "no whitespace is allowed before '='");
          pos = q;
        } else {
          error(Kind.NOT_KEY_VALUE, ns + 1, "", "field " + Text.quote(t.substring(ns, pos))
              + " is not name=value");
          fields++;
          continue;
        }
      }
      String name = fieldName(ns, nameEnd);
      pos++;
      int vs = pos;
      int ve;
      if (isListField(name)) {
        while (pos < n && t.charAt(pos) != ';') {
          pos++;
        }
        ve = pos;
        while (ve > vs && isWsp(t.charAt(ve - 1))) {
          ve--;
        }
        pos = ve;
      } else {
        while (pos < n && t.charAt(pos) != ';' && !isWsp(t.charAt(pos))) {
          pos++;
        }
        ve = pos;
      }
      fields++;
      lastField = name;
      if (!ExtensionField.isValidName(name)) {
        error(Kind.INVALID_FIELD_NAME, ns + 1, "", "field name " + Text.quote(name)
            + " is invalid; names are 1 to 32 letters, digits, '_', '-' or '.', starting with a letter or digit");
      } else if (name.equals("v")) {
        warning(Kind.DUPLICATE_FIELD, ns + 1, "v", "repeated version field 'v' is ignored");
      } else {
        field(name, ns, vs, ve);
      }
    }
    if (fields > 0) {
      // With no field at all, NO_FIELDS already says what is required.
      finish();
    }
    return report();
  }

  /**
   * The field name at t[from, to): the registered names as constants, so that a valid record
   * costs no copy of them; any other name as a new string.
   */
  private String fieldName(int from, int to) {
    int len = to - from;
    if (len == requiredField.length() && t.startsWith(requiredField, from)) {
      return requiredField;
    }
    if (len == 1 && t.charAt(from) == 'v') {
      return "v";
    }
    return t.substring(from, to);
  }

  private void badVersion() {
    String first = t.isEmpty() ? "" : t.split("[;\\s]", 2)[0];
    String message;
    if (t.isEmpty()) {
      message = "the record is empty; it must begin with '" + tag + ";'";
    } else if (isWsp(t.charAt(0))) {
      message = "the record starts with whitespace; it must begin with '" + tag + ";'";
    } else if (t.regionMatches(true, 0, tag, 0, tag.length())) {
      message = "the version is case-sensitive: write '" + tag + "', not " + Text.quote(first);
    } else {
      message = "the record must begin with '" + tag + ";', not " + Text.quote(first);
    }
    error(Kind.BAD_VERSION, 1, "v", message);
  }

  private void noFields(int index) {
    error(Kind.NO_FIELDS, index + 1, "", "no fields after '" + tag + "'; the " + requiredField
        + " field is required");
  }

  /** Validates and keeps an extension field (value: 1*(%x21-3A / %x3C / %x3E-7E)). */
  protected final void extension(String name, int nameStart, int vs, int ve) {
    if (vs == ve) {
      error(Kind.INVALID_EXTENSION_VALUE, nameStart + 1, name, "extension field '" + name + "' has no value");
      return;
    }
    for (int i = vs; i < ve; i++) {
      char c = t.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '=') {
        error(Kind.INVALID_EXTENSION_VALUE, i + 1, name, "extension field '" + name + "' value "
            + Text.quote(t.substring(vs, ve)) + " has " + Text.describe(c)
            + "; values are printable ASCII without '=', ';' or spaces");
        return;
      }
    }
    if (extensions == null) {
      extensions = new ArrayList<>(2);
    } else {
      for (ExtensionField f : extensions) {
        if (f.name().equals(name)) {
          warning(Kind.DUPLICATE_FIELD, nameStart + 1, name,
              "repeated field '" + name + "' is ignored; the first one wins");
          return;
        }
      }
    }
    extensions.add(new ExtensionField(name, t.substring(vs, ve)));
  }

  protected final List<ExtensionField> extensionList() {
    return extensions == null ? List.of() : extensions;
  }

  protected static boolean isWsp(char c) {
    return c == ' ' || c == '\t';
  }

  protected final void error(Kind kind, int column, String field, String message) {
    report(code(kind), Severity.ERROR, column, field, message);
  }

  protected final void warning(Kind kind, int column, String field, String message) {
    report(code(kind), Severity.WARNING, column, field, message);
  }

  protected final ProblemCode code(Kind kind) {
    return codes[kind.ordinal()];
  }

  /**
   * The problem codes of one record type, one per {@link Kind} in declaration order: an explicit
   * table rather than a name built at run time, so a renamed code fails to compile.
   */
  static ProblemCode[] codes(ProblemCode... inKindOrder) {
    if (inKindOrder.length != Kind.values().length) {
      throw new IllegalArgumentException("one code per kind is needed, not " + inKindOrder.length);
    }
    return inKindOrder;
  }

  protected final void report(ProblemCode code, Severity severity, int column, String field,
      String message) {
    if (problems == null) {
      problems = new ArrayList<>(4);
    }
    problems.add(new ParseProblem(code, severity, 1, column, field, message));
    hasError |= severity == Severity.ERROR;
  }

  protected final boolean hasError() {
    return hasError;
  }

  private ParseReport<T> report() {
    List<ParseProblem> found = problems == null ? List.of() : problems;
    return new ParseReport<>(hasError ? null : build(), found);
  }

  /**
   * Selects among TXT values with the given tag and parser.
   */
  static <T> TxtRecordSelection<T> select(List<String> txtValues, String tag,
      Function<String, ParseReport<T>> lint) {
    List<String> candidates = new ArrayList<>(1);
    List<String> ignored = new ArrayList<>(txtValues.size());
    for (String v : txtValues) {
      Objects.requireNonNull(v, "TXT value");
      if (beginsWithTag(v, tag)) {
        candidates.add(v);
      } else {
        ignored.add(v);
      }
    }
    if (candidates.isEmpty()) {
      return new TxtRecordSelection.NoRecord<>(ignored);
    }
    if (candidates.size() > 1) {
      return new TxtRecordSelection.MultipleRecords<>(candidates);
    }
    String text = candidates.get(0);
    ParseReport<T> report = lint.apply(text);
    T value = report.value();
    return value == null ? new TxtRecordSelection.InvalidRecord<>(text, report.problems())
        : new TxtRecordSelection.Found<>(value, text, report.problems());
  }

  /**
   * The discard rule of TXT-7/RPT-3, with erratum 6285 decided for acceptance: the tag, then
   * optional spaces or tabs, then {@code ;}.
   */
  private static boolean beginsWithTag(String v, String tag) {
    if (!v.startsWith(tag)) {
      return false;
    }
    int i = tag.length();
    while (i < v.length() && (v.charAt(i) == ' ' || v.charAt(i) == '\t')) {
      i++;
    }
    return i < v.length() && v.charAt(i) == ';';
  }
}
