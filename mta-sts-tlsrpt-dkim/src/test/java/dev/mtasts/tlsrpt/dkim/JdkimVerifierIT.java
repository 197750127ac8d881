package dev.mtasts.tlsrpt.dkim;

import static dev.mtasts.tlsrpt.dkim.JdkimVerifierTest.MAIL;
import static dev.mtasts.tlsrpt.dkim.JdkimVerifierTest.PUBLIC;
import static dev.mtasts.tlsrpt.dkim.JdkimVerifierTest.signed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.dns.DnsjavaLookup;
import dev.mtasts.testing.KnotServer;
import dev.mtasts.tlsrpt.inbox.DkimResult;
import dev.mtasts.tlsrpt.inbox.InboxFinding;
import dev.mtasts.tlsrpt.inbox.InboxResult;
import dev.mtasts.tlsrpt.inbox.ReportInbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** DKIM keys published in a real knotd zone, fetched through the project's DNS client. */
class JdkimVerifierIT {
  static KnotServer knot;
  static ExecutorService executor;
  static JdkimVerifier verifier;

  /** A TXT value as zone-file strings of at most 200 characters (one string holds 255 at most). */
  static String strings(String value) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.length(); i += 200) {
      sb.append('"').append(value, i, Math.min(value.length(), i + 200)).append("\" ");
    }
    return sb.toString();
  }

  @BeforeAll
  static void start() throws IOException {
    String zone = "$TTL 300\n@ SOA ns hostmaster 2026040101 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n"
        + "tlsrpt._domainkey TXT " + strings("v=DKIM1; k=rsa; s=tlsrpt; p=" + PUBLIC) + "\n"
        + "email._domainkey TXT " + strings("v=DKIM1; k=rsa; s=email; p=" + PUBLIC) + "\n";
    knot = KnotServer.start(Map.of("sender.example", zone));
    executor = Executors.newFixedThreadPool(2);
    verifier = JdkimVerifier.create(DnsjavaLookup.builder().servers(knot.hostPort()).executor(executor).build(),
        Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    if (knot != null) {
      knot.close();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  @Test
  @DisplayName("RPT-46 RPT-47 RPT-23: with keys in knotd: valid passes, bad body hash and s=email fail, unsigned is none")
  void verifiesAgainstKeysInARealZone() throws Exception {
    ReportInbox inbox = ReportInbox.builder().dkimVerifier(verifier).build();
    DkimResult valid = verifier.verify(signed(MAIL, "tlsrpt"));
    assertThat(valid.status()).as(valid.detail()).isEqualTo(DkimResult.Status.PASS);

    byte[] badBody = new String(signed(MAIL, "tlsrpt"), StandardCharsets.US_ASCII).replace("A report.", "A rep0rt.")
        .getBytes(StandardCharsets.US_ASCII);
    assertThat(verifier.verify(badBody).status()).isEqualTo(DkimResult.Status.FAIL);

    DkimResult wrongService = verifier.verify(signed(MAIL, "email"));
    assertThat(wrongService.status()).isEqualTo(DkimResult.Status.FAIL);
    assertThat(wrongService.detail()).contains("s=email");

    InboxResult unsigned = inbox.readMessage(MAIL.getBytes(StandardCharsets.US_ASCII), "unsigned");
    assertThat(unsigned.reports()).singleElement().satisfies(x -> {
      assertThat(x.dkim().status()).isEqualTo(DkimResult.Status.NONE);
      assertThat(x.has(InboxFinding.Code.DKIM_MISSING)).isTrue();
      assertThat(x.authenticated()).isFalse();
    });
  }
}
