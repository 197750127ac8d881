package dev.mtasts.tlsrpt;

import static dev.mtasts.tlsrpt.TestSupport.arr;
import static dev.mtasts.tlsrpt.TestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Generated reports checked member by member against RFC 8460 §4.4, read with jackson-core. */
class ReportJsonTest {
  static final LocalDate DAY = LocalDate.of(2026, 4, 1);
  static final ReporterIdentity REPORTER = new ReporterIdentity("Exämple Mail Ïnc.", "tlsrpt@Mail.Sender.example");

  TestSupport.MutableClock clock;
  TlsRptRecorder recorder;

  @BeforeEach
  void setUp() {
    clock = new TestSupport.MutableClock(DAY.atTime(10, 0).toInstant(ZoneOffset.UTC));
    recorder = TlsRptRecorder.builder().clock(clock).build();
  }

  /** A day with an sts policy (successes and two kinds of failure) and a no-policy-found domain. */
  EncodedReport recordAndEncode() {
    ReportPolicy sts = ReportPolicy.sts(PolicyDomain.of("Bücher.example"),
        dev.mtasts.core.MtaStsPolicy.parse(TestSupport.POLICY_BODY), TestSupport.POLICY_BODY);
    for (int i = 0; i < 7; i++) {
      recorder.record(sts, SessionOutcome.success());
    }
    SessionOutcome.Failure expired = SessionOutcome.failure(TlsRptResultType.CERTIFICATE_EXPIRED)
        .sendingMtaIp("2001:DB8:0:0:0:0:0:25")
        .receivingMxHostname("MX1.Example.COM.")
        .receivingMxHelo("mx1.example.com ESMTP")
        .receivingIp("192.0.2.25")
        .failureReasonCode("X509_V_ERR_CERT_HAS_EXPIRED")
        .additionalInformation(java.net.URI.create("https://sender.example/tlsrpt/help"))
        .build();
    recorder.record(sts, expired);
    recorder.record(sts, expired);
    recorder.record(sts, SessionOutcome.failure(TlsRptResultType.STARTTLS_NOT_SUPPORTED).build());
    clock.set(DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    List<DailyAggregate> days = recorder.closeFinishedDays();
    assertThat(days).hasSize(1);
    TlsRptReport report = TlsRptReport.of(REPORTER, days.get(0), "2026-04-01.abc123@mail.sender.example");
    return EncodedReport.encode(report, "abc123");
  }

  @Test
  void everyMemberHasTheSchemaNameAndJsonType() {
    EncodedReport encoded = recordAndEncode();
    byte[] json = ReportJson.toJson(encoded.report());
    Map<String, Object> root = obj(TestSupport.readJson(json));

    assertThat(root.keySet()).containsExactly("organization-name", "date-range", "contact-info", "report-id",
        "policies");
    assertThat(root.get("organization-name")).isEqualTo("Exämple Mail Ïnc.");
    assertThat(root.get("contact-info")).isEqualTo("tlsrpt@Mail.Sender.example");
    assertThat(root.get("report-id")).isEqualTo("2026-04-01.abc123@mail.sender.example");

    // RPT-8, RPT-9: one full UTC day, RFC 3339 with Z.
    Map<String, Object> range = obj(root.get("date-range"));
    assertThat(range.keySet()).containsExactly("start-datetime", "end-datetime");
    assertThat(range.get("start-datetime")).isEqualTo("2026-04-01T00:00:00Z");
    assertThat(range.get("end-datetime")).isEqualTo("2026-04-02T00:00:00Z");
    assertThat(OffsetDateTime.parse((String) range.get("start-datetime")).getOffset()).isEqualTo(ZoneOffset.UTC);

    // RPT-7: policies is an array even with one policy.
    List<Object> policies = arr(root.get("policies"));
    assertThat(policies).hasSize(1);
    Map<String, Object> entry = obj(policies.get(0));
    assertThat(entry.keySet()).containsExactly("policy", "summary", "failure-details");

    Map<String, Object> policy = obj(entry.get("policy"));
    assertThat(policy.keySet()).containsExactly("policy-type", "policy-string", "policy-domain", "mx-host");
    assertThat(policy.get("policy-type")).isEqualTo("sts");
    // h4: one string per policy line, CR stripped, no empty trailing element.
    assertThat(arr(policy.get("policy-string"))).containsExactly("version: STSv1", "mode: testing",
        "mx: mx1.example.com", "mx: *.mx.example.com", "max_age: 86400");
    // RPT-10: A-labels.
    assertThat(policy.get("policy-domain")).isEqualTo("xn--bcher-kva.example");
    // RPT-11, erratum 6241: mx-host is an array of the policy's patterns.
    assertThat(arr(policy.get("mx-host"))).containsExactly("mx1.example.com", "*.mx.example.com");

    // RPT-12: counts are JSON integers.
    Map<String, Object> summary = obj(entry.get("summary"));
    assertThat(summary.keySet()).containsExactly("total-successful-session-count", "total-failure-session-count");
    assertThat(summary.get("total-successful-session-count")).isInstanceOf(Long.class).isEqualTo(7L);
    assertThat(summary.get("total-failure-session-count")).isInstanceOf(Long.class).isEqualTo(3L);

    List<Object> details = arr(entry.get("failure-details"));
    assertThat(details).hasSize(2);
    Map<String, Object> first = obj(details.get(0));
    assertThat(first.keySet()).containsExactly("result-type", "sending-mta-ip", "receiving-mx-hostname",
        "receiving-mx-helo", "receiving-ip", "failed-session-count", "additional-information",
        "failure-reason-code");
    assertThat(first.get("result-type")).isEqualTo("certificate-expired");
    assertThat(first.get("sending-mta-ip")).isEqualTo("2001:db8::25"); // RFC 5952 form
    assertThat(first.get("receiving-mx-hostname")).isEqualTo("mx1.example.com");
    assertThat(first.get("receiving-mx-helo")).isEqualTo("mx1.example.com ESMTP");
    assertThat(first.get("receiving-ip")).isEqualTo("192.0.2.25");
    assertThat(first.get("failed-session-count")).isInstanceOf(Long.class).isEqualTo(2L);
    assertThat(first.get("additional-information")).isEqualTo("https://sender.example/tlsrpt/help");
    assertThat(first.get("failure-reason-code")).isEqualTo("X509_V_ERR_CERT_HAS_EXPIRED");

    // Optional members without a value are left out rather than written as null.
    Map<String, Object> second = obj(details.get(1));
    assertThat(second).containsOnlyKeys("result-type", "failed-session-count");
    assertThat(second.get("result-type")).isEqualTo("starttls-not-supported");
    assertThat(second.get("failed-session-count")).isEqualTo(1L);

    // I-JSON: UTF-8 text.
    assertThat(new String(json, StandardCharsets.UTF_8)).contains("Exämple Mail Ïnc.");
  }

  @Test
  void resultTypesAreRegistryValues() {
    // h3: every result type written is one of the RFC 8460 §4.3 registry values.
    Set<String> registry = Set.of("starttls-not-supported", "certificate-host-mismatch", "certificate-expired",
        "certificate-not-trusted", "validation-failure", "tlsa-invalid", "dnssec-invalid", "dane-required",
        "sts-policy-fetch-error", "sts-policy-invalid", "sts-webpki-invalid");
    ReportPolicy p = TestSupport.stsPolicy("example.com");
    for (TlsRptResultType t : TlsRptResultType.values()) {
      recorder.record(p, SessionOutcome.failure(t).build());
    }
    clock.set(DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    TlsRptReport report = TlsRptReport.of(REPORTER, recorder.closeFinishedDays().get(0), "id@x.example");
    Map<String, Object> root = obj(TestSupport.readJson(ReportJson.toJson(report)));
    List<Object> details = arr(obj(arr(root.get("policies")).get(0)).get("failure-details"));
    assertThat(details).hasSize(registry.size());
    assertThat(details.stream().map(d -> obj(d).get("result-type"))).containsExactlyInAnyOrderElementsOf(registry);
  }

  @Test
  void noPolicyFoundAndTlsaPoliciesHaveArrays() {
    // RPT-1: a DANE policy is reported against the TLSA base domain of the MX.
    ReportPolicy none = ReportPolicy.noPolicyFound(PolicyDomain.of("plain.example"));
    ReportPolicy tlsa = ReportPolicy.tlsa(PolicyDomain.of("mx.dane.example"),
        List.of("3 1 1  12ab34CD", "2 0 1 ffee"));
    recorder.record(none, SessionOutcome.success());
    recorder.record(tlsa, SessionOutcome.failure(TlsRptResultType.TLSA_INVALID).build());
    clock.set(DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    List<DailyAggregate> days = recorder.closeFinishedDays();
    assertThat(days).extracting(d -> d.policyDomain().name()).containsExactly("mx.dane.example", "plain.example");

    Map<String, Object> tlsaPolicy = obj(obj(arr(obj(TestSupport.readJson(ReportJson.toJson(
        TlsRptReport.of(REPORTER, days.get(0), "a@b.example")))).get("policies")).get(0)).get("policy"));
    assertThat(tlsaPolicy.get("policy-type")).isEqualTo("tlsa");
    // h4: one presentation-format string per TLSA record, single spaces.
    assertThat(arr(tlsaPolicy.get("policy-string"))).containsExactly("3 1 1 12AB34CD", "2 0 1 FFEE");
    assertThat(arr(tlsaPolicy.get("mx-host"))).isEmpty();

    Map<String, Object> nonePolicy = obj(obj(arr(obj(TestSupport.readJson(ReportJson.toJson(
        TlsRptReport.of(REPORTER, days.get(1), "c@d.example")))).get("policies")).get(0)).get("policy"));
    assertThat(nonePolicy.get("policy-type")).isEqualTo("no-policy-found");
    assertThat(arr(nonePolicy.get("policy-string"))).isEmpty();
    assertThat(nonePolicy.get("policy-domain")).isEqualTo("plain.example");
  }

  @Test
  void gzipFileNameAndMediaTypeFollowSection5() {
    EncodedReport encoded = recordAndEncode();
    byte[] gz = encoded.content();
    // RPT-18, RPT-29: gzip with the magic 1f 8b, holding the JSON.
    assertThat(gz[0] & 0xff).isEqualTo(0x1f);
    assertThat(gz[1] & 0xff).isEqualTo(0x8b);
    assertThat(TestSupport.gunzip(gz)).isEqualTo(ReportJson.toJson(encoded.report()));
    assertThat(encoded.mediaType()).isEqualTo("application/tlsrpt+gzip");
    assertThat(ReportJson.MEDIA_TYPE_JSON).isEqualTo("application/tlsrpt+json");
    // RPT-16, RPT-17: sender!policy-domain!begin!end!unique-id.json.gz, Unix seconds.
    long begin = DAY.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    assertThat(encoded.fileName()).isEqualTo(
        "mail.sender.example!xn--bcher-kva.example!" + begin + "!" + (begin + 86_400) + "!abc123.json.gz");
    assertThat(encoded.submitter()).isEqualTo("mail.sender.example");
  }

  @Test
  void reportsCarryNoRecipientAddresses() {
    // SEC-11: only contact-info and report-id hold an '@'; no member can carry a recipient address.
    EncodedReport encoded = recordAndEncode();
    String json = new String(ReportJson.toJson(encoded.report()), StandardCharsets.UTF_8);
    Map<String, Object> root = obj(TestSupport.readJson(ReportJson.toJson(encoded.report())));
    long ats = json.chars().filter(c -> c == '@').count();
    assertThat(ats).isEqualTo(2);
    assertThat((String) root.get("contact-info")).contains("@");
    assertThat((String) root.get("report-id")).contains("@");
  }

  @Test
  void uniqueIdIsLettersAndDigits() {
    TlsRptReport report = recordAndEncode().report();
    assertThatIllegalArgumentException().isThrownBy(() -> EncodedReport.encode(report, "a-b"));
    assertThatIllegalArgumentException().isThrownBy(() -> EncodedReport.encode(report, ""));
  }

  @Test
  void generatorRequiresTheTopLevelMembers() {
    TlsRptReport partial = new TlsRptReport(null, DateRange.utcDay(DAY), "a@b.example", "id", List.of());
    assertThatIllegalArgumentException().isThrownBy(() -> ReportJson.toJson(partial))
        .withMessageContaining("organization-name");
  }

  @Test
  void countsBeyondIntRangeStayIntegers() {
    ReportPolicy p = TestSupport.stsPolicy("example.com");
    PolicyReport big = new PolicyReport(p, 5_000_000_000L, 0, List.of());
    TlsRptReport r = new TlsRptReport("o", new DateRange(Instant.EPOCH, Instant.EPOCH.plusSeconds(86_400)),
        "a@b.example", "id", List.of(big));
    Map<String, Object> summary = obj(obj(arr(obj(TestSupport.readJson(ReportJson.toJson(r))).get("policies"))
        .get(0)).get("summary"));
    assertThat(summary.get("total-successful-session-count")).isEqualTo(5_000_000_000L);
  }
}
