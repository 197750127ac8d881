package dev.mtasts.tlsrpt.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.testing.FakeDnsLookup;
import dev.mtasts.tlsrpt.inbox.DkimResult;
import dev.mtasts.tlsrpt.inbox.InboxFinding;
import dev.mtasts.tlsrpt.inbox.InboxResult;
import dev.mtasts.tlsrpt.inbox.ReportInbox;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import org.apache.james.jdkim.DKIMSigner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JdkimVerifierTest {
  static final KeyPair KEYS = keys();
  static final String PUBLIC = Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
  static final String JSON = "{\"organization-name\":\"Sender\",\"date-range\":{\"start-datetime\":\"2026-04-01T00:00:00Z\","
      + "\"end-datetime\":\"2026-04-02T00:00:00Z\"},\"contact-info\":\"tlsrpt@sender.example\",\"report-id\":\"r1\","
      + "\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.org\"},"
      + "\"summary\":{\"total-successful-session-count\":10,\"total-failure-session-count\":0}}]}";
  static final String MAIL = "From: tlsrpt@sender.example\r\nTo: tlsrpt@example.org\r\n"
      + "Subject: Report Domain: example.org Submitter: sender.example Report-ID: <r1@sender.example>\r\n"
      + "TLS-Report-Domain: example.org\r\nTLS-Report-Submitter: sender.example\r\nMIME-Version: 1.0\r\n"
      + "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b\"\r\n\r\n"
      + "--b\r\nContent-Type: text/plain\r\n\r\nA report.\r\n"
      + "--b\r\nContent-Type: application/tlsrpt+json\r\n\r\n" + JSON + "\r\n--b--\r\n";

  static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The mail signed by sender.example with the selector, by jDKIM's own signer. */
  static byte[] signed(String mail, String selector) throws Exception {
    DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=" + selector
        + "; h=from:to:subject:tls-report-domain:tls-report-submitter:content-type; bh=; b=;", KEYS.getPrivate());
    String field = signer.sign(new ByteArrayInputStream(mail.getBytes(StandardCharsets.US_ASCII)));
    return (field + "\r\n" + mail).getBytes(StandardCharsets.US_ASCII);
  }

  static FakeDnsLookup dns() {
    return FakeDnsLookup.create()
        .putTxt("tlsrpt._domainkey.sender.example", "v=DKIM1; k=rsa; s=tlsrpt; p=" + PUBLIC)
        .putTxt("both._domainkey.sender.example", "v=DKIM1; k=rsa; s=email:tlsrpt; p=" + PUBLIC)
        .putTxt("any._domainkey.sender.example", "v=DKIM1; k=rsa; p=" + PUBLIC)
        .putTxt("email._domainkey.sender.example", "v=DKIM1; k=rsa; s=email; p=" + PUBLIC);
  }

  final FakeDnsLookup dns = dns();
  final JdkimVerifier verifier = JdkimVerifier.create(dns, Duration.ofSeconds(10));

  @Test
  @DisplayName("RPT-46 RPT-23: a valid signature passes, and the inbox counts the mail as authenticated")
  void aValidSignaturePasses() throws Exception {
    byte[] mail = signed(MAIL, "tlsrpt");
    DkimResult r = verifier.verify(mail);
    assertThat(r.status()).as(r.detail()).isEqualTo(DkimResult.Status.PASS);
    assertThat(r.domain()).isEqualTo("sender.example");
    InboxResult in = ReportInbox.builder().dkimVerifier(verifier).build().readMessage(mail, "m");
    assertThat(in.reports()).singleElement().satisfies(x -> {
      assertThat(x.findings()).isEmpty();
      assertThat(x.authenticated()).isTrue();
    });
  }

  @Test
  @DisplayName("RPT-46 RPT-23: a body changed after signing fails on the body hash; the report is kept, marked, not authenticated")
  void aChangedBodyFails() throws Exception {
    String mail = new String(signed(MAIL, "tlsrpt"), StandardCharsets.US_ASCII).replace("A report.", "A rep0rt.");
    byte[] bytes = mail.getBytes(StandardCharsets.US_ASCII);
    DkimResult r = verifier.verify(bytes);
    assertThat(r.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(r.detail()).containsIgnoringCase("body");
    InboxResult in = ReportInbox.builder().dkimVerifier(verifier).build().readMessage(bytes, "m");
    assertThat(in.reports()).singleElement().satisfies(x -> {
      assertThat(x.has(InboxFinding.Code.DKIM_FAILED)).isTrue();
      assertThat(x.authenticated()).isFalse();
    });
  }

  @Test
  @DisplayName("RPT-47: a key whose s= lacks tlsrpt and * fails; s= listing tlsrpt, or no s=, passes")
  void theKeysServiceTypesMustAllowTlsRpt() throws Exception {
    DkimResult email = verifier.verify(signed(MAIL, "email"));
    assertThat(email.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(email.detail()).contains("s=email", "RFC 8460 §3");
    assertThat(verifier.verify(signed(MAIL, "both")).status()).isEqualTo(DkimResult.Status.PASS);
    assertThat(verifier.verify(signed(MAIL, "any")).status()).isEqualTo(DkimResult.Status.PASS);
    assertThat(JdkimVerifier.allowsTlsRpt("email : *")).isTrue();
    assertThat(JdkimVerifier.allowsTlsRpt("email")).isFalse();
  }

  @Test
  @DisplayName("RPT-46: no key, a DNS failure, or more than 5 signatures fail, the last without a lookup")
  void missingKeysAndTooManySignaturesFail() throws Exception {
    assertThat(verifier.verify(signed(MAIL, "nokey")).status()).isEqualTo(DkimResult.Status.FAIL);
    dns.failTxt("broken._domainkey.sender.example", DnsFailure.SERVFAIL);
    assertThat(verifier.verify(signed(MAIL, "broken")).status()).isEqualTo(DkimResult.Status.FAIL);
    String one = new String(signed(MAIL, "tlsrpt"), StandardCharsets.US_ASCII);
    String field = one.substring(0, one.indexOf("From: "));
    byte[] six = (field.repeat(6) + MAIL).getBytes(StandardCharsets.US_ASCII);
    int before = dns.txtQueries("tlsrpt._domainkey.sender.example");
    DkimResult r = verifier.verify(six);
    assertThat(r.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(r.detail()).contains("6 DKIM-Signature fields");
    assertThat(dns.txtQueries("tlsrpt._domainkey.sender.example")).isEqualTo(before);
  }
}
