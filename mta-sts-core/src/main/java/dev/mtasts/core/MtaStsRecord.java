package dev.mtasts.core;

import dev.mtasts.core.internal.Text;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code _mta-sts.<domain>} TXT record that announces a policy and names its version.
 *
 * <pre>{@code
 * MtaStsRecord record = MtaStsRecord.parse("v=STSv1; id=20260101T000000");
 * record.id();        // "20260101T000000"
 * record.toText();    // "v=STSv1; id=20260101T000000"
 * }</pre>
 *
 * <p>Ids have no order: compare them for equality only (TXT-4).
 *
 * @param id the policy id: 1 to 32 ASCII letters and digits (TXT-4)
 * @param extensions unknown {@code name=value} fields, first occurrence of each, in record order
 *     (TXT-11)
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8461#section-3.1">RFC 8461 §3.1</a>
 */
public record MtaStsRecord(String id, List<ExtensionField> extensions) {

  /** The version tag every record must begin with (TXT-3, TXT-5). */
  public static final String VERSION_TAG = "v=STSv1";

  private static final String SUBJECT = "_mta-sts TXT record";
  private static final int MAX_ID_LENGTH = 32;

  /**
   * Validates the id and the extensions.
   *
   * @param id the {@code id} component
   * @param extensions the {@code extensions} component
   * @throws IllegalArgumentException if the id is not 1 to 32 letters and digits, or an extension
   *     is named {@code v} or {@code id}, repeats a name, or has a value with {@code =}, {@code ;},
   *     spaces or non-ASCII characters
   */
  public MtaStsRecord {
    Objects.requireNonNull(id, "id");
    extensions = List.copyOf(extensions);
    if (!isValidId(id)) {
      throw new IllegalArgumentException("id " + Text.quote(id)
          + " is invalid; an id is 1 to 32 ASCII letters and digits (TXT-4)");
    }
    checkTxtExtensions(extensions, "id");
  }

  /**
   * Creates a record with the given id and no extensions.
   *
   * @param id 1 to 32 letters and digits
   * @return the record
   * @throws IllegalArgumentException if the id is invalid
   */
  public static MtaStsRecord of(String id) {
    return new MtaStsRecord(id, List.of());
  }

