package dev.mtasts.tlsrpt.inbox;

import dev.mtasts.core.MtaStsPolicy;
import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.TlsRptResultType;
import dev.mtasts.tlsrpt.DateRange;
import dev.mtasts.tlsrpt.EncodedReport;
import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.ReportJson;
import dev.mtasts.tlsrpt.ReportPolicy;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.delivery.DkimSigner;
import dev.mtasts.tlsrpt.delivery.MailtoReportDelivery;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Report mails shaped like real ones, built by the library's own mail delivery. */
final class InboxFixtures {
  static final String POLICY_BODY = "version: STSv1\nmode: enforce\nmx: mx.example.org\nmax_age: 604800\n";
  static final DkimSigner FAKE_SIGNER = (message, headers) ->
      "DKIM-Signature: v=1; a=rsa-sha256; d=mail.sender.example; s=tlsrpt;\r\n\th="
          + String.join(":", headers) + "; bh=abc=; b=def=";

  private InboxFixtures() {}

  /** A report from {@code org} about example.org on {@code day}, with the given counts. */
  static TlsRptReport report(String org, String contact, LocalDate day, String id, long ok, long failed,
      String resultType, String mx) {
    ReportPolicy policy = ReportPolicy.sts(PolicyDomain.of("example.org"), MtaStsPolicy.parse(POLICY_BODY),
        POLICY_BODY);
    List<FailureDetail> details = new ArrayList<>();
    if (failed > 0) {
      details.add(new FailureDetail(resultType, "192.0.2.1", mx, null, "198.51.100.2", failed, null,
          "X509_V_ERR_CERT_HAS_EXPIRED"));
    }
    return new TlsRptReport(org, DateRange.utcDay(day), contact, id,
        List.of(new PolicyReport(policy, ok, failed, details)));
  }

  /** Saves in {@code inbox} the HTTPS submission ({@code .json.gz}) of a report about example.org on {@code day}. */
  static void submission(Path inbox, String id, LocalDate day, long ok, long failed) throws IOException {
    Files.createDirectories(inbox);
    Files.write(inbox.resolve(id + ".json.gz"), ReportJson.toGzip(report("Sender", "tlsrpt@sender.example", day, id,
        ok, failed, TlsRptResultType.CERTIFICATE_EXPIRED.token(), "mx.example.org")));
  }

  static TlsRptReport report(String id) {
    return report("Sender Example", "tlsrpt@mail.sender.example", LocalDate.of(2026, 4, 1), id, 97, 3,
        TlsRptResultType.CERTIFICATE_EXPIRED.token(), "mx.example.org");
  }

  static EncodedReport encoded(TlsRptReport report) {
    String unique = Long.toHexString(Integer.toUnsignedLong(report.reportId().hashCode())) + "a1b2c3d4";
    return EncodedReport.encode(report, unique);
  }

  /** The mail the library would send for the report, signed with {@code signer}. */
  static byte[] mail(TlsRptReport report, DkimSigner signer) {
    return MailtoReportDelivery.builder()
        .executor(Runnable::run)
        .clock(() -> Instant.parse("2026-04-02T03:17:00Z"))
        .dkimSigner(signer)
        .sender(m -> java.util.concurrent.CompletableFuture.completedFuture(null))
        .build()
        .buildMessage(encoded(report), URI.create("mailto:tlsrpt@example.org"))
        .content();
  }

  static byte[] mail(TlsRptReport report) {
    return mail(report, FAKE_SIGNER);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
