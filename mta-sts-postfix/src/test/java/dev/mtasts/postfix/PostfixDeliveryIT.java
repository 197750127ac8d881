package dev.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.FakeDomain;
import dev.mtasts.testing.PostfixServer;
import dev.mtasts.testing.TestSmtpServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real deliveries: Postfix's smtp(8) with {@code smtp_tls_policy_maps} pointing at our daemon,
 * MX hosts resolved through knotd (the loopback name server, in Postfix's private mount
 * namespace), STARTTLS servers presenting test-CA certificates, and {@code smtp_tls_CAfile} the
 * test CA. Each test waits on Postfix's log line for the attempt, not on a timer.
 */
class PostfixDeliveryIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static LiveWorld world;
  private static PostfixServer postfix;

  @BeforeAll
  static void start() throws IOException {
    world = new LiveWorld();
    FakeDomain good = world.domain("good.test", b -> b.policy(Scenarios.policy("enforce", "mx1.good.test"))
        .mx(10, "mx1.good.test", world.pki.leaf().dnsNames("mx1.good.test").issue().serverContext()));
    FakeDomain wrong = world.domain("wrongname.test", b -> b.policy(Scenarios.policy("enforce", "mx1.wrongname.test"))
        .mx(10, "mx1.wrongname.test", world.pki.leaf().dnsNames("other.wrongname.test").issue().serverContext()));
    FakeDomain expired = world.domain("expired.test", b -> b.policy(Scenarios.policy("enforce", "mx1.expired.test"))
        .mx(10, "mx1.expired.test", world.pki.leaf().dnsNames("mx1.expired.test").expired().issue().serverContext()));
    FakeDomain testing = world.domain("testing.test", b -> b.policy(Scenarios.policy("testing", "mx1.testing.test"))
        .mx(10, "mx1.testing.test", world.pki.leaf().dnsNames("other.testing.test").issue().serverContext()));
    world.startOurs();
    PostfixServer.Builder b = PostfixServer.builder()
        .nameserver(world.ns)
        .set("smtp_tls_policy_maps", world.table("postfix"))
        .set("smtp_tls_CAfile", world.caFile().toString())
        .set("smtp_tls_security_level", "may");
    for (FakeDomain d : new FakeDomain[] {good, wrong, expired, testing}) {
      b.destinationPort(d.domain(), d.smtpPort());
    }
    postfix = world.own(b.start());
  }

  @AfterAll
  static void stop() {
    if (world != null) {
      world.close();
    }
  }

  private static TestSmtpServer mx(String domain) {
    return world.domains.get(domain).smtp("mx1." + domain);
  }

  @Test
  @DisplayName("PFX-23: enforce and a certificate for the MX host: Postfix delivers over verified TLS")
  void enforceWithAGoodCertificateDelivers() throws IOException {
    postfix.submit("sender@sender.test", "rcpt@good.test", "Subject: enforce\r\n\r\nhello\r\n");

    assertThat(postfix.awaitDelivery("rcpt@good.test", WAIT)).contains("status=sent");
    assertThat(mx("good.test").messages()).singleElement().satisfies(m -> {
      assertThat(m.overTls()).isTrue();
      assertThat(m.recipients()).containsExactly("<rcpt@good.test>");
    });
    assertThat(mx("good.test").sniNames()).contains("mx1.good.test");
    assertThat(postfix.log()).contains("Verified TLS connection established to mx1.good.test");
  }

  @Test
  @DisplayName("PFX-23: enforce and a certificate for another name: the message is deferred and stays queued with the TLS reason")
  void enforceWithAWrongNameDefers() throws IOException {
    assertDeferred("wrongname.test", "hostname mismatch");
  }

  @Test
  @DisplayName("PFX-23: enforce and an expired certificate: the message is deferred and stays queued with the TLS reason")
  void enforceWithAnExpiredCertificateDefers() throws IOException {
    assertDeferred("expired.test", "certificate has expired");
  }

  /** Sends to {@code domain} and checks the deferral, and smtp(8)'s log naming {@code cause}. */
  private static void assertDeferred(String domain, String cause) throws IOException {
    String rcpt = "rcpt@" + domain;
    postfix.submit("sender@sender.test", rcpt, "Subject: enforce\r\n\r\nhello\r\n");

    PostfixServer.QueuedMessage queued = postfix.awaitDeferred(rcpt, WAIT);

    assertThat(queued.queueName()).isEqualTo("deferred");
    assertThat(queued.recipients()).singleElement().satisfies(r -> {
      assertThat(r.address()).isEqualTo(rcpt);
      assertThat(r.delayReason()).contains("Server certificate not verified");
    });
    assertThat(mx(domain).messages()).isEmpty();
    assertThat(postfix.log()).containsPattern("server certificate verification failed for mx1\\." + domain.replace(".", "\\.")
        + "\\[.*" + cause);
  }

  @Test
  @DisplayName("PFX-22: testing and a certificate for another name: Postfix still delivers (RFC 8461 §5)")
  void testingWithAWrongNameStillDelivers() throws IOException {
    postfix.submit("sender@sender.test", "rcpt@testing.test", "Subject: testing\r\n\r\nhello\r\n");

    assertThat(postfix.awaitDelivery("rcpt@testing.test", WAIT)).contains("status=sent");
    assertThat(mx("testing.test").messages()).singleElement().satisfies(m -> assertThat(m.overTls()).isTrue());
  }
}
