package dev.mtasts.tlsrpt.inbox;

import static dev.mtasts.tlsrpt.inbox.InboxFixtures.bytes;
import static dev.mtasts.tlsrpt.inbox.InboxFixtures.encoded;
import static dev.mtasts.tlsrpt.inbox.InboxFixtures.mail;
import static dev.mtasts.tlsrpt.inbox.InboxFixtures.report;
import static dev.mtasts.tlsrpt.inbox.InboxFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.tlsrpt.FailureDetail;
import dev.mtasts.tlsrpt.PolicyReport;
import dev.mtasts.tlsrpt.ReportJson;
import dev.mtasts.tlsrpt.TlsRptReport;
import dev.mtasts.tlsrpt.inbox.InboxFinding.Code;
import dev.mtasts.tlsrpt.inbox.ReceivedReport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportInboxTest {
  final ReportInbox inbox = ReportInbox.builder().build();

  @TempDir
  Path dir;

  @Test
  @DisplayName("RPT-35: a FIFO given as the input itself is refused, not opened (opening it blocks)")
  void refusesAFifoGivenAsTheInput() throws Exception {
    // Review finding: `mta-sts reports summary --from FIFO` hangs; head(file) opens it before any check.
    Path fifo = dir.resolve("reports.json");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");

    InboxResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
        () -> inbox.read(fifo));

    assertThat(r.reports()).isEmpty();
    assertThat(r.rejected()).hasSize(1);
  }

  @Test
  @DisplayName("RPT-53: a symbolic link given as the input is refused in words, not with the system's error text")
  void refusesASymbolicLinkGivenAsTheInputInWords() throws Exception {
    Path target = dir.resolve("real.eml");
    Files.write(target, mail(report("real@s")));
    Path link = Files.createSymbolicLink(dir.resolve("link.eml"), target);

    InboxResult r = inbox.read(link);

    assertThat(r.reports()).isEmpty();
    assertThat(r.rejected()).singleElement().satisfies(x -> {
      assertThat(x.source()).isEqualTo("link.eml");
      assertThat(x.reason()).contains("is a symbolic link").contains("give the file").doesNotContain("NOFOLLOW");
    });
  }

  @Test
  @DisplayName("RPT-53: symbolic links and FIFOs inside a directory are listed as rejected, and not opened")
  void listsLinksAndFifosInsideADirectoryAsRejected() throws Exception {
    Path in = Files.createDirectory(dir.resolve("in"));
    Files.write(in.resolve("a.eml"), mail(report("a@s")));
    Files.createSymbolicLink(in.resolve("b-link.eml"), in.resolve("a.eml"));
    Path fifo = in.resolve("c-fifo.eml");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");

    InboxResult r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
        () -> inbox.read(in));

    assertThat(ids(r)).containsExactly("a@s");
    assertThat(r.rejected()).extracting(RejectedInput::source).containsExactly("b-link.eml", "c-fifo.eml");
    assertThat(r.rejected().get(0).reason()).contains("symbolic link");
    assertThat(r.rejected().get(1).reason()).contains("not a regular file");
  }

  @Test
  @DisplayName("RPT-54: two organisations' reports with the same report-id are both kept; the same sender's copies are one")
  void keepsTwoSendersReportsWithTheSameReportId() {
    java.time.LocalDate day = java.time.LocalDate.of(2026, 4, 1);
    TlsRptReport a = InboxFixtures.report("Sender A", "tlsrpt@a.example", day, "same-id", 10, 0, "x", "mx");
    TlsRptReport b = InboxFixtures.report("Sender B", "tlsrpt@b.example", day, "same-id", 20, 0, "x", "mx");
    TlsRptReport aAgain = InboxFixtures.report("sender a ", "tlsrpt@a.example", day, "same-id", 10, 0, "x", "mx");

    InboxResult r = readAll(List.of(a, b, aAgain));

    assertThat(r.reports()).extracting(x -> x.report().organizationName()).containsExactly("Sender A", "Sender B");
    assertThat(r.duplicates()).isEqualTo(1);
  }

  @Test
  @DisplayName("RPT-52: a report with absurd counts is kept but marked")
  void marksAReportWithAbsurdCounts() {
    java.time.LocalDate day = java.time.LocalDate.of(2026, 4, 1);
    TlsRptReport huge = InboxFixtures.report("Huge", "h@h.example", day, "huge", 2_000_000_000_000L, 0, "x", "mx");
    TlsRptReport base = report("over@s");
    PolicyReport p = base.policies().get(0);
    // One failure detail counting more sessions than the policy's total failures.
    TlsRptReport over = new TlsRptReport("Over", base.dateRange(), "o@o.example", "over", List.of(new PolicyReport(
        p.policy(), 10, 3, List.of(new FailureDetail("certificate-expired", null, "mx", null, null, 4, null, null)))));
    TlsRptReport fine = report("fine@s");

    InboxResult r = readAll(List.of(huge, over, fine));

    assertThat(r.reports()).hasSize(3);
    assertThat(r.reports().get(0).has(Code.COUNTS_IMPLAUSIBLE)).isTrue();
    assertThat(r.reports().get(0).findings().get(0).message()).contains("2000000000000 sessions");
    assertThat(r.reports().get(1).has(Code.COUNTS_IMPLAUSIBLE)).isTrue();
    assertThat(r.reports().get(2).findings()).isEmpty();
  }

  static final java.time.Instant NOW = java.time.Instant.parse("2026-04-02T12:00:00Z");
  static final ReportInbox AT_NOW = ReportInbox.builder().clock(java.time.Clock.fixed(NOW,
      java.time.ZoneOffset.UTC)).build();

  @Test
  @DisplayName("RPT-55: a date-range before 2018-09-01, over a day ahead of the clock, over 31 days or reversed is marked")
  void marksImplausibleDateRanges() {
    InboxResult r = readAll(AT_NOW, List.of(
        dated("ancient", "0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z"),
        dated("future", "9999-12-30T00:00:00Z", "9999-12-31T00:00:00Z"),
        dated("tomorrow-plus", "2026-04-03T12:00:01Z", "2026-04-04T00:00:00Z"),
        dated("long", "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        dated("today", "2026-04-02T00:00:00Z", "2026-04-03T00:00:00Z"),
        dated("just-ahead", "2026-04-03T00:00:00Z", "2026-04-04T00:00:00Z")));

    assertThat(r.reports()).extracting(x -> x.report().reportId() + ":" + x.has(Code.DATE_RANGE_IMPLAUSIBLE))
        .containsExactly("ancient:true", "future:true", "tomorrow-plus:true", "long:true", "today:false",
            "just-ahead:false");
    assertThat(r.reports().get(0).findings().get(0).message()).contains("before RFC 8460 was published");
  }

  @Test
  @DisplayName("RPT-55: a reversed date-range is marked as reversed, not as missing")
  void saysAReversedDateRangeIsReversed() {
    String json = new String(ReportJson.toJson(report("rev@s")), java.nio.charset.StandardCharsets.UTF_8)
        .replace("2026-04-01T00:00:00Z", "X").replace("2026-04-02T00:00:00Z", "2026-04-01T00:00:00Z")
        .replace("X", "2026-04-02T00:00:00Z");

    InboxResult r = AT_NOW.readSubmission(bytes(json), "rev.json");

    assertThat(r.reports()).singleElement().satisfies(x -> {
      assertThat(x.report().dateRange()).isNull();
      assertThat(x.findings()).singleElement().satisfies(f -> {
        assertThat(f.code()).isEqualTo(Code.DATE_RANGE_IMPLAUSIBLE);
        assertThat(f.message()).contains("reversed");
      });
    });
  }

  @Test
  @DisplayName("RPT-56: a policy-domain that is no domain name ('<script>', 5,000 characters) is marked")
  void marksAnInvalidPolicyDomain() {
    String json = new String(ReportJson.toJson(report("pd@s")), java.nio.charset.StandardCharsets.UTF_8);
    String script = json.replace("\"example.org\"", "\"<script>alert(1)</script>\"");
    String longName = json.replace("\"example.org\"", "\"" + "a".repeat(5000) + "\"");

    List<ReceivedReport> r = List.of(inbox.readSubmission(bytes(script), "s.json").reports().get(0),
        inbox.readSubmission(bytes(longName), "l.json").reports().get(0),
        inbox.readSubmission(bytes(json), "ok.json").reports().get(0));

    assertThat(r).extracting(x -> x.has(Code.POLICY_DOMAIN_INVALID)).containsExactly(true, true, false);
    assertThat(r.get(1).findings().get(0).message()).hasSizeLessThan(300).contains("5000 characters");
  }

  static TlsRptReport dated(String id, String start, String end) {
    TlsRptReport base = report(id);
    return new TlsRptReport(base.organizationName(), new dev.mtasts.tlsrpt.DateRange(java.time.Instant.parse(start),
        java.time.Instant.parse(end)), base.contactInfo(), id, base.policies());
  }

  InboxResult readAll(List<TlsRptReport> reports) {
    return readAll(inbox, reports);
  }

  /** Reads the reports as one directory of HTTPS submissions, in list order. */
  InboxResult readAll(ReportInbox in, List<TlsRptReport> reports) {
    try {
      Path d = Files.createTempDirectory(dir, "all");
      for (int i = 0; i < reports.size(); i++) {
        Files.write(d.resolve(String.format(java.util.Locale.ROOT, "%03d.json.gz", i)), ReportJson.toGzip(reports.get(i)));
      }
      return in.read(d);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> ids(InboxResult r) {
    return r.reports().stream().map(x -> x.report().reportId()).toList();
  }

  static byte[] json(String id) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(encoded(report(id)).content()))) {
      return in.readAllBytes();
    }
  }

  static List<Code> codes(InboxResult r) {
    assertThat(r.rejected()).isEmpty();
    assertThat(r.reports()).hasSize(1);
    return r.reports().get(0).findings().stream().map(InboxFinding::code).toList();
  }

  @Test
  @DisplayName("RPT-34 RPT-19 RPT-20 RPT-21: the multipart mail with a gzip attachment is read without findings")
  void readsAWellFormedReportMailWithoutFindings() {
    InboxResult r = inbox.readMessage(mail(report("2026-04-01.a@mail.sender.example")), "m1");
    assertThat(r.rejected()).isEmpty();
    assertThat(r.reports()).singleElement().satisfies(x -> {
      assertThat(x.transport()).isEqualTo(Transport.MAIL);
      assertThat(x.findings()).isEmpty();
      assertThat(x.reportDomain()).isEqualTo("example.org");
      assertThat(x.submitter()).isEqualTo("mail.sender.example");
      assertThat(x.report().totalFailureSessionCount()).isEqualTo(3);
      // Signed, but no verifier configured: neither passed nor failed.
      assertThat(x.dkim().status()).isEqualTo(DkimResult.Status.NOT_CHECKED);
      assertThat(x.authenticated()).isFalse();
    });
  }

  @Test
  @DisplayName("RPT-34: Maildir cur and new, an mbox, an .eml, .json and .json.gz files are read; tmp is not")
  void readsEveryKindOfInputInADirectory() throws IOException {
    Path md = dir.resolve("Maildir");
    Files.createDirectories(md.resolve("cur"));
    Files.createDirectories(md.resolve("new"));
    Files.createDirectories(md.resolve("tmp"));
    Files.write(md.resolve("cur/1775100000.M1P1.host:2,S"), mail(report("a@s")));
    Files.write(md.resolve("new/1775100001.M2P1.host"), mail(report("b@s")));
    Files.write(md.resolve("tmp/1775100002.M3P1.host"), mail(report("tmp@s")));
    String mbox = "From tlsrpt@mail.sender.example Thu Apr  2 03:17:00 2026\n"
        + text(mail(report("c@s"))).replace("\r\n", "\n") + "\n"
        + "From tlsrpt@mail.sender.example Thu Apr  2 03:18:00 2026\n"
        + text(mail(report("d@s"))).replace("\r\n", "\n");
    Files.write(dir.resolve("archive"), bytes(mbox));
    Files.write(dir.resolve("one.eml"), mail(report("e@s")));
    Files.write(dir.resolve("post.json"), json("f@s"));
    Files.write(dir.resolve("post2.json.gz"), encoded(report("g@s")).content());

    InboxResult r = inbox.read(dir);

    assertThat(r.rejected()).isEmpty();
    assertThat(ids(r)).containsExactlyInAnyOrder("a@s", "b@s", "c@s", "d@s", "e@s", "f@s", "g@s");
    assertThat(r.reports()).filteredOn(x -> x.transport() == Transport.HTTPS).extracting(ReceivedReport::source)
        .containsExactlyInAnyOrder("post.json", "post2.json.gz");
    assertThat(r.reports()).filteredOn(x -> x.source().startsWith("archive#")).hasSize(2);
  }

  @Test
  @DisplayName("RPT-41: a report-id seen twice is kept once; the authenticated copy wins")
  void deduplicatesByReportId() throws IOException {
    Files.write(dir.resolve("a.eml"), mail(report("same@s")));
    Files.write(dir.resolve("b.eml"), mail(report("same@s")));
    Files.write(dir.resolve("c.json"), json("same@s"));
    Files.write(dir.resolve("d.eml"), mail(report("other@s")));

    InboxResult r = inbox.read(dir);

    assertThat(ids(r)).containsExactly("same@s", "other@s");
    assertThat(r.duplicates()).isEqualTo(2);
    // The unsigned-checked mail came first; the HTTPS copy is authenticated (RFC 8460 §3) and replaces it.
    assertThat(r.reports().get(0).transport()).isEqualTo(Transport.HTTPS);
  }

  @Test
  @DisplayName("RPT-20 RPT-37: a mail without TLS-Report-Domain or TLS-Report-Submitter is kept and marked")
  void marksMissingReportHeaders() {
    String m = text(mail(report("h@s")));
    assertThat(codes(inbox.readMessage(bytes(m.replace("TLS-Report-Domain: example.org\r\n", "")), "x")))
        .containsExactly(Code.MISSING_REPORT_DOMAIN);
    assertThat(codes(inbox.readMessage(bytes(m.replace("TLS-Report-Submitter: mail.sender.example\r\n", "")), "x")))
        .containsExactly(Code.MISSING_REPORT_SUBMITTER);
  }

  @Test
  @DisplayName("RPT-38: a TLS-Report-Domain that is none of the report's policy domains is marked")
  void marksAReportDomainTheReportDoesNotCover() {
    String m = text(mail(report("i@s"))).replace("TLS-Report-Domain: example.org", "TLS-Report-Domain: other.example");
    assertThat(codes(inbox.readMessage(bytes(m), "x"))).containsExactly(Code.REPORT_DOMAIN_MISMATCH);
    String ok = text(mail(report("i@s"))).replace("TLS-Report-Domain: example.org", "TLS-Report-Domain: EXAMPLE.org.");
    assertThat(codes(inbox.readMessage(bytes(ok), "x"))).isEmpty();
  }

  @Test
  @DisplayName("RPT-39: a TLS-Report-Submitter matching neither contact-info nor organization is marked")
  void marksASubmitterThatDoesNotMatchTheReport() {
    String m = text(mail(report("j@s")));
    assertThat(codes(inbox.readMessage(bytes(m.replace("TLS-Report-Submitter: mail.sender.example",
        "TLS-Report-Submitter: evil.example")), "x"))).containsExactly(Code.SUBMITTER_MISMATCH);
    // The parent domain of the contact's domain matches; so does the organization's name.
    assertThat(codes(inbox.readMessage(bytes(m.replace("TLS-Report-Submitter: mail.sender.example",
        "TLS-Report-Submitter: sender.example")), "x"))).isEmpty();
    assertThat(ReportInbox.submitterMatches("google.com", report("Google Inc.", "https://support.google.com/a",
        java.time.LocalDate.of(2026, 4, 1), "k", 1, 0, "x", "mx"))).isTrue();
    assertThat(ReportInbox.submitterMatches("google.com", report("Other", "smtp-tls-reporting@googlemail.com",
        java.time.LocalDate.of(2026, 4, 1), "k", 1, 0, "x", "mx"))).isFalse();
  }

  @Test
  @DisplayName("RPT-21: a subject not of the form 'Report Domain: Submitter: Report-ID: <..>' is marked")
  void marksASubjectOfAnotherForm() {
    String m = text(mail(report("l@s")));
    String subject = m.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow();
    assertThat(codes(inbox.readMessage(bytes(m.replace(subject, "Subject: TLS report for example.org")), "x")))
        .containsExactly(Code.SUBJECT_FORM);
    // Keywords are case-sensitive (RFC 8460 §5.3).
    assertThat(codes(inbox.readMessage(bytes(m.replace(subject, subject.replace("Report Domain:", "report domain:"))),
        "x"))).containsExactly(Code.SUBJECT_FORM);
  }

  @Test
  @DisplayName("RPT-23: an unsigned mail is kept, marked DKIM_MISSING and not authenticated")
  void marksAnUnsignedMail() {
    String m = text(mail(report("n@s")));
    String unsigned = m.substring(m.indexOf("\r\nFrom: ") + 2);
    InboxResult r = inbox.readMessage(bytes(unsigned), "x");
    assertThat(codes(r)).containsExactly(Code.DKIM_MISSING);
    assertThat(r.reports().get(0).dkim().status()).isEqualTo(DkimResult.Status.NONE);
    assertThat(r.reports().get(0).authenticated()).isFalse();
  }

  @Test
  @DisplayName("RPT-36: real senders' quirks are read and marked: octet-stream part, one-line base64, multipart/mixed")
  void readsQuirkyMails() {
    // mx-host as a string, a date without a zone, counts as strings: the tolerant parser's cases.
    String json = "{\"organization-name\":\"Quirky Mail\",\"date-range\":{\"start-datetime\":\"2026-04-01T00:00:00\","
        + "\"end-datetime\":\"2026-04-01T23:59:59Z\"},\"contact-info\":\"tlsrpt@quirky.example\","
        + "\"report-id\":\"q1\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.org\","
        + "\"mx-host\":\"mx.example.org\"},\"summary\":{\"total-successful-session-count\":\"10\","
        + "\"total-failure-session-count\":1},\"failure-details\":[{\"result-type\":\"starttls-not-supported\","
        + "\"failed-session-count\":1}]}]}";
    byte[] gz = gzip(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String mixed = "From: tlsrpt@quirky.example\r\nTo: tlsrpt@example.org\r\n"
        + "Subject: Report Domain: example.org Submitter: quirky.example Report-ID: <q1@quirky.example>\r\n"
        + "TLS-Report-Domain: example.org\r\nTLS-Report-Submitter: quirky.example\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain\r\n\r\nA report.\r\n"
        + "--b1\r\nContent-Type: application/octet-stream\r\n"
        + "Content-Disposition: attachment; filename=\"quirky.example!example.org!1!2.json.gz\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getEncoder().encodeToString(gz) + "\r\n--b1--\r\n";
    InboxResult r = inbox.readMessage(bytes(mixed), "q");
    assertThat(codes(r)).containsExactlyInAnyOrder(Code.REPORT_MEDIA_TYPE, Code.NOT_MULTIPART_REPORT, Code.DKIM_MISSING);
    ReceivedReport x = r.reports().get(0);
    assertThat(x.report().totalSuccessfulSessionCount()).isEqualTo(10);
    assertThat(x.warnings()).anyMatch(w -> w.contains("UTC assumed")).anyMatch(w -> w.contains("mx-host"));

    // A single-part message whose body is the JSON, 8bit.
    String single = "From: tlsrpt@quirky.example\r\nTLS-Report-Domain: example.org\r\n"
        + "TLS-Report-Submitter: quirky.example\r\nDKIM-Signature: v=1; d=quirky.example; s=x; b=a\r\n"
        + "Subject: Report Domain: example.org Submitter: quirky.example Report-ID: <q1@quirky.example>\r\n"
        + "Content-Type: application/tlsrpt+json\r\n\r\n" + json + "\r\n";
    assertThat(codes(inbox.readMessage(bytes(single), "s"))).containsExactly(Code.NOT_MULTIPART_REPORT);

    // JSON in a text/plain part without a file name is not a report part.
    String text = mixed.replace("Content-Type: application/octet-stream\r\n"
        + "Content-Disposition: attachment; filename=\"quirky.example!example.org!1!2.json.gz\"\r\n", "Content-Type: text/plain\r\n");
    InboxResult none = inbox.readMessage(bytes(text), "t");
    assertThat(none.reports()).isEmpty();
    assertThat(none.rejected()).singleElement().satisfies(x2 -> assertThat(x2.reason()).contains("no report part"));
  }

  @Test
  @DisplayName("RPT-35: a 10 MB gzip bomb in a mail is refused after at most the parser's 32 MiB of inflating")
  void refusesAZipBomb() {
    byte[] bomb = gzipBomb(10_000_000);
    assertThat(bomb.length).isBetween(9_000_000, 10_000_000);
    String m = text(mail(report("bomb@s")));
    int start = m.indexOf("Content-Transfer-Encoding: base64\r\n\r\n", m.indexOf("application/tlsrpt+gzip"))
        + "Content-Transfer-Encoding: base64\r\n\r\n".length();
    int end = m.indexOf("\r\n--", start);
    String withBomb = m.substring(0, start) + Base64.getMimeEncoder().encodeToString(bomb) + m.substring(end);
    long t0 = System.nanoTime();
    InboxResult r = inbox.readMessage(bytes(withBomb), "bomb");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("[measure] 10 MB gzip bomb (" + withBomb.length() + " message bytes) refused in " + ms + " ms");
    assertThat(r.reports()).isEmpty();
    assertThat(r.rejected()).singleElement().satisfies(x ->
        assertThat(x.reason()).contains("decompressed report exceeds " + (32 << 20) + " bytes"));
  }

  @Test
  @DisplayName("RPT-35: messages over the byte cap or the part cap are refused, others still read")
  void refusesMessagesOverTheCaps() throws IOException {
    ReportInbox small = ReportInbox.builder().maxMessageBytes(2048).maxParts(8).build();
    Files.write(dir.resolve("big.eml"), bytes(text(mail(report("big@s")))
        .replace("This is a multipart message in MIME format.", "x".repeat(3000))));
    StringBuilder many = new StringBuilder("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
    for (int i = 0; i < 9; i++) {
      many.append("--b\r\nContent-Type: text/plain\r\n\r\n").append(i).append("\r\n");
    }
    many.append("--b--\r\n");
    Files.write(dir.resolve("many.eml"), bytes(many.toString()));
    String tiny = "TLS-Report-Domain: example.org\r\nContent-Type: application/tlsrpt+json\r\n\r\n"
        + new String(json("ok@s"), java.nio.charset.StandardCharsets.UTF_8);
    Files.write(dir.resolve("ok.eml"), bytes(tiny));

    InboxResult r = small.read(dir);

    assertThat(ids(r)).containsExactly("ok@s");
    assertThat(r.rejected()).extracting(RejectedInput::source).containsExactly("big.eml", "many.eml");
    assertThat(r.rejected().get(0).reason()).contains("larger than 2048 bytes");
    assertThat(r.rejected().get(1).reason()).contains("body parts");
  }

  @Test
  @DisplayName("RPT-35: at most maxInputs files are read; a symbolic link is not followed")
  void boundsTheInputsAndFollowsNoLink() throws IOException {
    Path outside = Files.createTempFile(dir.getParent(), "outside", ".eml");
    Files.write(outside, mail(report("outside@s")));
    Path in = Files.createDirectory(dir.resolve("in"));
    Files.createSymbolicLink(in.resolve("link.eml"), outside);
    Files.write(in.resolve("a.eml"), mail(report("a@s")));
    Files.write(in.resolve("b.eml"), mail(report("b@s")));
    Files.write(in.resolve("c.eml"), mail(report("c@s")));
    try {
      InboxResult r = ReportInbox.builder().maxInputs(2).build().read(in);
      assertThat(ids(r)).containsExactly("a@s", "b@s");
      assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.reason()).contains("more than 2 inputs"));
    } finally {
      Files.delete(outside);
    }
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * A gzip file of about {@code size} bytes that inflates to about a thousand times that: one
   * member of 64 MiB of zeros at the best compression, repeated (gzip readers read concatenated
   * members as one stream, RFC 1952 §2.2), so building it costs one 64 MiB deflate.
   */
  static byte[] gzipBomb(int size) {
    ByteArrayOutputStream member = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(member) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        gz.write(zeros);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    byte[] one = member.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream(size);
    while (out.size() + one.length <= size) {
      out.writeBytes(one);
    }
    return out.toByteArray();
  }
}
