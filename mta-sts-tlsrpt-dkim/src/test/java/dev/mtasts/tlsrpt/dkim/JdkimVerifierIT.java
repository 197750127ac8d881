package dev.mtasts.tlsrpt.dkim;

import static dev.mtasts.tlsrpt.dkim.DkimTestMails.MAIL;
import static dev.mtasts.tlsrpt.dkim.DkimTestMails.signed;
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

  @BeforeAll
  static void start() throws IOException {
    knot = KnotServer.start(Map.of("sender.example", DkimTestMails.zone()));
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

    byte[] badBody = DkimTestMails.tampered(MAIL, "tlsrpt");
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
