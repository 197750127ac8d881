package dev.mtasts.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.ReportJson;
import dev.mtasts.tlsrpt.ReportParseOutcome;
import dev.mtasts.tlsrpt.ReportParser;
import dev.mtasts.tlsrpt.TlsRptReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Timeout;

/**
 * The TLS-RPT report parser, on plain and gzip-compressed input, and the serializers behind it.
 *
 * <p>Properties: {@link ReportParser#parse(byte[])} never throws; the stream entry point and the
 * gzip-compressed form of the same JSON give the same outcome; a report that was read and has
 * every member the generator needs is written by {@link ReportJson} (or refused with the
 * documented {@link IllegalArgumentException}) and reads back equal, also through
 * {@link EncodedReport}.
 */
class ReportParserFuzzTest {

  /** Small limits, so that the bounds are reached by inputs the fuzzer can build. */
  private static final ReportParser SMALL = ReportParser.builder()
      .maxInputBytes(64 * 1024).maxJsonBytes(256 * 1024).maxDepth(8).maxStringLength(1024).build();
  private static final ReportParser DEFAULT = ReportParser.builder().build();

  /** The RFC 8460 §4.4 example report, kept once as a committed regression input. */
  private static final String RFC_8460_EXAMPLE_INPUT = "ReportParserFuzzTestInputs/report/rfc8460-example.json";

  @FuzzTest
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"\\\"organization-name\\\"", "\\\"date-range\\\"", "\\\"start-datetime\\\"",
      "\\\"end-datetime\\\"", "\\\"contact-info\\\"", "\\\"report-id\\\"", "\\\"policies\\\"", "\\\"policy\\\"",
      "\\\"policy-type\\\"", "\\\"policy-string\\\"", "\\\"policy-domain\\\"", "\\\"mx-host\\\"", "\\\"summary\\\"",
      "\\\"total-successful-session-count\\\"", "\\\"total-failure-session-count\\\"",
      "\\\"failure-details\\\"", "\\\"result-type\\\"", "\\\"sending-mta-ip\\\"", "\\\"receiving-mx-hostname\\\"",
      "\\\"receiving-mx-helo\\\"", "\\\"receiving-ip\\\"", "\\\"failed-session-count\\\"",
      "\\\"additional-information\\\"", "\\\"failure-reason-code\\\"", "\\\"failure-error-code\\\"",
      "\\\"sts\\\"", "\\\"tlsa\\\"", "\\\"no-policy-found\\\"", "\\\"2016-04-01T00:00:00Z\\\"", "\\\"2016-04-01T23:59:59\\\"",
      "\\x1f\\x8b", "1e3", "-0", "\\\\ud800", "\\\\u0000", "[]", "{}", "null", "true"})
  void report(byte[] data) {
    check(data);
  }

  static void check(byte[] data) {
    ReportParseOutcome outcome = SMALL.parse(data);
    assertThat(outcome).isNotNull();
    ReportParseOutcome viaStream;
    try {
      viaStream = SMALL.parse(new ByteArrayInputStream(data));
    } catch (IOException e) {
      throw new UncheckedIOException("a byte array stream does not fail", e);
    }
    assertThat(viaStream).as("stream entry point").isEqualTo(outcome);
    boolean gzip = data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    if (!gzip) {
      // The same JSON compressed: the same reading, flagged as compressed.
      ReportParseOutcome compressed = DEFAULT.parse(gzip(data));
      ReportParseOutcome plain = DEFAULT.parse(data);
      if (plain instanceof ReportParseOutcome.Parsed p) {
        assertThat(compressed).isEqualTo(new ReportParseOutcome.Parsed(p.report(), true, p.warnings()));
      } else {
        assertThat(compressed).isInstanceOf(ReportParseOutcome.Rejected.class);
        assertThat(((ReportParseOutcome.Rejected) compressed).reason())
            .isEqualTo(((ReportParseOutcome.Rejected) plain).reason());
      }
    }
    if (outcome instanceof ReportParseOutcome.Parsed parsed) {
      assertThat(parsed.compressed()).isEqualTo(gzip);
      assertRoundTrip(parsed.report());
    } else {
      assertThat(((ReportParseOutcome.Rejected) outcome).message()).isNotBlank();
    }
  }

  static void assertRoundTrip(TlsRptReport report) {
    byte[] json;
    try {
      json = ReportJson.toJson(report);
    } catch (IllegalArgumentException e) {
      // Documented: a member the generator must write is missing, or a string is not valid Unicode.
      return;
    }
    ReportParseOutcome again = DEFAULT.parse(json);
    assertThat(again).as("reading back %s", new String(json, StandardCharsets.UTF_8))
        .isInstanceOf(ReportParseOutcome.Parsed.class);
    ReportParseOutcome.Parsed p = (ReportParseOutcome.Parsed) again;
    assertThat(p.report()).as("round trip of %s", new String(json, StandardCharsets.UTF_8)).isEqualTo(report);
    assertThat(DEFAULT.parse(ReportJson.toGzip(report)))
        .isEqualTo(new ReportParseOutcome.Parsed(report, true, p.warnings()));
    EncodedReport encoded;
    try {
      encoded = EncodedReport.encode(report, "fuzz1");
    } catch (IllegalArgumentException e) {
      // Documented: no policy, several or unnamed domains, or a missing top-level member.
      return;
    }
    assertThat(encoded.fileName()).endsWith("!fuzz1.json.gz");
    ReportParseOutcome decoded = DEFAULT.parse(encoded.content());
    assertThat(decoded).isInstanceOf(ReportParseOutcome.Parsed.class);
    assertThat(((ReportParseOutcome.Parsed) decoded).report()).isEqualTo(report);
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The RFC 8460 example and variants real senders produce, plain and compressed. */
  static List<byte[]> seedReports() {
    String example = resource(RFC_8460_EXAMPLE_INPUT);
    String microsoft = """
        {"organization-name":"Microsoft Corporation",
         "date-range":{"start-datetime":"2024-01-01T00:00:00","end-datetime":"2024-01-01T23:59:59"},
         "contact-info":"tlsrpt-noreply@microsoft.com","report-id":133485824000000000,
         "policies":[
          {"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: mx.example.org","max_age: 604800"],
                     "policy-domain":"example.org","mx-host":"mx.example.org"},
           "summary":{"total-successful-session-count":12,"total-failure-session-count":1},
           "failure-details":[{"result-type":"certificate-host-mismatch","receiving-mx-hostname":"mx.example.org",
                               "failed-session-count":1,"some-future-member":{"x":[1,2]}}]},
          {"policy":{"policy-type":"no-policy-found"},
           "summary":{"total-successful-session-count":"3","total-failure-session-count":0.0}}
         ]}
        """;
    String singlePolicy = """
        {"organization-name":"Google Inc.","date-range":{"start-datetime":"2024-05-01T00:00:00Z",
         "end-datetime":"2024-05-01T23:59:59Z"},"contact-info":"smtp-tls-reporting@google.com",
         "report-id":"2024-05-01T00:00:00Z_example.com",
         "policies":{"policy":{"policy-type":"tlsa","policy-string":["3 1 1 abcdef"],
         "policy-domain":"example.com"},"summary":{"total-successful-session-count":1,
         "total-failure-session-count":0}}}
        """;
    String notAReport = "{\"policies\":[[[[[[[[[[]]]]]]]]]]}";
    return List.of(utf8(example), gzip(utf8(example)), utf8(microsoft), gzip(utf8(microsoft)),
        utf8(singlePolicy), utf8(notAReport));
  }

  private static String resource(String name) {
    try (InputStream in = ReportParserFuzzTest.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
