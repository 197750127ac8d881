package dev.mtasts.postfix;

import static dev.mtasts.postfix.PolicyAnswersTest.SECURE;
import static dev.mtasts.postfix.PostfixFixture.POLICY_ENFORCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.resolver.store.PolicyStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The protocol's bounds: hostile netstrings, connection caps, idle connections, deadlines. */
@Timeout(60)
class ConnectionLimitsTest {

  @Test
  @DisplayName("SEC-47: a netstring announcing more than the cap is answered PERM and the connection closed")
  void oversizedRequestIsRefusedAndClosed() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.maxRequestBytes(64)); SocketmapClient c = f.client()) {
      c.sendRaw("65:".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read()).isEqualTo("PERM request too large");
      assertThat(c.closedByServer()).isTrue();
      assertThat(f.registry.get("mtasts.postfix.requests.oversized").counter().count()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("SEC-47: a length of more digits than any cap is refused before it is parsed")
  void endlessLengthIsRefused() throws Exception {
    try (PostfixFixture f = new PostfixFixture(); SocketmapClient c = f.client()) {
      c.sendRaw("9999999999999999999999999:".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.read()).isEqualTo("PERM request too large");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  @DisplayName("SEC-47: malformed netstrings and garbage requests are answered PERM and the connection closed")
  void malformedRequestsAreRefusedAndClosed() throws Exception {
    List<byte[]> garbage = List.of(
        "abc".getBytes(StandardCharsets.US_ASCII),                       // no length
        ":postfix example.com,".getBytes(StandardCharsets.US_ASCII),     // empty length
        "19:postfix example.com;".getBytes(StandardCharsets.US_ASCII),   // no comma
        SocketmapClient.netstring("postfixexample.com".getBytes(StandardCharsets.US_ASCII)), // no key
        SocketmapClient.netstring("postfix ".getBytes(StandardCharsets.US_ASCII)),           // empty key
        SocketmapClient.netstring(new byte[] {'p', ' ', (byte) 0xc3, (byte) 0x28}),          // not UTF-8
        SocketmapClient.netstring("postfix exa\nmple.com".getBytes(StandardCharsets.US_ASCII)), // control
        SocketmapClient.netstring("postfix exa\u0085mple.com".getBytes(StandardCharsets.UTF_8))); // C1
    try (PostfixFixture f = new PostfixFixture()) {
      for (byte[] g : garbage) {
        try (SocketmapClient c = f.client()) {
          c.sendRaw(g);
          String name = new String(g, StandardCharsets.ISO_8859_1);
          assertThat(c.read()).as(name).startsWith("PERM ");
          assertThat(c.closedByServer()).as(name).isTrue();
        }
      }
      assertThat(f.registry.get("mtasts.postfix.requests.malformed").counter().count()).isEqualTo(garbage.size());
    }
  }

  @Test
  @DisplayName("PFX-10: a persistent connection answers pipelined requests in order, for many clients at once")
  void pipelinedRequestsFromManyClientsAreAnsweredInOrder() throws Exception {
    int clients = 16;
    int perClient = 100;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (PostfixFixture f = new PostfixFixture()) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      List<Future<List<String>>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        results.add(pool.submit(() -> {
          try (SocketmapClient c = f.client()) {
            // All requests go out in one write, before any answer is read (pipelining).
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int n = 0; n < perClient; n++) {
              String key = n % 3 == 0 ? "example.com" : n % 3 == 1 ? "[mx.example.com]" : "nothing.example";
              all.writeBytes(SocketmapClient.netstring(("postfix " + key).getBytes(StandardCharsets.US_ASCII)));
            }
            c.sendRaw(all.toByteArray());
            List<String> answers = new ArrayList<>();
            for (int n = 0; n < perClient; n++) {
              answers.add(c.read());
            }
            return answers;
          }
        }));
      }
      for (Future<List<String>> r : results) {
        List<String> answers = r.get(60, TimeUnit.SECONDS);
        for (int n = 0; n < perClient; n++) {
          assertThat(answers.get(n)).isEqualTo(n % 3 == 0 ? SECURE : "NOTFOUND ");
        }
      }
      assertThat(f.registry.get("mtasts.postfix.queries").tag("answer", "secure").counter().count())
          .isEqualTo(clients * (perClient + 2) / 3);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("PFX-12: the idle timeout is one watchdog per connection, not a timer task per query")
  void queriesScheduleNoTimerTasks() throws Exception {
    try (PostfixFixture f = new PostfixFixture()) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      int queries = 1000;
      try (SocketmapClient c = f.client()) {
        assertThat(c.query("postfix example.com")).isEqualTo(SECURE);
        long before = f.scheduler.getTaskCount();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int n = 0; n < queries; n++) {
          all.writeBytes(SocketmapClient.netstring("postfix example.com".getBytes(StandardCharsets.US_ASCII)));
        }
        c.sendRaw(all.toByteArray());
        for (int n = 0; n < queries; n++) {
          assertThat(c.read()).isEqualTo(SECURE);
        }
        // Two tasks per query (read and write, each scheduled and cancelled) filled the timer's
        // queue for the whole idle timeout; now only the watchdog runs, once per idle period.
        assertThat(f.scheduler.getTaskCount() - before).isLessThan(10);
        assertThat(f.scheduler.getQueue()).hasSizeLessThan(10);
      }
    }
  }

  @Test
  @DisplayName("PFX-11: connections over the cap are closed at once and counted")
  void connectionsOverTheCapAreClosed() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.maxConnections(2)); SocketmapClient b = f.client()) {
      SocketmapClient a = f.client();
      assertThat(a.query("postfix [x]")).isEqualTo("NOTFOUND ");
      assertThat(b.query("postfix [x]")).isEqualTo("NOTFOUND ");
      try (SocketmapClient c = f.client()) {
        c.send("postfix [x]");
        assertThat(c.closedByServer()).isTrue();
      }
      assertThat(f.registry.get("mtasts.postfix.connections.refused").counter().count()).isEqualTo(1);
      assertThat(f.registry.get("mtasts.postfix.connections.open").gauge().value()).isEqualTo(2);
      // A slot frees when a connection ends.
      a.close();
      CompletableFuture<String> later = CompletableFuture.supplyAsync(() -> {
        while (true) {
          try (SocketmapClient c = f.client()) {
            String r = c.query("postfix [x]");
            if (r != null) {
              return r;
            }
          } catch (java.io.IOException e) {
            // refused while the old connection is still being torn down: try again
          }
        }
      });
      assertThat(later.get(30, TimeUnit.SECONDS)).isEqualTo("NOTFOUND ");
    }
  }

  @Test
  @DisplayName("PFX-12: a connection that sends nothing is closed after the idle timeout")
  void idleConnectionIsClosed() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.idleTimeout(Duration.ofMillis(200)));
        SocketmapClient c = f.client()) {
      assertThat(c.query("postfix [x]")).isEqualTo("NOTFOUND ");
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  @DisplayName("PFX-12: a request sent a byte at a time is cut off by the idle timeout")
  void slowRequestIsClosed() throws Exception {
    try (PostfixFixture f = new PostfixFixture(b -> b.idleTimeout(Duration.ofMillis(300)));
        SocketmapClient c = f.client()) {
      c.sendRaw("19:post".getBytes(StandardCharsets.US_ASCII));
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @Test
  @DisplayName("PFX-13: a fetch that never completes answers TIMEOUT at the zone's deadline; the result is kept")
  void deadlineAnswersTimeoutAndTheLookupGoesOn() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    PostfixFixture[] fx = new PostfixFixture[1];
    PolicyFetcher held = d -> release.thenCompose(v -> fx[0].fetcher.fetch(d));
    try (PostfixFixture f = new PostfixFixture(PolicyStore.inMemory(), held,
        b -> b.zone("postfix", ZoneOptions.defaults().withQueryTimeout(Duration.ofMillis(300))))) {
      fx[0] = f;
      f.publish("example.com", "1", POLICY_ENFORCE);
      try (SocketmapClient c = f.client()) {
        assertThat(c.query("postfix example.com")).isEqualTo("TIMEOUT MTA-STS lookup took longer than 300 ms");
        release.complete(null);
        // The same connection goes on; the finished lookup answers the retry.
        assertThat(c.query("postfix example.com")).isEqualTo(SECURE);
      }
      assertThat(f.fetcher.fetches("example.com")).isEqualTo(1);
      assertThat(f.registry.get("mtasts.postfix.queries").tag("answer", "timeout").counter().count()).isEqualTo(1);
    }
  }
}
