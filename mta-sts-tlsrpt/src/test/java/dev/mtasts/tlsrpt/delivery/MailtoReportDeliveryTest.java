package dev.mtasts.tlsrpt.delivery;

import dev.mtasts.tlsrpt.DeliveryOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.tlsrpt.DateRange;
import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.ReportParseOutcome;
import dev.mtasts.tlsrpt.ReportParser;
import dev.mtasts.tlsrpt.ReportPolicy;
import dev.mtasts.tlsrpt.TlsRptRecorder;
import dev.mtasts.tlsrpt.TlsRptReport;
import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The report mail, read back with Jakarta Mail (Angus), an independent MIME implementation. */
class MailtoReportDeliveryTest {
  static final Executor DIRECT = Runnable::run;
  static final Instant NOW = Instant.parse("2026-04-02T03:17:00Z");

  final List<ReportMessage> sent = new CopyOnWriteArrayList<>();
  final List<List<String>> signedHeaders = new ArrayList<>();

  static EncodedReport report(String organization) {
    String body = "version: STSv1\nmode: enforce\nmx: mx.example.org\nmax_age: 604800\n";
    ReportPolicy policy = ReportPolicy.sts(PolicyDomain.of("example.org"), MtaStsPolicy.parse(body), body);
    FailureDetail d = new FailureDetail(TlsRptResultType.CERTIFICATE_EXPIRED.token(), "192.0.2.1", "mx.example.org",
        null, "198.51.100.2", 3, null, null);
    TlsRptReport r = new TlsRptReport(organization, DateRange.utcDay(LocalDate.of(2026, 4, 1)),
        "tlsrpt@mail.sender.example", "2026-04-01.0a1b2c3d4e5f6071@mail.sender.example",
        List.of(new PolicyReport(policy, 97, 3, List.of(d))));
    return EncodedReport.encode(r, "0a1b2c3d4e5f6071");
  }

  MailtoReportDelivery delivery(DkimSigner signer, ReportMailSender sender) {
    return MailtoReportDelivery.builder()
        .executor(DIRECT)
        .clock(() -> NOW)
        .dkimSigner(signer)
        .sender(sender)
        .build();
  }

  DkimSigner fakeSigner() {
    return (message, headers) -> {
      signedHeaders.add(headers);
      return "DKIM-Signature: v=1; a=rsa-sha256; d=mail.sender.example; s=tlsrpt;\r\n\th="
          + String.join(":", headers) + "; bh=abc=; b=def=";
    };
  }

  ReportMailSender collecting() {
    return m -> {
      sent.add(m);
      return CompletableFuture.completedFuture(null);
    };
  }

