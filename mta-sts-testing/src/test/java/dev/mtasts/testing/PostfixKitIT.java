package dev.mtasts.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Postfix launchers proved against Debian's own programs: {@code mta-sts-daemon} (PMSR)
 * resolving through a {@link LoopbackNameserver} and fetching through the port-443 forward, asked
 * with Postfix's {@code postmap}, and a throwaway Postfix that delivers with PMSR as its TLS
 * policy server to the fake domain's STARTTLS servers.
 */
class PostfixKitIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final TestPki PKI = TestPki.create();
  private static LoopbackNameserver ns;
  private static FakeDomain good;
  private static FakeDomain wrongName;
  private static PostfixMtaStsResolverDaemon pmsr;
  private static PostfixServer postfix;

  @BeforeAll
  static void start() throws IOException {
    ns = LoopbackNameserver.start();
    good = FakeDomain.builder("good.test", PKI)
        .policy("version: STSv1\nmode: enforce\nmx: mx1.good.test\nmx: *.mx.good.test\nmax_age: 86400\n")
        .mx(10, "mx1.good.test", PKI.leaf().dnsNames("mx1.good.test").issue().serverContext())
        .start();
    wrongName = FakeDomain.builder("wrong.test", PKI)
        .policy("version: STSv1\nmode: enforce\nmx: mx1.wrong.test\nmax_age: 86400\n")
        .mx(10, "mx1.wrong.test", PKI.leaf().dnsNames("other.wrong.test").issue().serverContext())
        .start();
    ns.route(good).route(wrongName);
    pmsr = PostfixMtaStsResolverDaemon.builder().nameserver(ns).trust(good.caPem()).start();
    postfix = PostfixServer.builder()
        .nameserver(ns)
        .set("smtp_tls_policy_maps", pmsr.table("postfix"))
        .set("smtp_tls_CAfile", write(good.caPem()))
        .destinationPort("good.test", good.smtpPort())
        .destinationPort("wrong.test", wrongName.smtpPort())
        .start();
  }

  private static String write(String pem) throws IOException {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("mtasts-ca-", ".pem");
    f.toFile().deleteOnExit();
    java.nio.file.Files.writeString(f, pem);
    return f.toString();
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : Arrays.asList(postfix, pmsr, good, wrongName, ns)) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // best effort
        }
      }
    }
  }

  @Test
  @DisplayName("PFX-26: postmap asks mta-sts-daemon, which resolves through the loopback name server and fetches over port 443 trusting the test CA")
  void postmapGetsPmsrsAnswerForAFakeDomain() throws IOException {
    PostfixServer.Answer answer = PostfixServer.query(pmsr.table("postfix"), "good.test");

    assertThat(answer.status()).isEqualTo("OK");
    assertThat(answer.value()).startsWith("secure match=").endsWith(" servername=hostname");
    // PMSR lists the MX patterns from a set: their order varies.
    assertThat(List.of(answer.value().split(" ")[1].substring("match=".length()).split(":")))
        .containsExactlyInAnyOrder("mx1.good.test", ".mx.good.test");
    assertThat(good.policyHost().requests()).extracting(PolicyHost.Request::path)
        .contains("/.well-known/mta-sts.txt");
    assertThat(PostfixServer.query(pmsr.table("postfix"), "nothing.invalid").status()).isEqualTo("NOTFOUND");
  }

  @Test
  @DisplayName("PFX-26: a throwaway Postfix resolves the MX through the loopback name server and delivers over verified TLS")
  void postfixDeliversToTheFakeMxOverVerifiedTls() throws IOException {
    postfix.submit("kit@sender.test", "rcpt@good.test", "Subject: kit\r\n\r\nhello\r\n");

    String line = postfix.awaitDelivery("rcpt@good.test", WAIT);

    assertThat(line).contains("status=sent").contains("relay=mx1.good.test[");
    assertThat(good.smtp("mx1.good.test").messages()).singleElement()
        .satisfies(m -> assertThat(m.overTls()).isTrue())
        .satisfies(m -> assertThat(m.recipients()).containsExactly("<rcpt@good.test>"));
    assertThat(postfix.log()).contains("Verified TLS connection established to mx1.good.test");
  }

  @Test
  @DisplayName("PFX-26: a message Postfix cannot deliver stays queued, and postqueue -j shows why")
  void aDeferredMessageStaysQueuedWithItsReason() throws IOException {
    postfix.submit("kit@sender.test", "rcpt@wrong.test", "Subject: kit\r\n\r\nhello\r\n");

    PostfixServer.QueuedMessage queued = postfix.awaitDeferred("rcpt@wrong.test", WAIT);

    assertThat(queued.queueName()).isEqualTo("deferred");
    assertThat(queued.recipients()).singleElement()
        .satisfies(r -> assertThat(r.delayReason()).contains("Server certificate not verified"));
    assertThat(postfix.queue()).extracting(PostfixServer.QueuedMessage::queueId).contains(queued.queueId());
    assertThat(wrongName.smtp("mx1.wrong.test").messages()).isEmpty();
  }
}
