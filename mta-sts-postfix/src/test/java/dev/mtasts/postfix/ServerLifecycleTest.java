package dev.mtasts.postfix;

import static dev.mtasts.postfix.PolicyAnswersTest.SECURE;
import static dev.mtasts.postfix.PostfixFixture.POLICY_ENFORCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.dns.DnsFailure;
import dev.mtasts.core.fetch.FetchFailure;
import dev.mtasts.core.fetch.PolicyFetcher;
import dev.mtasts.resolver.store.PolicyStore;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starting, stopping and restarting: the Unix socket, graceful shutdown, the persistent store. */
@Timeout(60)
class ServerLifecycleTest {
  @TempDir Path dir;

  @Test
  @DisplayName("PFX-15: shutdown stops accepting, closes idle connections and lets an in-flight query finish")
  void shutdownFinishesInFlightQueries() throws Exception {
    CompletableFuture<Void> started = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    PostfixFixture[] fx = new PostfixFixture[1];
    PolicyFetcher held = d -> {
      started.complete(null);
      return release.thenCompose(v -> fx[0].fetcher.fetch(d));
    };
    try (PostfixFixture f = new PostfixFixture(PolicyStore.inMemory(), held, b -> { });
        SocketmapClient busy = f.client(); SocketmapClient idle = f.client()) {
      fx[0] = f;
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(idle.query("postfix [x]")).isEqualTo("NOTFOUND ");
      busy.send("postfix example.com");
      started.get(10, TimeUnit.SECONDS);

      CompletableFuture<Boolean> shutdown = CompletableFuture.supplyAsync(() -> f.server.shutdown(Duration.ofSeconds(30)));
      // The idle connection is closed at once; new connections are refused.
      assertThat(idle.closedByServer()).isTrue();
      assertThatThrownBy(() -> SocketmapClient.tcp(f.port)).isInstanceOf(ConnectException.class);
      assertThat(shutdown).isNotDone();

      release.complete(null);
      assertThat(busy.read()).isEqualTo(SECURE);
      assertThat(busy.closedByServer()).isTrue();
      assertThat(shutdown.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  @DisplayName("PFX-15: a query still running when the grace period ends is cut off")
  void shutdownCutsOffQueriesAfterTheGracePeriod() throws Exception {
    CompletableFuture<Void> started = new CompletableFuture<>();
    PolicyFetcher never = d -> {
      started.complete(null);
      return new CompletableFuture<>();
    };
    try (PostfixFixture f = new PostfixFixture(PolicyStore.inMemory(), never, b -> { });
        SocketmapClient busy = f.client()) {
      f.dns.putTxt("_mta-sts.example.com", "v=STSv1; id=1");
      busy.send("postfix example.com");
      started.get(10, TimeUnit.SECONDS);
      assertThat(f.server.shutdown(Duration.ofMillis(100))).isFalse();
      assertThat(busy.closedByServer()).isTrue();
    }
  }

  @Test
  @DisplayName("PFX-14: the Unix socket has its permissions from the start, answers, and is removed at shutdown")
  void unixSocketHasItsPermissionsAndAnswers() throws Exception {
    Path socket = dir.resolve("mta-sts.sock");
    try (PostfixFixture f = new PostfixFixture(b -> b.unixSocket(socket, PosixFilePermissions.fromString("rw-------")))) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      try (SocketmapClient c = SocketmapClient.unix(socket)) {
        assertThat(c.query("postfix example.com")).isEqualTo(SECURE);
        assertThat(c.query("postfix [x]")).isEqualTo("NOTFOUND ");
      }
      assertThat(f.server.unixSocket()).contains(socket);
      f.server.shutdown(Duration.ofSeconds(5));
      assertThat(socket).doesNotExist();
    }
    // No temporary name is left behind either.
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  @DisplayName("PFX-14: a stale socket is replaced; a regular file at the path is left alone and fails the start")
  void unixSocketReplacesOnlyAStaleSocket() throws Exception {
    Path socket = dir.resolve("mta-sts.sock");
    try (PostfixFixture first = new PostfixFixture(b -> b.unixSocket(socket, null))) {
      assertThat(first.server.unixSocket()).contains(socket);
      assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
      // A second daemon takes the path over (the first one's socket is stale after a crash).
      try (PostfixFixture second = new PostfixFixture(b -> b.unixSocket(socket, null));
          SocketmapClient c = SocketmapClient.unix(socket)) {
        assertThat(second.server.unixSocket()).contains(socket);
        assertThat(c.query("postfix [x]")).isEqualTo("NOTFOUND ");
      }
    }
    Path regular = dir.resolve("not-a-socket");
    Files.writeString(regular, "keep me");
    assertThatThrownBy(() -> new PostfixFixture(b -> b.unixSocket(regular, null)))
        .isInstanceOf(IOException.class).hasMessageContaining("is not a socket");
    assertThat(regular).hasContent("keep me");
  }

  @Test
  @DisplayName("PFX-16: with a store directory, a fetched policy still answers after a restart with DNS and HTTPS down")
  void policyPersistsAcrossRestart() throws Exception {
    Path store = dir.resolve("store");
    Files.createDirectories(store);
    try (PostfixFixture f = new PostfixFixture(PolicyStore.inDirectory(store), null, b -> { })) {
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
    }
    try (PostfixFixture f = new PostfixFixture(PolicyStore.inDirectory(store), null, b -> { })) {
      f.dns.failTxt("_mta-sts.example.com", DnsFailure.TIMEOUT);
      f.fetcher.fail("example.com", FetchFailure.CONNECT_FAILED);
      assertThat(f.query("postfix example.com")).isEqualTo(SECURE);
      assertThat(f.fetcher.fetches("example.com")).isZero();
    }
  }
}
