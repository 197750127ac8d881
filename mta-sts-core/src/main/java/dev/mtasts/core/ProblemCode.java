package dev.mtasts.core;

/**
 * Stable, machine-readable codes for everything the parsers report.
 *
 * <p>The constant names are part of the public contract: they appear in JSON output and may be
 * matched by scripts. Each code names the checklist item ({@code ../shared/spec/rfc-checklist.md}
 * in the project repository) that it enforces.
 */
public enum ProblemCode {
  // ---- Policy file (RFC 8461 §3.2) ----
  /** The body is larger than the 64 KiB limit. */
  POLICY_TOO_LARGE("POL-18", "policy body is larger than 64 KiB"),
  /** The body is not valid UTF-8. */
  POLICY_NOT_UTF8("POL-17", "policy body is not valid UTF-8"),
  /** The body is empty. */
  POLICY_EMPTY("POL-1", "policy body is empty"),
  /** The body starts with a byte order mark. */
  POLICY_BOM("POL-1", "policy body starts with a UTF-8 byte order mark"),
  /** An empty or whitespace-only line. */
  POLICY_BLANK_LINE("POL-3", "blank line"),
  /** A line starts with a space or tab. */
  POLICY_LEADING_WHITESPACE("POL-2", "line starts with whitespace"),
  /** A carriage return that is not part of a CRLF line ending. */
  POLICY_BARE_CR("POL-1", "carriage return without line feed"),
  /** A line that starts with {@code #}: the format has no comments. */
  POLICY_COMMENT("POL-1", "comment line"),
  /** A line without a colon. */
  POLICY_NOT_KEY_VALUE("POL-1", "line is not a 'name: value' pair"),
  /** Whitespace between a field name and its colon. */
  POLICY_WHITESPACE_BEFORE_COLON("POL-2", "whitespace before the colon"),
  /** A field name outside the extension-name grammar. */
  POLICY_INVALID_FIELD_NAME("POL-14", "invalid field name"),
  /** A field with nothing after the colon. */
  POLICY_EMPTY_VALUE("POL-14", "empty field value"),
  /** An extension value with control characters or tabs. */
  POLICY_INVALID_EXTENSION_VALUE("POL-14", "invalid extension field value"),
  /** An unknown field whose name differs from a registered one only by case or separator. */
  POLICY_FIELD_NAME_CASE("POL-4", "field name differs from a registered name only by case"),
  /** A repeated field other than {@code mx}; the first occurrence wins. */
  POLICY_DUPLICATE_FIELD("POL-15", "repeated field ignored"),
  /** {@code version} is not {@code STSv1}. */
  POLICY_INVALID_VERSION("POL-5", "version is not STSv1"),
  /** {@code mode} is not {@code enforce}, {@code testing} or {@code none}. */
  POLICY_INVALID_MODE("POL-6", "invalid mode"),
  /** {@code max_age} is not 1 to 10 digits. */
  POLICY_INVALID_MAX_AGE("POL-7", "invalid max_age"),
  /** {@code max_age} is above 31557600 seconds. */
  POLICY_MAX_AGE_TOO_LARGE("POL-7", "max_age above 31557600"),
  /** An {@code mx} value that is not {@code ["*."] Domain}. */
  POLICY_INVALID_MX("POL-12", "invalid mx pattern"),
  /** Several hosts on one {@code mx} line. */
  POLICY_MX_LIST("POL-10", "several hosts on one mx line"),
  /** An {@code mx} value that ends with a root dot. */
  POLICY_MX_TRAILING_DOT("POL-12", "mx pattern ends with a dot"),
  /** An {@code mx} value written as a Unicode U-label. */
  POLICY_MX_U_LABEL("POL-13", "mx pattern is not in A-label form"),
  /** An {@code mx} value that looks like an IPv4 address. */
  POLICY_MX_IP_ADDRESS("POL-12", "mx pattern looks like an IP address"),
  /** No {@code version} field. */
  POLICY_MISSING_VERSION("POL-5", "missing version"),
  /** No {@code mode} field. */
  POLICY_MISSING_MODE("POL-6", "missing mode"),
  /** No {@code max_age} field. */
  POLICY_MISSING_MAX_AGE("POL-7", "missing max_age"),
  /** No {@code mx} field while the mode is not {@code none}. */
  POLICY_MISSING_MX("POL-11", "missing mx"),
  /** Both LF and CRLF line endings are used. */
  POLICY_MIXED_LINE_ENDINGS("POL-1", "mixed LF and CRLF line endings"),

  // ---- Policy fetch (RFC 8461 §3.2, §3.3) ----
  /** The policy response has no {@code Content-Type}, or one other than {@code text/plain}. */
  POLICY_CONTENT_TYPE("FET-9", "media type is not text/plain"),
  /** The policy response's {@code Content-Type} names a charset other than UTF-8 or US-ASCII. */
  POLICY_CHARSET("FET-9", "charset is neither utf-8 nor us-ascii"),

