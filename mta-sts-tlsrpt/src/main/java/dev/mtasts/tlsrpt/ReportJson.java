package dev.mtasts.tlsrpt;

import static dev.mtasts.tlsrpt.internal.JsonFields.*;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Writes RFC 8460 §4.4 JSON reports, with jackson-core's streaming generator.
 *
 * <p>The output is I-JSON (RFC 7493) in UTF-8: members in the order of the §4.4 schema,
 * {@code date-range} in RFC 3339 form with {@code Z} (RPT-9), counts as JSON integers (RPT-12),
 * {@code policies} always an array (RPT-7), {@code policy-string} and {@code mx-host} always
 * arrays (RPT-11, erratum 6241), possibly empty. Optional members that are {@code null} are
 * omitted. Reports are gzip-compressed for delivery (RPT-18).
 *
 * <pre>{@code
 * byte[] json = ReportJson.toJson(report);
 * byte[] gz = ReportJson.toGzip(report);  // what is delivered as application/tlsrpt+gzip
 * }</pre>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8460#section-4.4">RFC 8460 §4.4</a>
 */
public final class ReportJson {
  /** The media type of an uncompressed report (RFC 8460 §6.4, RPT-29). */
  public static final String MEDIA_TYPE_JSON = "application/tlsrpt+json";
  /** The media type of a gzip-compressed report (RFC 8460 §6.5, RPT-29). */
  public static final String MEDIA_TYPE_GZIP = "application/tlsrpt+gzip";

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private ReportJson() {}

  /**
   * Writes a report as JSON.
   *
   * @param report the report; its organization name, date range, contact and report id must be
   *     set
   * @return the UTF-8 JSON text
   * @throws IllegalArgumentException if a member the generator must write is missing, or a string
   *     is not valid Unicode
   */
  public static byte[] toJson(TlsRptReport report) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      write(g, report);
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; the generator fails only on invalid content.
      throw new IllegalArgumentException("the report cannot be written as JSON: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Writes a report as gzip-compressed JSON (RFC 1952; RPT-18).
   *
   * @param report the report
   * @return the compressed bytes, starting with the gzip magic {@code 1f 8b}
   * @throws IllegalArgumentException as {@link #toJson(TlsRptReport)}
   */
  public static byte[] toGzip(TlsRptReport report) {
    return gzip(toJson(report));
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, TlsRptReport r) throws IOException {
    DateRange range = require(r.dateRange(), DATE_RANGE);
    g.writeStartObject();
    g.writeStringField(ORGANIZATION_NAME, require(r.organizationName(), ORGANIZATION_NAME));
    g.writeObjectFieldStart(DATE_RANGE);
    g.writeStringField(START_DATETIME, instant(range.start()));
    g.writeStringField(END_DATETIME, instant(range.end()));
    g.writeEndObject();
    g.writeStringField(CONTACT_INFO, require(r.contactInfo(), CONTACT_INFO));
    g.writeStringField(REPORT_ID, require(r.reportId(), REPORT_ID));
    g.writeArrayFieldStart(POLICIES);
    for (PolicyReport p : r.policies()) {
      g.writeStartObject();
      ReportPolicy policy = p.policy();
      g.writeObjectFieldStart(POLICY);
      g.writeStringField(POLICY_TYPE, policy.policyType().token());
      stringArray(g, POLICY_STRING, policy.policyStrings());
      optional(g, POLICY_DOMAIN, policy.policyDomain());
      stringArray(g, MX_HOST, policy.mxHosts());
      g.writeEndObject();
      g.writeObjectFieldStart(SUMMARY);
      g.writeNumberField(TOTAL_SUCCESSFUL, p.totalSuccessfulSessionCount());
      g.writeNumberField(TOTAL_FAILURE, p.totalFailureSessionCount());
      g.writeEndObject();
      g.writeArrayFieldStart(FAILURE_DETAILS);
      for (FailureDetail d : p.failureDetails()) {
        g.writeStartObject();
        g.writeStringField(RESULT_TYPE, d.resultType());
        optional(g, SENDING_MTA_IP, d.sendingMtaIp());
        optional(g, RECEIVING_MX_HOSTNAME, d.receivingMxHostname());
        optional(g, RECEIVING_MX_HELO, d.receivingMxHelo());
        optional(g, RECEIVING_IP, d.receivingIp());
        g.writeNumberField(FAILED_SESSION_COUNT, d.failedSessionCount());
        optional(g, ADDITIONAL_INFORMATION, d.additionalInformation());
        optional(g, FAILURE_REASON_CODE, d.failureReasonCode());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void stringArray(JsonGenerator g, String name, List<String> values) throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void optional(JsonGenerator g, String name, @Nullable String value) throws IOException {
    if (value != null) {
      g.writeStringField(name, value);
    }
  }

  private static String instant(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  private static <T> T require(@Nullable T value, String member) {
    if (value == null) {
      throw new IllegalArgumentException("the report has no '" + member + "'; every generated report needs one");
    }
    return value;
  }
}
