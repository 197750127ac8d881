package dev.mtasts.tlsrpt.dkim;

import dev.mtasts.testing.FakeDnsLookup;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.apache.james.jdkim.DKIMSigner;

/**
 * Signed TLS-RPT mails and the zone that publishes their key, shared by this module's tests and
 * (through its test jar) the CLI's: one RSA key, signed by jDKIM's own signer as sender.example.
 */
public final class DkimTestMails {
  /** The signing key pair, made once per run. */
  public static final KeyPair KEYS = keys();
  /** The public key, base64, as a DKIM key record's {@code p=}. */
  public static final String PUBLIC = Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded());
  /** The report the mail carries: example.org, 2026-04-01, report-id r1. */
  public static final String JSON = json("r1");
  /** An unsigned report mail from sender.example for example.org. */
  public static final String MAIL = mail(JSON);

  private DkimTestMails() {}

  /**
   * A one-day report for example.org on 2026-04-01 with 10 successful sessions.
   *
   * @param reportId the report-id
   * @return the JSON
   */
  public static String json(String reportId) {
    return "{\"organization-name\":\"Sender\",\"date-range\":{\"start-datetime\":\"2026-04-01T00:00:00Z\","
        + "\"end-datetime\":\"2026-04-02T00:00:00Z\"},\"contact-info\":\"tlsrpt@sender.example\",\"report-id\":\""
        + reportId + "\",\"policies\":[{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"example.org\"},"
        + "\"summary\":{\"total-successful-session-count\":10,\"total-failure-session-count\":0}}]}";
  }

  /**
   * An unsigned multipart/report mail carrying the JSON.
   *
   * @param json the report
   * @return the mail, CRLF line ends
   */
  public static String mail(String json) {
    return "From: tlsrpt@sender.example\r\nTo: tlsrpt@example.org\r\n"
        + "Subject: Report Domain: example.org Submitter: sender.example Report-ID: <r1@sender.example>\r\n"
        + "TLS-Report-Domain: example.org\r\nTLS-Report-Submitter: sender.example\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"b\"\r\n\r\n"
        + "--b\r\nContent-Type: text/plain\r\n\r\nA report.\r\n"
        + "--b\r\nContent-Type: application/tlsrpt+json\r\n\r\n" + json + "\r\n--b--\r\n";
  }

  static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The mail signed by sender.example with the selector, by jDKIM's own signer.
   *
   * @param mail the mail
   * @param selector the selector ({@code s=})
   * @return the signed mail
   * @throws Exception if signing fails
   */
  public static byte[] signed(String mail, String selector) throws Exception {
    DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=sender.example; s=" + selector
        + "; h=from:to:subject:tls-report-domain:tls-report-submitter:content-type; bh=; b=;", KEYS.getPrivate());
    String field = signer.sign(new ByteArrayInputStream(mail.getBytes(StandardCharsets.US_ASCII)));
    return (field + "\r\n" + mail).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The signed mail with its body changed after signing, so its body hash fails.
   *
   * @param mail the mail
   * @param selector the selector
   * @return the tampered mail
   * @throws Exception if signing fails
   */
  public static byte[] tampered(String mail, String selector) throws Exception {
    return new String(signed(mail, selector), StandardCharsets.US_ASCII).replace("A report.", "A rep0rt.")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The sender.example zone for knotd: the key under selector {@code tlsrpt} with {@code s=tlsrpt}
   * and under selector {@code email} with {@code s=email}.
   *
   * @return the zone file text
   */
  public static String zone() {
    return "$TTL 300\n@ SOA ns hostmaster 2026040101 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
        + "tlsrpt._domainkey TXT " + strings("v=DKIM1; k=rsa; s=tlsrpt; p=" + PUBLIC) + "\n"
        + "email._domainkey TXT " + strings("v=DKIM1; k=rsa; s=email; p=" + PUBLIC) + "\n";
  }

  /**
   * The keys of {@link #zone()} in a fake DNS, for tests without knotd.
   *
   * @return a new fake DNS
   */
  public static FakeDnsLookup fakeDns() {
    return FakeDnsLookup.create()
        .putTxt("tlsrpt._domainkey.sender.example", "v=DKIM1; k=rsa; s=tlsrpt; p=" + PUBLIC)
        .putTxt("email._domainkey.sender.example", "v=DKIM1; k=rsa; s=email; p=" + PUBLIC);
  }

  /**
   * Writes a Maildir of four report mails for example.org on 2026-04-01, 10 sessions each, each
   * with its own report-id: {@code valid} (passes), {@code badbody} (body changed after signing),
   * {@code email} (signed with the {@code s=email} key) and {@code unsigned}.
   *
   * @param dir the Maildir
   * @throws Exception if signing or writing fails
   */
  public static void maildir(Path dir) throws Exception {
    Path cur = Files.createDirectories(dir.resolve("cur"));
    Files.createDirectories(dir.resolve("new"));
    Files.createDirectories(dir.resolve("tmp"));
    Files.write(cur.resolve("1.valid:2,S"), signed(mail(json("valid")), "tlsrpt"));
    Files.write(cur.resolve("2.badbody:2,S"), tampered(mail(json("badbody")), "tlsrpt"));
    Files.write(cur.resolve("3.email:2,S"), signed(mail(json("email")), "email"));
    Files.write(cur.resolve("4.unsigned:2,S"), mail(json("unsigned")).getBytes(StandardCharsets.US_ASCII));
  }

  /** A TXT value as zone-file strings of at most 200 characters (one string holds 255 at most). */
  static String strings(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length(); i += 200) {
      sb.append('"').append(value, i, Math.min(value.length(), i + 200)).append("\" ");
    }
    return sb.toString();
  }
}