  // ---- _mta-sts TXT record (RFC 8461 §3.1) ----
  /** The record is longer than any DNS answer can carry. */
  STS_RECORD_TOO_LARGE("TXT-2", "record too large"),
  /** The record has characters outside US-ASCII. */
  STS_RECORD_NOT_ASCII("TXT-2", "record is not US-ASCII"),
  /** The record does not begin with {@code v=STSv1}. */
  STS_RECORD_BAD_VERSION("TXT-5", "record does not begin with v=STSv1"),
  /** No field follows the version. */
  STS_RECORD_NO_FIELDS("TXT-6", "no fields after the version"),
  /** Two delimiters with nothing between them. */
  STS_RECORD_EMPTY_FIELD("TXT-6", "empty field"),
  /** A field without {@code =}. */
  STS_RECORD_NOT_KEY_VALUE("TXT-2", "field is not name=value"),
  /** Whitespace inside a field or around {@code =}. */
  STS_RECORD_WHITESPACE("TXT-6", "whitespace inside a field"),
  /** Whitespace after the last field without a following {@code ;}. */
  STS_RECORD_TRAILING_WHITESPACE("TXT-6", "trailing whitespace after the last field"),
  /** Whitespace between {@code v=STSv1} and the first {@code ;} (erratum 6285). */
  STS_RECORD_SPACE_BEFORE_DELIMITER("TXT-7", "whitespace before the first ';'"),
  /** An {@code id} that is not 1 to 32 letters and digits. */
  STS_RECORD_INVALID_ID("TXT-4", "invalid id"),
  /** No {@code id} field. */
  STS_RECORD_MISSING_ID("TXT-4", "missing id"),
  /** A repeated field; the first occurrence wins. */
  STS_RECORD_DUPLICATE_FIELD("TXT-12", "repeated field ignored"),
  /** A field name outside the extension-name grammar. */
  STS_RECORD_INVALID_FIELD_NAME("TXT-11", "invalid field name"),
  /** An extension value outside the allowed characters. */
  STS_RECORD_INVALID_EXTENSION_VALUE("TXT-11", "invalid extension value"),

  // ---- _smtp._tls TXT record (RFC 8460 §3) ----
  /** The record is longer than any DNS answer can carry. */
  TLSRPT_RECORD_TOO_LARGE("RPT-2", "record too large"),
  /** The record has characters outside US-ASCII. */
  TLSRPT_RECORD_NOT_ASCII("RPT-2", "record is not US-ASCII"),
  /** The record does not begin with {@code v=TLSRPTv1}. */
  TLSRPT_RECORD_BAD_VERSION("RPT-2", "record does not begin with v=TLSRPTv1"),
  /** No field follows the version. */
  TLSRPT_RECORD_NO_FIELDS("RPT-4", "no fields after the version"),
  /** Two delimiters with nothing between them. */
  TLSRPT_RECORD_EMPTY_FIELD("RPT-2", "empty field"),
  /** A field without {@code =}. */
  TLSRPT_RECORD_NOT_KEY_VALUE("RPT-2", "field is not name=value"),
  /** Whitespace inside a field or around {@code =}. */
  TLSRPT_RECORD_WHITESPACE("RPT-2", "whitespace inside a field"),
  /** Whitespace after the last field without a following {@code ;}. */
  TLSRPT_RECORD_TRAILING_WHITESPACE("RPT-2", "trailing whitespace after the last field"),
  /** Whitespace between {@code v=TLSRPTv1} and the first {@code ;}. */
  TLSRPT_RECORD_SPACE_BEFORE_DELIMITER("RPT-3", "whitespace before the first ';'"),
  /** No {@code rua} field. */
  TLSRPT_RECORD_MISSING_RUA("RPT-4", "missing rua"),
  /** An empty element in the {@code rua} list. */
  TLSRPT_RECORD_EMPTY_URI("RPT-4", "empty URI in the rua list"),
  /** A {@code rua} element that is not a valid URI. */
  TLSRPT_RECORD_INVALID_URI("RPT-4", "invalid rua URI"),
  /** A {@code rua} URI with a scheme other than {@code mailto} or {@code https}; it is ignored. */
  TLSRPT_RECORD_UNSUPPORTED_SCHEME("RPT-4", "unsupported rua scheme ignored"),
  /** A repeated {@code rua} field; its URIs are added to the first one's. */
  TLSRPT_RECORD_DUPLICATE_RUA("RPT-6", "repeated rua field"),
  /** A repeated extension field; the first occurrence wins. */
  TLSRPT_RECORD_DUPLICATE_FIELD("RPT-6", "repeated field ignored"),
  /** A field name outside the extension-name grammar. */
  TLSRPT_RECORD_INVALID_FIELD_NAME("RPT-6", "invalid field name"),
  /** An extension value outside the allowed characters. */
  TLSRPT_RECORD_INVALID_EXTENSION_VALUE("RPT-6", "invalid extension value");

  private final String checklistId;
  private final String summary;

  ProblemCode(String checklistId, String summary) {
    this.checklistId = checklistId;
    this.summary = summary;
  }

  /**
   * Returns the ID of the checklist rule this code enforces, such as {@code "POL-7"}.
   *
   * @return the checklist item ID
   */
  public String checklistId() {
    return checklistId;
  }

  /**
   * Returns a short, constant description of the problem.
   *
   * @return a lower-case phrase such as {@code "invalid mode"}
   */
  public String summary() {
    return summary;
  }
}