  /**
   * Tells whether {@code id} is a valid policy id: 1 to 32 ASCII letters and digits (TXT-4).
   *
   * @param id a candidate id
   * @return {@code true} when valid
   */
  public static boolean isValidId(CharSequence id) {
    int n = id.length();
    if (n < 1 || n > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses one TXT value, with its character-strings already joined without spaces (TXT-9),
   * exactly as the RFC 8461 §3.1 ABNF defines it.
   *
   * <p>A record beginning {@code v=STSv1 ;} (whitespace before the first {@code ;}) is accepted:
   * the ABNF allows it, and erratum 6285 is read as not discarding it; a warning
   * ({@link ProblemCode#STS_RECORD_SPACE_BEFORE_DELIMITER}) is reported by {@link #lint}.
   *
   * @param text the TXT value
   * @return the record
   * @throws MtaStsParseException listing every problem, if the value is invalid
   */
  public static MtaStsRecord parse(CharSequence text) {
    return lint(text).orElseThrow(SUBJECT);
  }

  /**
   * Checks one TXT value and reports every problem without throwing for bad input.
   *
   * @param text the TXT value
   * @return the record when valid, and every problem (columns are 1-based, the line is always 1)
   */
  public static ParseReport<MtaStsRecord> lint(CharSequence text) {
    return new Parser(Objects.requireNonNull(text, "text")).run();
  }

  /**
   * Selects the policy record among all TXT values found at {@code _mta-sts.<domain>} (TXT-7,
   * TXT-8).
   *
   * <p>Values that do not begin with {@code v=STSv1} followed by optional whitespace and
   * {@code ;} are ignored (so SPF or other records at the name never count). If none remains the
   * result is {@link TxtRecordSelection.NoRecord}; if several remain,
   * {@link TxtRecordSelection.MultipleRecords}; if the one left is invalid,
   * {@link TxtRecordSelection.InvalidRecord}. In all three cases a sender must behave as if the
   * domain had no MTA-STS record (but keep any cached policy: TXT-13).
   *
   * @param txtValues every TXT value at the name, each with its strings joined (TXT-9)
   * @return the selection outcome
   */
  public static TxtRecordSelection<MtaStsRecord> select(List<String> txtValues) {
    return TxtRecordParser.select(txtValues, VERSION_TAG, MtaStsRecord::lint);
  }

  /**
   * Returns the value of an extension field.
   *
   * @param name the field name, case-sensitive
   * @return the value, or empty if absent
   */
  public Optional<String> extension(String name) {
    for (ExtensionField f : extensions) {
      if (f.name().equals(name)) {
        return Optional.of(f.value());
      }
    }
    return Optional.empty();
  }

  /**
   * Serializes the record in canonical form: {@code v=STSv1; id=<id>} followed by
   * {@code ; name=value} for each extension. {@code parse(r.toText())} equals {@code r}.
   *
   * @return the TXT value to publish
   */
  public String toText() {
    StringBuilder sb = new StringBuilder(24 + id.length()).append(VERSION_TAG).append("; id=").append(id);
    for (ExtensionField f : extensions) {
      sb.append("; ").append(f.name()).append('=').append(f.value());
    }
    return sb.toString();
  }

  static void checkTxtExtensions(List<ExtensionField> extensions, String registered) {
    for (int i = 0; i < extensions.size(); i++) {
      ExtensionField f = extensions.get(i);
      if (f.name().equals("v") || f.name().equals(registered)) {
        throw new IllegalArgumentException("'" + f.name() + "' is a registered field, not an extension");
      }
      for (int j = 0; j < f.value().length(); j++) {
        char c = f.value().charAt(j);
        if (c < 0x21 || c > 0x7e || c == '=' || c == ';') {
          throw new IllegalArgumentException("extension field '" + f.name() + "' value "
              + Text.quote(f.value()) + " has " + Text.describe(c)
              + "; TXT values are printable ASCII without '=', ';' or spaces");
        }
      }
      for (int j = 0; j < i; j++) {
        if (extensions.get(j).name().equals(f.name())) {
          throw new IllegalArgumentException("extension field '" + f.name() + "' appears twice");
        }
      }
    }
  }

  private static final class Parser extends TxtRecordParser<MtaStsRecord> {
    private static final ProblemCode[] CODES = TxtRecordParser.codes(
        ProblemCode.STS_RECORD_TOO_LARGE, ProblemCode.STS_RECORD_NOT_ASCII, ProblemCode.STS_RECORD_BAD_VERSION, ProblemCode.STS_RECORD_NO_FIELDS, ProblemCode.STS_RECORD_EMPTY_FIELD, ProblemCode.STS_RECORD_NOT_KEY_VALUE, ProblemCode.STS_RECORD_WHITESPACE, ProblemCode.STS_RECORD_TRAILING_WHITESPACE, ProblemCode.STS_RECORD_SPACE_BEFORE_DELIMITER, ProblemCode.STS_RECORD_DUPLICATE_FIELD, ProblemCode.STS_RECORD_INVALID_FIELD_NAME, ProblemCode.STS_RECORD_INVALID_EXTENSION_VALUE);

    private String id = "";
    private boolean idSeen;

    Parser(CharSequence text) {
      super(text, VERSION_TAG, CODES, "id");
    }

    @Override
    protected boolean isListField(String name) {
      return false;
    }

    @Override
    protected void field(String name, int nameStart, int vs, int ve) {
      if (!name.equals("id")) {
        extension(name, nameStart, vs, ve);
        return;
      }
      if (idSeen) {
        warning(Kind.DUPLICATE_FIELD, nameStart + 1, "id",
            "repeated field 'id' is ignored; the first one wins (TXT-12)");
        return;
      }
      idSeen = true;
      String value = t.substring(vs, ve);
      if (!isValidId(value)) {
        report(ProblemCode.STS_RECORD_INVALID_ID, Severity.ERROR, vs + 1, "id", "id "
            + Text.quote(value) + " must be 1 to 32 letters and digits (no '-', '_', '.', ':' or spaces)");
        return;
      }
      id = value;
    }

    @Override
    protected void finish() {
      if (!idSeen) {
        report(ProblemCode.STS_RECORD_MISSING_ID, Severity.ERROR, 0, "id",
            "the required field 'id' is missing; add '; id=' and 1 to 32 letters and digits");
      }
    }

    @Override
    protected MtaStsRecord build() {
      return new MtaStsRecord(id, extensionList());
    }
  }
}
