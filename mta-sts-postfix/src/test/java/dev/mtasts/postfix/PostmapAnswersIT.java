package dev.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.testing.PostfixServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our daemon asked by Postfix's own socketmap client, {@code postmap -q}, on real servers: knotd
 * zones behind the loopback name server, HTTPS policy hosts with test-CA certificates.
 */
class PostmapAnswersIT {
  private static LiveWorld world;

  @BeforeAll
  static void start() throws IOException {
    world = new LiveWorld();
    world.startOurs();
  }

  @AfterAll
  static void stop() {
    if (world != null) {
      world.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.mtasts.postfix.Scenarios#all")
  @DisplayName("PFX-20: postmap -q gets our daemon's answer for each kind of domain")
  void postmapGetsTheAnswerForEachKindOfDomain(Scenarios.Scenario s) throws IOException {
    world.prepare(s, () -> PostfixServer.query(world.table(s.zone()), s.key()));

    assertThat(PostfixServer.query(world.table(s.zone()), s.key())).hasToString(s.ours());
    if (s.then() != null) {
      // The fetch of the new id was tried (and failed): the answer is the cached policy.
      assertThat(world.domains.get(s.domain()).policyHost().requests()).isNotEmpty();
    }
  }

  @Test
  @DisplayName("PFX-21: in a zone with tempFailure TEMP, a fetch failure and a DNS failure with nothing cached reach Postfix as a temporary error")
  void aTempZoneMakesPostfixSeeATemporaryError() throws IOException {
    world.domain("tempfetch.test", b -> b.policyHandler(dev.mtasts.testing.PolicyHost.respond(500, "text/plain",
        new byte[] {'x'})));
    world.domain("tempdns.test", b -> b.policy(Scenarios.policy("enforce", "mx1.tempdns.test")));
    world.ns.fail("tempdns.test");

    assertThat(PostfixServer.query(world.table("temp"), "tempfetch.test").status()).isEqualTo("TEMP");
    assertThat(PostfixServer.query(world.table("temp"), "tempdns.test").status()).isEqualTo("TEMP");
    assertThat(PostfixServer.query(world.table("postfix"), "tempdns.test")).hasToString("NOTFOUND");
  }

  @Test
  @DisplayName("PFX-24: an oversized, a malformed and a badly terminated netstring get PERM and a closed connection; the daemon keeps serving")
  void hostileNetstringsAreRefusedAndTheDaemonKeepsServing() throws IOException {
    world.domain("afterhostile.test", b -> b.policy(Scenarios.policy("enforce", "mx1.afterhostile.test")));

    assertThat(raw("999999:postfix afterhostile.test")).startsWith("PERM");
    assertThat(raw("abc:postfix afterhostile.test,")).startsWith("PERM");
    assertThat(raw("25:postfix afterhostile.test;")).startsWith("PERM");

    assertThat(PostfixServer.query(world.table("postfix"), "afterhostile.test"))
        .hasToString("OK secure match=mx1.afterhostile.test servername=hostname");
  }

  /** Sends bytes, reads one netstring reply and checks that the daemon then closes. */
  private static String raw(String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), world.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream length = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != ':') {
        assertThat(c).as("a netstring length digit").isBetween((int) '0', (int) '9');
        length.write(c);
      }
      byte[] payload = in.readNBytes(Integer.parseInt(length.toString(StandardCharsets.US_ASCII)));
      assertThat(in.read()).isEqualTo(',');
      assertThat(in.read()).as("the connection is closed after the error").isEqualTo(-1);
      return new String(payload, StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("PFX-25: forty postmap processes asking at once all get the policy")
  void manyPostmapProcessesAtOnceAllGetThePolicy() throws Exception {
    world.domain("busy.test", b -> b.policy(Scenarios.policy("enforce", "mx1.busy.test")));
    int clients = 40;
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<PostfixServer.Answer>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(threads.submit(() -> {
          go.await();
          return PostfixServer.query(world.table("postfix"), "busy.test");
        }));
      }
      go.countDown();
      for (Future<PostfixServer.Answer> a : answers) {
        assertThat(a.get(60, TimeUnit.SECONDS)).hasToString("OK secure match=mx1.busy.test servername=hostname");
      }
    } finally {
      threads.shutdownNow();
    }
    // One fetch for all of them: concurrent lookups of one domain share it.
    assertThat(world.domains.get("busy.test").policyHost().requests()).hasSize(1);
  }
}
