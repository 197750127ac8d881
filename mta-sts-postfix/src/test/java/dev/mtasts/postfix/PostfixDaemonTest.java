package dev.mtasts.postfix;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The daemon as a whole: command line, start from a configuration, the metrics endpoint. */
@Timeout(60)
class PostfixDaemonTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return PostfixDaemon.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("PFX-18: --check-config exits 0 for a valid file and 1 with line-numbered messages otherwise")
  void checkConfigExitCodes() throws Exception {
    Path good = Files.writeString(dir.resolve("good.yml"), "zones:\n  postfix:\n    tlsrpt: true\n");
    assertThat(run("--check-config", "--config", good.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("good.yml is valid");

    Path bad = Files.writeString(dir.resolve("bad.yml"), "zones:\n  postfix:\n    tlsrpt: maybe\n    colour: red\n");
    assertThat(run("--check-config", "-c", bad.toString())).isEqualTo(PostfixDaemon.CONFIG_ERRORS);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains(
        "bad.yml:3: zones.postfix.tlsrpt must be true or false",
        "bad.yml:4: unknown key 'colour' in zones.postfix (known keys: dane_answer, query_timeout, strict_testing,"
            + " temp_failure, tlsrpt)",
        "2 errors in the configuration");
    assertThat(run("--check-config", "--config", dir.resolve("none.yml").toString()))
        .isEqualTo(PostfixDaemon.CONFIG_ERRORS);
    assertThat(run("--frobnicate")).isEqualTo(PostfixDaemon.USAGE);
    assertThat(run("--config")).isEqualTo(PostfixDaemon.USAGE);
    assertThat(run("--help")).isZero();
  }

  private DaemonConfig config(Path store) {
    DaemonConfig d = DaemonConfig.defaults();
    return new DaemonConfig(new InetSocketAddress("127.0.0.1", 0), null, d.unixMode(), store,
        List.of("127.0.0.1:1"), Duration.ofMillis(500), true, d.dnssec(), d.trustAnchors(),
        new InetSocketAddress("127.0.0.1", 0),
        d.maxConnections(), d.maxRequestBytes(), d.idleTimeout(), Duration.ofSeconds(5), d.refreshInterval(),
        Map.of("postfix", ZoneOptions.defaults()));
  }

  @Test
  @DisplayName("PFX-17, SEC-49: the daemon answers and exports its meters on /metrics, GET only")
  void daemonAnswersAndExportsMetrics() throws Exception {
    Path store = dir.resolve("store");
    try (PostfixDaemon daemon = PostfixDaemon.start(config(store))) {
      assertThat(store).isDirectory();
      try (SocketmapClient c = SocketmapClient.tcp(daemon.tcpPort())) {
        assertThat(c.query("postfix [mx.example.com]")).isEqualTo("NOTFOUND ");
        assertThat(c.query("postfix [mx.example.com]")).isEqualTo("NOTFOUND ");
        assertThat(c.query("nope example.com")).isEqualTo("PERM unknown table name");
      }
      InetSocketAddress m = daemon.metricsAddress().orElseThrow();
      assertThat(m.getAddress().isLoopbackAddress()).isTrue();
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + m.getPort() + "/metrics");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(r.body())
          .contains("mtasts_postfix_queries_total{answer=\"notfound\",zone=\"postfix\"} 2.0")
          .contains("mtasts_postfix_queries_total{answer=\"perm\",zone=\"unknown\"} 1.0")
          .contains("mtasts_postfix_query_duration_seconds_count{zone=\"postfix\"} 2")
          .contains("mtasts_postfix_connections_refused_total 0.0")
          .contains("mtasts_postfix_requests_oversized_total 0.0");
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri)
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.getPort() + "/"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
    }
  }
}
