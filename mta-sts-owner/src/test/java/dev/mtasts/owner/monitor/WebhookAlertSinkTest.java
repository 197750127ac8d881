package dev.mtasts.owner.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.testing.ManualClock;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.WebhookReceiver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MON-39: the webhook sink against the test kit's HTTPS receiver on loopback, retries on a manual scheduler. */
class WebhookAlertSinkTest {
  static final Instant AT = Instant.parse("2026-03-01T00:00:00Z");

  final TestPki pki = TestPki.create();
  final WebhookReceiver hook = WebhookReceiver.start(pki.leaf().dnsNames("localhost").issue());
  final ManualClock clock = ManualClock.at(AT);
  final ManualScheduler scheduler = new ManualScheduler(clock);

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    hook.close();
  }

  /** Attempts run on the calling thread, so each publish or advance has finished its I/O when it returns. */
  WebhookAlertSink.Builder sink() {
    return WebhookAlertSink.builder(hook.uri("/alerts")).executor(Runnable::run).scheduler(scheduler)
        .sslContext(pki.clientContext()).retryDelay(Duration.ofSeconds(1)).timeout(Duration.ofSeconds(10));
  }

  static Alert alert() {
    return new Alert(AlertCode.POLICY_UNREACHABLE, AlertStatus.FIRING, Severity.ERROR, PolicyDomain.of("example.com"),
        "mta-sts.example.com", null, "3 consecutive fetches failed", "fix it", AT, AT);
  }

  @Test
  void anAlertIsPostedAsJsonOverHttps() throws Exception {
    CompletableFuture<Void> done = sink().build().publish(alert()).toCompletableFuture();
    done.get(10, TimeUnit.SECONDS);
    assertThat(hook.deliveries()).singleElement().satisfies(d -> {
      assertThat(d.method()).isEqualTo("POST");
      assertThat(d.path()).isEqualTo("/alerts");
      assertThat(d.contentType()).isEqualTo("application/json");
      assertThat(d.body()).isEqualTo(AlertJson.toJson(alert()));
    });
  }

  @Test
  void aFailingWebhookIsRetriedWithDoublingDelaysUntilItAccepts() throws Exception {
    hook.answerNext(503, 429);
    CompletableFuture<Void> done = sink().build().publish(alert()).toCompletableFuture();
    assertThat(hook.deliveries()).hasSize(1);
    assertThat(done).isNotDone();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(hook.deliveries()).hasSize(2);
    scheduler.advance(Duration.ofMillis(1999));
    assertThat(hook.deliveries()).as("the second wait is twice the first").hasSize(2);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(hook.deliveries()).extracting(WebhookReceiver.Delivery::status).containsExactly(503, 429, 204);
    done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void retriesAreBoundedByMaxAttempts() {
    hook.answerNext(500, 500, 500, 500, 500);
    CompletableFuture<Void> done = sink().maxAttempts(3).build().publish(alert()).toCompletableFuture();
    scheduler.advance(Duration.ofHours(1));
    assertThat(hook.deliveries()).hasSize(3);
    assertThat(scheduler.pending()).isZero();
    assertThatThrownBy(() -> done.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("failed after 3 attempts: status 500");
  }

  @Test
  void aClientErrorOrAnUntrustedCertificateIsNotRetried() {
    hook.answerNext(400);
    CompletableFuture<Void> done = sink().build().publish(alert()).toCompletableFuture();
    scheduler.advance(Duration.ofHours(1));
    assertThat(hook.deliveries()).hasSize(1);
    assertThat(done).isCompletedExceptionally();
    // The JDK's trust store does not know the test CA: the handshake fails, and no request is sent.
    CompletableFuture<Void> untrusted = WebhookAlertSink.builder(hook.uri("/alerts")).executor(Runnable::run)
        .scheduler(scheduler).build().publish(alert()).toCompletableFuture();
    scheduler.advance(Duration.ofHours(1));
    assertThat(untrusted).isCompletedExceptionally();
    assertThat(hook.deliveries()).hasSize(1);
  }

  @Test
  void onlyHttpsUrlsAreAccepted() {
    assertThatThrownBy(() -> WebhookAlertSink.builder(URI.create("http://example.com/hook")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("https://");
    assertThatThrownBy(() -> WebhookAlertSink.builder(URI.create("https://user:pw@example.com/hook")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** MON-35, MON-39: the round completes while the webhook is still being retried. */
  @Test
  void aFailingWebhookNeverBlocksTheMonitor() throws Exception {
    MonitorFixture f = new MonitorFixture(dir);
    f.dns.removeTxt("_mta-sts.example.com");
    hook.answerNext(503, 503);
    WebhookAlertSink webhook = WebhookAlertSink.builder(hook.uri("/alerts")).executor(Runnable::run)
        .scheduler(f.scheduler).sslContext(pki.clientContext()).retryDelay(Duration.ofMinutes(1)).build();
    try (MtaStsMonitor m = f.monitor(b -> b.addSink(webhook))) {
      MonitorRound round = m.runOnce().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(round.alerts()).hasSize(1);
      assertThat(round.delivered().toCompletableFuture()).isNotDone();
      f.scheduler.advance(Duration.ofMinutes(3));
      round.delivered().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(hook.deliveries()).extracting(WebhookReceiver.Delivery::status).containsExactly(503, 503, 204);
      assertThat(hook.deliveries().get(2).body()).contains("\"code\":\"STS_RECORD_GONE\"");
    }
  }
}
