package dev.mtasts.tlsrpt;

import dev.mtasts.core.internal.Builders;
import static dev.mtasts.tlsrpt.internal.JsonFields.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.mtasts.core.internal.Text;
import dev.mtasts.tlsrpt.ReportParseOutcome.Parsed;
import dev.mtasts.tlsrpt.ReportParseOutcome.RejectReason;
import dev.mtasts.tlsrpt.ReportParseOutcome.Rejected;
import dev.mtasts.tlsrpt.internal.Dates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;

/**
 * Reads received TLS-RPT reports, for a domain owner: tolerant of what real senders do, and bounded,
 * because a report is untrusted input (SEC-9).
 *
 * <p>Tolerated, with a warning in {@link ReportParseOutcome.Parsed#warnings()}: any missing member
 * other than {@code policies}, {@code policy-type} and the counts (RPT-13); {@code mx-host} as a
 * string or an array (RPT-11); {@code policy-string} as a string; dates without a zone, taken as
 * UTC (RPT-9); the draft-23 spelling {@code failure-error-code} (RPT-13); counts written as
 * integral decimals or numeric strings; {@code policies} as a single object; unknown members and
 * unknown result types. A policy without {@code policy-type} or counts, or a failure detail without
 * {@code result-type} or {@code failed-session-count}, is skipped with a warning. The input may be
 * gzip-compressed or plain JSON, told apart by the gzip magic {@code 1f 8b} (RPT-29), never by a
 * file name or media type (RPT-28).
 *
 * <p>Reports that arrive by mail must carry a valid DKIM signature of the reporting domain, and
 * receivers must ignore those that do not (RPT-23); checking it is the caller's job, before the
 * attachment reaches this parser.
 *
 * <p>Bounds: the input size, the decompressed size (decompression bombs), the nesting depth, the
 * number of tokens and the length of each string, member name and number; exceeding one rejects
 * the report ({@link RejectReason#LIMIT_EXCEEDED} for the JSON bounds). The parser never uses file
 * names from the input.
 *
 * <p>CPU budget (SEC-14): the work is linear in the size of the decompressed JSON, because every
 * token costs time proportional to its length and no conversion is worse than linear: number
 * tokens are at most {@value #MAX_NUMBER_LENGTH} characters, member names at most
 * {@value #MAX_NAME_LENGTH}, strings at most {@link Builder#maxStringLength(int)}, and a count
 * written as text (a string, a decimal or an integer beyond 64 bits) at most
 * {@value #MAX_COUNT_TEXT_LENGTH} characters, checked before it is converted; a longer one rejects
 * the report, since no count needs it (a 64-bit count has at most 19 digits). Converting a
 * 65,000-digit count used to cost milliseconds each, seconds per report. The number of tokens is
 * bounded by {@link Builder#maxTokens(int)}.
 *
 * <pre>{@code
 * ReportParser parser = ReportParser.builder().build();
 * ReportParseOutcome outcome = parser.parse(bytes);
 * if (outcome instanceof ReportParseOutcome.Parsed parsed) {
 *   store(parsed.report());
 * } else if (outcome instanceof ReportParseOutcome.Rejected rejected) {
 *   log.info("bad report: {}", rejected.message());
 * }
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public final class ReportParser {
  /** The default for {@link Builder#maxInputBytes(int)}: 10 MiB, a common receiver limit (RPT-18). */
  public static final int DEFAULT_MAX_INPUT_BYTES = 10 << 20;
  /** The default for {@link Builder#maxJsonBytes(int)}: 32 MiB. */
  public static final int DEFAULT_MAX_JSON_BYTES = 32 << 20;
  /** The default for {@link Builder#maxDepth(int)}; reports nest 5 levels deep. */
  public static final int DEFAULT_MAX_DEPTH = 16;
  /** The default for {@link Builder#maxStringLength(int)}: 64 Ki characters. */
  public static final int DEFAULT_MAX_STRING_LENGTH = 1 << 16;
  /**
   * The longest number token accepted, in characters; a longer one rejects the report (SEC-14).
   */
  public static final int MAX_NUMBER_LENGTH = 64;
  /**
   * The longest text accepted for a count (a numeric string, a decimal, or an integer beyond 64
   * bits), checked before conversion; a longer one rejects the report (SEC-14).
   */
  public static final int MAX_COUNT_TEXT_LENGTH = 32;
  /** The longest member name accepted, in characters; a longer one rejects the report. */
  public static final int MAX_NAME_LENGTH = 1024;
  /** The least default for {@link Builder#maxTokens(int)}. */
  static final int MIN_DEFAULT_MAX_TOKENS = 1_000_000;

  private static final int MAX_WARNINGS = 100;

  private final int maxInputBytes;
  private final int maxJsonBytes;
  private final JsonFactory factory;

  private ReportParser(Builder b) {
    this.maxInputBytes = b.maxInputBytes;
    this.maxJsonBytes = b.maxJsonBytes;
    this.factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(b.maxDepth)
            .maxStringLength(b.maxStringLength)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxNameLength(MAX_NAME_LENGTH)
            .maxDocumentLength(b.maxJsonBytes)
            .maxTokenCount(b.maxTokens > 0 ? b.maxTokens
                : Math.max(MIN_DEFAULT_MAX_TOKENS, b.maxJsonBytes / 4))
            .build())
        .build();
  }

  /**
   * Starts building a parser.
   *
   * @return a builder with the {@code DEFAULT_*} bounds
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a report from bytes: a {@code .json} or {@code .json.gz} file, or the body of an HTTPS
   * POST or a mail attachment after transfer decoding.
   *
   * @param data the gzip-compressed or plain JSON
   * @return the report, or why it was rejected
   */
  public ReportParseOutcome parse(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (data.length > maxInputBytes) {
      return new Rejected(RejectReason.TOO_LARGE,
          "the input has " + data.length + " bytes; the limit is " + maxInputBytes);
    }
    boolean gzip = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    byte[] json;
    if (gzip) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
        json = readAtMost(in, maxJsonBytes);
      } catch (ZipException | java.io.EOFException e) {
        return new Rejected(RejectReason.INVALID_GZIP, "the input is not valid gzip: " + e.getMessage());
      } catch (IOException e) {
        return new Rejected(RejectReason.INVALID_GZIP, "the gzip data cannot be read: " + e.getMessage());
      }
      if (json == null) {
        return new Rejected(RejectReason.TOO_LARGE,
            "the decompressed report exceeds " + maxJsonBytes + " bytes (SEC-9)");
      }
    } else {
      if (data.length > maxJsonBytes) {
        return new Rejected(RejectReason.TOO_LARGE,
            "the report has " + data.length + " bytes; the limit is " + maxJsonBytes);
      }
      json = data;
    }
    return parseJson(json, gzip);
  }

  /**
   * Reads a report from a stream, reading at most the configured input size plus one byte. The
   * stream is not closed.
   *
   * @param in the gzip-compressed or plain JSON
   * @return the report, or why it was rejected
   * @throws IOException if reading the stream fails
   */
  public ReportParseOutcome parse(InputStream in) throws IOException {
    byte[] data = readAtMost(in, maxInputBytes);
    if (data == null) {
      return new Rejected(RejectReason.TOO_LARGE, "the input exceeds " + maxInputBytes + " bytes");
    }
    return parse(data);
  }

  /** Reads up to {@code max} bytes; {@code null} if there are more. */
  private static byte @Nullable [] readAtMost(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 64 * 1024) + 1);
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf, 0, (int) Math.min(buf.length, max + 1L - total))) > 0) {
      total += n;
      if (total > max) {
        return null;
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private ReportParseOutcome parseJson(byte[] json, boolean compressed) {
    Reader r = new Reader();
    try (JsonParser p = factory.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        return new Rejected(RejectReason.NOT_A_REPORT, "the JSON is not an object");
      }
      TlsRptReport report = r.report(p);
      if (report == null) {
        return new Rejected(RejectReason.NOT_A_REPORT, "the JSON object has no 'policies' array");
      }
      return new Parsed(report, compressed, r.warnings);
    } catch (StreamConstraintsException e) {
      return new Rejected(RejectReason.LIMIT_EXCEEDED, "the JSON exceeds a limit: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new Rejected(RejectReason.INVALID_JSON, "the JSON is malformed: " + e.getMessage());
    }
  }

  /** The state of one parse: the warnings so far. */
  private static final class Reader {
    final List<String> warnings = new ArrayList<>();

    void warn(String path, String message) {
      if (warnings.size() < MAX_WARNINGS) {
        warnings.add(path + ": " + message);
      } else if (warnings.size() == MAX_WARNINGS) {
        warnings.add("(further warnings omitted)");
      }
    }

    /** Reads the report object; the parser is on its START_OBJECT. Null without policies. */
    @Nullable TlsRptReport report(JsonParser p) throws IOException {
      String org = null;
      String contact = null;
      String id = null;
      DateRange range = null;
      List<PolicyReport> policies = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case ORGANIZATION_NAME -> org = text(p, v, name);
          case CONTACT_INFO -> contact = text(p, v, name);
          case REPORT_ID -> id = text(p, v, name);
          case DATE_RANGE -> range = dateRange(p, v);
          case POLICIES -> policies = policies(p, v);
          default -> p.skipChildren();
        }
      }
      if (policies == null) {
        return null;
      }
      if (org == null) {
        warn(ORGANIZATION_NAME, "missing");
      }
      if (contact == null) {
        warn(CONTACT_INFO, "missing");
      }
      if (id == null) {
        warn(REPORT_ID, "missing");
      }
      if (range == null) {
        warn(DATE_RANGE, "missing or invalid");
      }
      return new TlsRptReport(org, range, contact, id, policies);
    }

    @Nullable DateRange dateRange(JsonParser p, JsonToken v) throws IOException {
      if (v != JsonToken.START_OBJECT) {
        skip(p, v, DATE_RANGE, "not an object");
        return null;
      }
      Instant start = null;
      Instant end = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        String path = DATE_RANGE + "." + name;
        if (name.equals(START_DATETIME)) {
          start = instant(p, t, path);
        } else if (name.equals(END_DATETIME)) {
          end = instant(p, t, path);
        } else {
          p.skipChildren();
        }
      }
      if (start == null || end == null) {
        return null;
      }
      try {
        return new DateRange(start, end);
      } catch (IllegalArgumentException e) {
        warn(DATE_RANGE, Text.message(e));
        return null;
      }
    }

    @Nullable Instant instant(JsonParser p, JsonToken t, String path) throws IOException {
      String s = text(p, t, path);
      if (s == null) {
        return null;
      }
      Dates.Lenient d = Dates.parse(s);
      if (d == null) {
        warn(path, "not an RFC 3339 date-time: '" + s + "'");
        return null;
      }
      if (d.zoneAssumed()) {
        warn(path, "no time zone in '" + s + "'; UTC assumed (RPT-9)");
      }
      return d.instant();
    }

    @Nullable List<PolicyReport> policies(JsonParser p, JsonToken v) throws IOException {
      List<PolicyReport> out = new ArrayList<>();
      if (v == JsonToken.START_OBJECT) {
        warn(POLICIES, "an object, not an array (RPT-7); read as one policy");
        addIfPresent(out, policyReport(p, POLICIES));
        return out;
      }
      if (v != JsonToken.START_ARRAY) {
        p.skipChildren();
        return null;
      }
      int i = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        String path = POLICIES + "[" + i++ + "]";
        if (t == JsonToken.START_OBJECT) {
          addIfPresent(out, policyReport(p, path));
        } else {
          skip(p, t, path, "not an object; skipped");
        }
      }
      return out;
    }

    /** Reads one element of {@code policies}; the parser is on its START_OBJECT. */
    @Nullable PolicyReport policyReport(JsonParser p, String path) throws IOException {
      ReportPolicy policy = null;
      long[] counts = null;
      List<FailureDetail> details = new ArrayList<>();
      boolean hadPolicy = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        String sub = path + "." + name;
        switch (name) {
          case POLICY -> {
            hadPolicy = true;
            policy = policy(p, v, sub);
          }
          case SUMMARY -> counts = summary(p, v, sub);
          case FAILURE_DETAILS -> failureDetails(p, v, sub, details);
          default -> p.skipChildren();
        }
      }
      if (policy == null) {
        if (!hadPolicy) {
          warn(path, "no 'policy'; policy skipped");
        }
        return null;
      }
      if (counts == null) {
        warn(path, "no valid 'summary' counts; policy skipped");
        return null;
      }
      return new PolicyReport(policy, counts[0], counts[1], details);
    }

    @Nullable ReportPolicy policy(JsonParser p, JsonToken v, String path) throws IOException {
      if (v != JsonToken.START_OBJECT) {
        skip(p, v, path, "not an object; policy skipped");
        return null;
      }
      String type = null;
      List<String> strings = List.of();
      boolean stringsAsText = false;
      String domain = null;
      List<String> mx = List.of();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        String sub = path + "." + name;
        switch (name) {
          case POLICY_TYPE -> type = text(p, t, sub);
          case POLICY_STRING -> {
            stringsAsText = t == JsonToken.VALUE_STRING;
            strings = stringList(p, t, sub);
          }
          case POLICY_DOMAIN -> domain = text(p, t, sub);
          case MX_HOST -> {
            if (t == JsonToken.VALUE_STRING) {
              warn(sub, "a string, not an array (erratum 6241); read as one pattern");
            }
            mx = stringList(p, t, sub);
          }
          default -> p.skipChildren();
        }
      }
      if (type == null) {
        warn(path, "no 'policy-type'; policy skipped");
        return null;
      }
      PolicyType pt = PolicyType.fromToken(type).orElse(null);
      if (pt == null) {
        warn(path, "unknown policy-type '" + type + "'; policy skipped");
        return null;
      }
      if (stringsAsText && strings.size() == 1) {
        // RFC 8460 §4 describes a DANE policy as one string of records separated by ';'.
        String one = strings.get(0);
        strings = pt == PolicyType.TLSA ? split(one, ";") : ReportPolicy.policyLines(one);
        warn(path + "." + POLICY_STRING, "a string, not an array; split into " + strings.size() + " lines");
      }
      if (domain == null) {
        warn(path + "." + POLICY_DOMAIN, "missing (RPT-13)");
      }
      return new ReportPolicy(pt, strings, domain, mx);
    }

    long @Nullable [] summary(JsonParser p, JsonToken v, String path) throws IOException {
      if (v != JsonToken.START_OBJECT) {
        skip(p, v, path, "not an object");
        return null;
      }
      Long ok = null;
      Long failed = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        String sub = path + "." + name;
        if (name.equals(TOTAL_SUCCESSFUL)) {
          ok = count(p, t, sub);
        } else if (name.equals(TOTAL_FAILURE)) {
          failed = count(p, t, sub);
        } else {
          p.skipChildren();
        }
      }
      if (ok == null || failed == null) {
        return null;
      }
      return new long[] {ok, failed};
    }

    void failureDetails(JsonParser p, JsonToken v, String path, List<FailureDetail> out) throws IOException {
      if (v == JsonToken.START_OBJECT) {
        warn(path, "an object, not an array; read as one entry");
        addIfPresent(out, failureDetail(p, path));
        return;
      }
      if (v != JsonToken.START_ARRAY) {
        skip(p, v, path, "not an array; ignored");
        return;
      }
      int i = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        String sub = path + "[" + i++ + "]";
        if (t == JsonToken.START_OBJECT) {
          addIfPresent(out, failureDetail(p, sub));
        } else {
          skip(p, t, sub, "not an object; skipped");
        }
      }
    }

    /** Reads one failure detail; the parser is on its START_OBJECT. */
    @Nullable FailureDetail failureDetail(JsonParser p, String path) throws IOException {
      String resultType = null;
      String sendingIp = null;
      String mxHost = null;
      String helo = null;
      String receivingIp = null;
      Long count = null;
      String info = null;
      String reason = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        String sub = path + "." + name;
        switch (name) {
          case RESULT_TYPE -> resultType = text(p, t, sub);
          case SENDING_MTA_IP -> sendingIp = text(p, t, sub);
          case RECEIVING_MX_HOSTNAME -> mxHost = text(p, t, sub);
          case RECEIVING_MX_HELO -> helo = text(p, t, sub);
          case RECEIVING_IP -> receivingIp = text(p, t, sub);
          case FAILED_SESSION_COUNT -> count = count(p, t, sub);
          case ADDITIONAL_INFORMATION, ADDITIONAL_INFO_URI -> info = text(p, t, sub);
          case FAILURE_REASON_CODE -> reason = text(p, t, sub);
          case FAILURE_ERROR_CODE -> {
            String alias = text(p, t, sub);
            if (reason == null) {
              reason = alias;
            }
          }
          default -> p.skipChildren();
        }
      }
      if (resultType == null) {
        warn(path, "no 'result-type'; entry skipped");
        return null;
      }
      if (count == null) {
        warn(path, "no valid 'failed-session-count'; entry skipped");
        return null;
      }
      return new FailureDetail(resultType, sendingIp, mxHost, helo, receivingIp, count, info, reason);
    }

    /** A string member; numbers and booleans are taken as text with a warning; else null. */
    @Nullable String text(JsonParser p, JsonToken t, String path) throws IOException {
      if (t == JsonToken.VALUE_STRING) {
        return p.getText();
      }
      if (t == JsonToken.VALUE_NULL) {
        return null;
      }
      if (t.isScalarValue()) {
        warn(path, (t.isNumeric() ? "a number" : "a boolean") + " where a string was expected; read as text");
        return p.getText();
      }
      skip(p, t, path, "not a string; ignored");
      return null;
    }

    List<String> stringList(JsonParser p, JsonToken t, String path) throws IOException {
      if (t == JsonToken.START_ARRAY) {
        List<String> out = new ArrayList<>();
        int i = 0;
        JsonToken e;
        while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
          String s = text(p, e, path + "[" + i++ + "]");
          if (s != null) {
            out.add(s);
          }
        }
        return out;
      }
      String s = text(p, t, path);
      return s == null ? List.of() : List.of(s);
    }

    /** A count: a non-negative integer; integral decimals and numeric strings with a warning. */
    @Nullable Long count(JsonParser p, JsonToken t, String path) throws IOException {
      long value;
      if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
        value = p.getLongValue();
      } else if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_STRING
          || t == JsonToken.VALUE_NUMBER_INT) {
        // BigDecimal's conversion is superlinear in the digits: bound them first (SEC-14).
        int length = p.getTextLength();
        if (length > MAX_COUNT_TEXT_LENGTH) {
          throw new StreamConstraintsException("the count at " + path + " is written with " + length
              + " characters; the limit is " + MAX_COUNT_TEXT_LENGTH + " (SEC-14)");
        }
        String s = p.getText().strip();
        try {
          value = new BigDecimal(s).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
          warn(path, "'" + s + "' is not an integer count");
          return null;
        }
        warn(path, "count written as '" + s + "'; RFC 8460 uses JSON integers (RPT-12)");
      } else {
        skip(p, t, path, "not a number");
        return null;
      }
      if (value < 0) {
        warn(path, "negative count " + value);
        return null;
      }
      return value;
    }

    void skip(JsonParser p, JsonToken t, String path, String message) throws IOException {
      if (t != JsonToken.VALUE_NULL) {
        warn(path, message);
      }
      p.skipChildren();
    }

    private static <T> void addIfPresent(List<T> list, @Nullable T value) {
      if (value != null) {
        list.add(value);
      }
    }

    private static List<String> split(String s, String sep) {
      List<String> out = new ArrayList<>();
      for (String part : s.split(sep, -1)) {
        String t = part.strip();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
      return out;
    }
  }

  /**
   * Builds a {@link ReportParser}; each bound may be set once.
   */
  public static final class Builder {
    private int maxInputBytes = DEFAULT_MAX_INPUT_BYTES;
    private int maxJsonBytes = DEFAULT_MAX_JSON_BYTES;
    private int maxDepth = DEFAULT_MAX_DEPTH;
    private int maxStringLength = DEFAULT_MAX_STRING_LENGTH;
    private int maxTokens;
    private final Builders.Tracker set = new Builders.Tracker();

    private Builder() {}

    /**
     * Sets the largest input accepted, compressed or not.
     *
     * @param max bytes, at least 2; the default is {@value ReportParser#DEFAULT_MAX_INPUT_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 2
     * @throws IllegalStateException if already set
     */
    public Builder maxInputBytes(int max) {
      set.mark("maxInputBytes");
      maxInputBytes = Builders.atLeast(max, 2, "maxInputBytes");
      return this;
    }

    /**
     * Sets the largest JSON accepted, after decompression (SEC-9).
     *
     * @param max bytes, at least 2; the default is {@value ReportParser#DEFAULT_MAX_JSON_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 2
     * @throws IllegalStateException if already set
     */
    public Builder maxJsonBytes(int max) {
      set.mark("maxJsonBytes");
      maxJsonBytes = Builders.atLeast(max, 2, "maxJsonBytes");
      return this;
    }

    /**
     * Sets the deepest nesting of arrays and objects accepted (SEC-9).
     *
     * @param max at least 5, the depth of a report; the default is
     *     {@value ReportParser#DEFAULT_MAX_DEPTH}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 5
     * @throws IllegalStateException if already set
     */
    public Builder maxDepth(int max) {
      set.mark("maxDepth");
      maxDepth = Builders.atLeast(max, 5, "maxDepth");
      return this;
    }

    /**
     * Sets the longest string accepted.
     *
     * @param max characters, at least 256; the default is
     *     {@value ReportParser#DEFAULT_MAX_STRING_LENGTH}
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 256
     * @throws IllegalStateException if already set
     */
    public Builder maxStringLength(int max) {
      set.mark("maxStringLength");
      maxStringLength = Builders.atLeast(max, 256, "maxStringLength");
      return this;
    }

    /**
     * Sets the most JSON tokens (names, values, brackets) read from one report; more rejects it
     * (SEC-14).
     *
     * @param max tokens, at least 1000; the default is a quarter of
     *     {@link #maxJsonBytes(int)} and at least 1,000,000 (8,388,608 with the default JSON size)
     * @return this builder
     * @throws IllegalArgumentException if {@code max} is less than 1000
     * @throws IllegalStateException if already set
     */
    public Builder maxTokens(int max) {
      set.mark("maxTokens");
      maxTokens = Builders.atLeast(max, 1000, "maxTokens");
      return this;
    }

    /**
     * Builds the parser.
     *
     * @return an immutable parser
     */
    public ReportParser build() {
      return new ReportParser(this);
    }
  }
}
