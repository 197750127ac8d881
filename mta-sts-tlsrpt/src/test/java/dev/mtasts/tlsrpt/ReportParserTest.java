package dev.mtasts.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.tlsrpt.ReportParseOutcome.Parsed;
import dev.mtasts.tlsrpt.ReportParseOutcome.RejectReason;
import dev.mtasts.tlsrpt.ReportParseOutcome.Rejected;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportParserTest {
  final ReportParser parser = ReportParser.builder().build();

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  Parsed parsed(byte[] data) {
    ReportParseOutcome o = parser.parse(data);
    assertThat(o).isInstanceOf(Parsed.class);
    return (Parsed) o;
  }

  Rejected rejected(ReportParser p, byte[] data) {
    ReportParseOutcome o = p.parse(data);
    assertThat(o).isInstanceOf(Rejected.class);
    return (Rejected) o;
  }

  static TlsRptReport sampleReport() {
    ReportPolicy sts = TestSupport.stsPolicy("example.com");
    FailureDetail d1 = FailureDetail.of(SessionOutcome.failure(TlsRptResultType.CERTIFICATE_HOST_MISMATCH)
        .sendingMtaIp("198.51.100.7").receivingMxHostname("mx1.example.com").receivingMxHelo("mx1")
        .receivingIp("2001:db8::1").failureReasonCode("name mismatch")
        .additionalInformation(java.net.URI.create("https://r.example/x")).build(), 4);
    FailureDetail d2 = FailureDetail.of(SessionOutcome.failure(TlsRptResultType.VALIDATION_FAILURE)
        .failureReasonCode(SessionOutcome.Failure.MX_MISMATCH_REASON_CODE).build(), 1);
    ReportPolicy tlsa = ReportPolicy.tlsa(PolicyDomain.of("example.com"), List.of("3 1 1 ABCDEF"));
    return new TlsRptReport("Örg", DateRange.utcDay(LocalDate.of(2026, 2, 28)), "r@sender.example",
        "2026-02-28.1@sender.example", List.of(new PolicyReport(sts, 10, 5, List.of(d1, d2)),
            new PolicyReport(tlsa, 3, 0, List.of())));
  }

  @Test
  void roundTripsGeneratedReportsCompressedAndPlain() {
    TlsRptReport report = sampleReport();
    Parsed gz = parsed(ReportJson.toGzip(report));
    assertThat(gz.report()).isEqualTo(report);
    assertThat(gz.compressed()).isTrue();
    assertThat(gz.warnings()).isEmpty();
    Parsed plain = parsed(ReportJson.toJson(report));
    assertThat(plain.report()).isEqualTo(report);
    assertThat(plain.compressed()).isFalse();
  }

  @Test
  void readsFromAStream() throws IOException {
    TlsRptReport report = sampleReport();
    ReportParseOutcome o = parser.parse(new ByteArrayInputStream(ReportJson.toGzip(report)));
    assertThat(((Parsed) o).report()).isEqualTo(report);
  }

  /** The shape of the RFC 8460 Appendix B example, as corrected by erratum 6241, and of Google's reports. */
  @Test
  void readsTheRfcExample() {
    String json = """
        {
          "organization-name": "Company-X",
          "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
          "contact-info": "sts-reporting@company-x.example",
          "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
          "policies": [{
            "policy": {
              "policy-type": "sts",
              "policy-string": ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example", "max_age: 86400"],
              "policy-domain": "company-y.example",
              "mx-host": ["*.mail.company-y.example"]
            },
            "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
            "failure-details": [{
              "result-type": "certificate-expired",
              "sending-mta-ip": "2001:db8:abcd:0012::1",
              "receiving-mx-hostname": "mx1.mail.company-y.example",
              "failed-session-count": 100
            }, {
              "result-type": "starttls-not-supported",
              "sending-mta-ip": "2001:db8:abcd:0013::1",
              "receiving-mx-hostname": "mx2.mail.company-y.example",
              "receiving-ip": "203.0.113.56",
              "failed-session-count": 200,
              "additional-information": "https://reports.company-x.example/report_info?id=5065427c-23d3#StarttlsNotSupported"
            }, {
              "result-type": "validation-failure",
              "sending-mta-ip": "198.51.100.62",
              "receiving-ip": "203.0.113.58",
              "receiving-mx-hostname": "mx-backup.mail.company-y.example",
              "failed-session-count": 3,
              "failure-error-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED"
            }]
          }]
        }
        """;
    Parsed p = parsed(utf8(json));
    TlsRptReport r = p.report();
    assertThat(r.organizationName()).isEqualTo("Company-X");
    assertThat(r.dateRange()).isEqualTo(new DateRange(Instant.parse("2016-04-01T00:00:00Z"),
        Instant.parse("2016-04-01T23:59:59Z")));
    PolicyReport pr = r.policies().get(0);
    assertThat(pr.policy().policyType()).isEqualTo(PolicyType.STS);
    assertThat(pr.policy().mxHosts()).containsExactly("*.mail.company-y.example");
    assertThat(pr.totalSuccessfulSessionCount()).isEqualTo(5326);
    assertThat(pr.totalFailureSessionCount()).isEqualTo(303);
    assertThat(pr.failureDetails()).extracting(FailureDetail::failedSessionCount).containsExactly(100L, 200L, 3L);
    assertThat(pr.failureDetails().get(1).receivingIp()).isEqualTo("203.0.113.56");
    assertThat(pr.failureDetails().get(0).knownResultType()).contains(TlsRptResultType.CERTIFICATE_EXPIRED);
    // RPT-13: the draft-23 spelling is an alias of failure-reason-code.
    assertThat(pr.failureDetails().get(2).failureReasonCode()).isEqualTo("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED");
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void toleratesWhatRealSendersOmitOrVary() {
    // RPT-9: Microsoft omits the zone; RPT-11: mx-host as a string; RPT-13: missing sending-mta-ip,
    // receiving-ip, policy-string, policy-domain and mx-host (sys4 tlsrpt-reporter for no-policy-found).
    String json = """
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
         ],
         "extension":{"nested":[{"deep":true}]}}
        """;
    Parsed p = parsed(utf8(json));
    TlsRptReport r = p.report();
    assertThat(r.dateRange().start()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(r.reportId()).isEqualTo("133485824000000000");
    assertThat(r.policies()).hasSize(2);
    assertThat(r.policies().get(0).policy().mxHosts()).containsExactly("mx.example.org");
    FailureDetail d = r.policies().get(0).failureDetails().get(0);
    assertThat(d.sendingMtaIp()).isNull();
    assertThat(d.receivingIp()).isNull();
    ReportPolicy none = r.policies().get(1).policy();
    assertThat(none.policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
    assertThat(none.policyDomain()).isNull();
    assertThat(none.policyStrings()).isEmpty();
    assertThat(none.mxHosts()).isEmpty();
    assertThat(r.policies().get(1).totalSuccessfulSessionCount()).isEqualTo(3);
    assertThat(p.warnings()).anyMatch(w -> w.contains("UTC assumed"))
        .anyMatch(w -> w.contains("mx-host") && w.contains("string"))
        .anyMatch(w -> w.contains("policy-domain"))
        .anyMatch(w -> w.contains("report-id"));
  }

  @Test
  void skipsPoliciesWithoutTypeOrCountsAndKeepsTheRest() {
    String json = """
        {"policies":[
          {"policy":{"policy-type":"bogus"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}},
          {"policy":{"policy-domain":"a.example"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}},
          {"policy":{"policy-type":"sts"},"summary":{"total-successful-session-count":-1,"total-failure-session-count":0}},
          {"policy":{"policy-type":"sts"}},
          {"policy":{"policy-type":"sts","policy-domain":"ok.example"},
           "summary":{"total-successful-session-count":2,"total-failure-session-count":1},
           "failure-details":[{"failed-session-count":1},{"result-type":"dane-required"},
                              {"result-type":"new-type-2030","failed-session-count":1}]},
          "not an object"
        ]}
        """;
    Parsed p = parsed(utf8(json));
    assertThat(p.report().policies()).hasSize(1);
    PolicyReport ok = p.report().policies().get(0);
    assertThat(ok.policy().policyDomain()).isEqualTo("ok.example");
    // Result types registered after RFC 8460 survive as text.
    assertThat(ok.failureDetails()).extracting(FailureDetail::resultType).containsExactly("new-type-2030");
    assertThat(ok.failureDetails().get(0).knownResultType()).isEmpty();
    assertThat(p.warnings()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(p.report().organizationName()).isNull();
    assertThat(p.report().dateRange()).isNull();
  }

  @Test
  void acceptsAStringPolicyAndASinglePolicyObject() {
    String json = """
        {"date-range":{"start-datetime":"2024-01-01 00:00:00z","end-datetime":"2024-01-02"},
         "policies":{"policy":{"policy-type":"tlsa","policy-string":"3 1 1 AB; 2 0 1 CD","policy-domain":"mx.example"},
                     "summary":{"total-successful-session-count":1,"total-failure-session-count":0},
                     "failure-details":{"result-type":"tlsa-invalid","failed-session-count":2}}}
        """;
    Parsed p = parsed(utf8(json));
    assertThat(p.report().dateRange()).isEqualTo(new DateRange(Instant.parse("2024-01-01T00:00:00Z"),
        Instant.parse("2024-01-02T00:00:00Z")));
    PolicyReport pr = p.report().policies().get(0);
    assertThat(pr.policy().policyStrings()).containsExactly("3 1 1 AB", "2 0 1 CD");
    assertThat(pr.failureDetails()).hasSize(1);
  }

  @Test
  void rejectsWhatIsNotAReport() {
    assertThat(rejected(parser, utf8("[1,2]")).reason()).isEqualTo(RejectReason.NOT_A_REPORT);
    assertThat(rejected(parser, utf8("{\"organization-name\":\"x\"}")).reason()).isEqualTo(RejectReason.NOT_A_REPORT);
    assertThat(rejected(parser, utf8("{\"policies\":[")).reason()).isEqualTo(RejectReason.INVALID_JSON);
    assertThat(rejected(parser, utf8("{\"policies\":[}")).reason()).isEqualTo(RejectReason.INVALID_JSON);
    assertThat(rejected(parser, new byte[0]).reason()).isEqualTo(RejectReason.NOT_A_REPORT);
    assertThat(rejected(parser, new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}).reason()).isEqualTo(RejectReason.INVALID_GZIP);
  }

  @Test
  void boundsDecompressionBombsAndInputSize() throws IOException {
    // SEC-9: 8 MiB of white space compresses to a few KiB; the limit is on the decompressed size.
    byte[] bomb = new byte[8 << 20];
    java.util.Arrays.fill(bomb, (byte) ' ');
    byte[] gz = gzip(bomb);
    assertThat(gz.length).isLessThan(64 * 1024);
    ReportParser small = ReportParser.builder().maxJsonBytes(1 << 20).build();
    Rejected r = rejected(small, gz);
    assertThat(r.reason()).isEqualTo(RejectReason.TOO_LARGE);
    assertThat(r.message()).contains("SEC-9");

    ReportParser tiny = ReportParser.builder().maxInputBytes(100).build();
    assertThat(rejected(tiny, ReportJson.toJson(sampleReport())).reason()).isEqualTo(RejectReason.TOO_LARGE);
    assertThat(tiny.parse(new ByteArrayInputStream(new byte[1000]))).isInstanceOf(Rejected.class);
  }

  @Test
  void boundsNestingDepthAndStringLength() {
    String deep = "{\"policies\":[],\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertThat(rejected(parser, utf8(deep)).reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED);
    ReportParser p = ReportParser.builder().maxStringLength(1000).build();
    String longString = "{\"organization-name\":\"" + "x".repeat(5000) + "\",\"policies\":[]}";
    assertThat(rejected(p, utf8(longString)).reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED);
  }

  /** A report of {@code policies} policies whose two counts are {@code count}, as JSON text. */
  static byte[] reportWithCounts(int policies, String count) {
    StringBuilder json = new StringBuilder("{\"organization-name\":\"x\",\"policies\":[");
    for (int i = 0; i < policies; i++) {
      json.append(i == 0 ? "" : ",").append("{\"policy\":{\"policy-type\":\"sts\",")
          .append("\"policy-domain\":\"example.com\"},\"summary\":{")
          .append("\"total-successful-session-count\":").append(count)
          .append(",\"total-failure-session-count\":").append(count).append("}}");
    }
    return utf8(json.append("]}").toString());
  }

  @Test
  @DisplayName("SEC-14: counts written as 65,000-digit strings reject the report before conversion")
  void countsWrittenAsHugeDigitStringsRejectTheReport() throws IOException {
    String digits = "\"" + "1234567890".repeat(6_500) + "\""; // 65,000 digits
    byte[] json = reportWithCounts(230, digits);
    byte[] gz = gzip(json);
    // The shape of the reported attack: a small gzip expanding to ~30 MB of such counts.
    assertThat(json.length).isBetween(25 << 20, ReportParser.DEFAULT_MAX_JSON_BYTES);
    assertThat(gz.length).isLessThan(100_000);

    Rejected r = rejected(parser, gz);

    assertThat(r.reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED);
    assertThat(r.message()).contains("policies[0].summary.total-successful-session-count")
        .contains("65000 characters").contains("SEC-14");
  }

  @Test
  @DisplayName("SEC-14: a count's text is bounded at 32 characters, whatever its JSON type")
  void countTextIsBoundedBeforeConversion() {
    String padded = "\"" + "0".repeat(ReportParser.MAX_COUNT_TEXT_LENGTH - 2) + "12\"";
    Parsed ok = parsed(reportWithCounts(1, padded));
    assertThat(ok.report().policies().get(0).totalSuccessfulSessionCount()).isEqualTo(12);

    String tooLong = "\"" + "0".repeat(ReportParser.MAX_COUNT_TEXT_LENGTH - 1) + "12\"";
    assertThat(rejected(parser, reportWithCounts(1, tooLong)).reason())
        .isEqualTo(RejectReason.LIMIT_EXCEEDED);
    // An integer token beyond 64 bits and a decimal token are converted from text too.
    assertThat(rejected(parser, reportWithCounts(1, "1".repeat(40))).reason())
        .isEqualTo(RejectReason.LIMIT_EXCEEDED);
    assertThat(rejected(parser, reportWithCounts(1, "1." + "0".repeat(40))).reason())
        .isEqualTo(RejectReason.LIMIT_EXCEEDED);
    // Number tokens of any kind are bounded by Jackson, counts or not.
    String longNumber = "{\"policies\":[],\"x\":" + "9".repeat(ReportParser.MAX_NUMBER_LENGTH + 1) + "}";
    assertThat(rejected(parser, utf8(longNumber)).reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED);
  }

  @Test
  @DisplayName("SEC-14: the token count and member names are bounded")
  void tokenCountAndMemberNamesAreBounded() {
    byte[] report = reportWithCounts(100, "1"); // about 2,000 tokens
    assertThat(ReportParser.builder().maxTokens(1000).build().parse(report))
        .isInstanceOfSatisfying(Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED));
    assertThat(ReportParser.builder().maxTokens(10_000).build().parse(report))
        .isInstanceOf(Parsed.class);
    assertThatIllegalArgumentException().isThrownBy(() -> ReportParser.builder().maxTokens(999));

    String longName = "{\"policies\":[],\"" + "n".repeat(ReportParser.MAX_NAME_LENGTH + 1) + "\":1}";
    assertThat(rejected(parser, utf8(longName)).reason()).isEqualTo(RejectReason.LIMIT_EXCEEDED);
  }

  @Test
  void builderOptionsAreSetOnce() {
    assertThatIllegalStateException().isThrownBy(() -> ReportParser.builder().maxDepth(10).maxDepth(11));
    assertThatIllegalStateException().isThrownBy(
        () -> ReportParser.builder().maxTokens(5000).maxTokens(6000));
  }
}