  static MimeMessage parse(ReportMessage m) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(m.content()));
  }

  @Test
  void buildsAMultipartReportWithTheRequiredHeadersAndParts() throws Exception {
    EncodedReport report = report("Sender Example");
    DeliveryOutcome result = delivery(fakeSigner(), collecting())
        .deliver(report, URI.create("mailto:tlsrpt@example.org")).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(result).isInstanceOf(DeliveryOutcome.Delivered.class);
    assertThat(sent).hasSize(1);
    ReportMessage m = sent.get(0);
    assertThat(m.recipients()).containsExactly("tlsrpt@example.org");
    assertThat(m.envelopeFrom()).isEqualTo("tlsrpt@mail.sender.example");
    String raw = new String(m.content(), StandardCharsets.US_ASCII);
    assertThat(raw).startsWith("DKIM-Signature: v=1;");
    assertThat(raw.replace("\r\n", "")).doesNotContain("\n").doesNotContain("\r");
    assertThat(raw.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(998));

    MimeMessage msg = parse(m);
    // RPT-20: both header fields, the submitter equal to the domain of contact-info.
    assertThat(msg.getHeader("TLS-Report-Domain")).containsExactly("example.org");
    assertThat(msg.getHeader("TLS-Report-Submitter")).containsExactly("mail.sender.example");
    // RPT-21: the subject grammar, with a Report-ID in msg-id form.
    assertThat(msg.getSubject()).matches(
        "Report +Domain: +example\\.org +Submitter: +mail\\.sender\\.example +Report-ID: +<[^@<>\\s]+@[^@<>\\s]+>");
    assertThat(msg.getSubject()).endsWith("Report-ID: <2026-04-01.0a1b2c3d4e5f6071@mail.sender.example>");
    assertThat(msg.getMessageID()).isEqualTo("<2026-04-01.0a1b2c3d4e5f6071@mail.sender.example>");
    assertThat(msg.getFrom()[0].toString()).isEqualTo("tlsrpt@mail.sender.example");
    assertThat(msg.getSentDate().toInstant()).isEqualTo(NOW);
    assertThat(ZonedDateTime.parse(msg.getHeader("Date")[0], DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
        .isEqualTo(NOW);
    assertThat(msg.getHeader("DKIM-Signature")).hasSize(1);

    // RPT-19: multipart/report; report-type="tlsrpt"; a text part and the gzip attachment.
    ContentType type = new ContentType(msg.getContentType());
    assertThat(type.getBaseType()).isEqualTo("multipart/report");
    assertThat(type.getParameter("report-type")).isEqualTo("tlsrpt");
    MimeMultipart mp = (MimeMultipart) msg.getContent();
    assertThat(mp.getCount()).isEqualTo(2);

    BodyPart text = mp.getBodyPart(0);
    assertThat(new ContentType(text.getContentType()).getBaseType()).isEqualTo("text/plain");
    assertThat((String) text.getContent()).contains("example.org").contains("Failed sessions: 3")
        .contains(report.fileName());

    BodyPart attachment = mp.getBodyPart(1);
    assertThat(new ContentType(attachment.getContentType()).getBaseType()).isEqualTo("application/tlsrpt+gzip");
    assertThat(attachment.getDisposition()).isEqualTo("attachment");
    assertThat(attachment.getFileName()).isEqualTo(report.fileName())
        .isEqualTo("mail.sender.example!example.org!1775001600!1775088000!0a1b2c3d4e5f6071.json.gz");
    byte[] gz;
    try (InputStream in = attachment.getInputStream()) {
      gz = in.readAllBytes();
    }
    assertThat(gz).isEqualTo(report.content());
    ReportParseOutcome parsed = ReportParser.builder().build().parse(gz);
    assertThat(((ReportParseOutcome.Parsed) parsed).report()).isEqualTo(report.report());
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("{\"organization-name\"");
    }

    // RPT-20: the signer is asked to cover the TLS-Report-* fields.
    assertThat(signedHeaders.get(0)).contains("TLS-Report-Domain", "TLS-Report-Submitter", "From", "Subject");
    // RPT-24: the MTA can tell the message is a report and skip counting its session.
    assertThat(TlsRptRecorder.isReportMessage(java.util.Collections.list(msg.getAllHeaders()).stream()
        .map(jakarta.mail.Header::getName).toList())).isTrue();
  }

  @Test
  void nonAsciiOrganizationNamesAreBase64Text() throws Exception {
    EncodedReport report = report("Bücher & Söhne GmbH");
    ReportMessage m = delivery(fakeSigner(), collecting()).buildMessage(report, URI.create("mailto:a@example.org"));
    assertThat(new String(m.content(), StandardCharsets.ISO_8859_1).chars()).allMatch(c -> c < 0x80); // 7-bit only
    MimeMultipart mp = (MimeMultipart) parse(m).getContent();
    assertThat((String) mp.getBodyPart(0).getContent()).contains("Bücher & Söhne GmbH");
  }

  @Test
  void mailtoUrisWithSeveralAddressesAndAQuery() throws Exception {
    ReportMessage m = delivery(fakeSigner(), collecting()).buildMessage(report("O"),
        URI.create("mailto:a@example.org%2Cb@example.org?subject=ignored"));
    assertThat(m.recipients()).containsExactly("a@example.org", "b@example.org");
    assertThat(parse(m).getHeader("To")[0]).contains("b@example.org");
  }

  @Test
  void signaturesWithALengthTagAreRefused() throws Exception {
    // RPT-22: no l= tag.
    DkimSigner withL = (message, headers) -> "DKIM-Signature: v=1; d=x.example; s=tlsrpt; l=100; h=from; b=x";
    DeliveryOutcome r = delivery(withL, collecting()).deliver(report("O"), URI.create("mailto:a@example.org"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> {
      assertThat(f.retryable()).isFalse();
      assertThat(f.message()).contains("l=");
    });
    assertThat(sent).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> delivery(withL, collecting())
        .buildMessage(report("O"), URI.create("mailto:a@example.org")));
  }

  @Test
  void signerAndSenderFailuresAreRetryable() throws Exception {
    DkimSigner failing = (message, headers) -> {
      throw new GeneralSecurityException("HSM offline");
    };
    DeliveryOutcome r1 = delivery(failing, collecting()).deliver(report("O"), URI.create("mailto:a@example.org"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r1).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.retryable()).isTrue());

    ReportMailSender refusing = m -> CompletableFuture.failedFuture(new IllegalStateException("queue full"));
    DeliveryOutcome r2 = delivery(fakeSigner(), refusing).deliver(report("O"), URI.create("mailto:a@example.org"))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r2).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> {
      assertThat(f.retryable()).isTrue();
      assertThat(f.message()).contains("queue full");
    });
  }

  @Test
  void addressesThatCannotBeMailedFailPermanently() throws Exception {
    DeliveryOutcome r = delivery(fakeSigner(), collecting())
        .deliver(report("O"), URI.create("mailto:j%C3%BCrgen@example.org")).toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(r).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.retryable()).isFalse());
  }

  @Test
  void supportsOnlyMailto() {
    MailtoReportDelivery d = delivery(fakeSigner(), collecting());
    assertThat(d.supports(URI.create("MAILTO:a@b.example"))).isTrue();
    assertThat(d.supports(URI.create("https://b.example/"))).isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> d.deliver(report("O"), URI.create("https://b.example/")));
    assertThatIllegalStateException().isThrownBy(() -> MailtoReportDelivery.builder().executor(DIRECT).build());
  }
}
