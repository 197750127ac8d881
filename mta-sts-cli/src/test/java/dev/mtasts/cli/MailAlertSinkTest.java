package dev.mtasts.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.PolicyDomain;
import dev.mtasts.core.Severity;
import dev.mtasts.owner.monitor.Alert;
import dev.mtasts.owner.monitor.AlertCode;
import dev.mtasts.owner.monitor.AlertJson;
import dev.mtasts.owner.monitor.AlertStatus;
import dev.mtasts.owner.monitor.MailAlertSink;
import dev.mtasts.testing.TestPki;
import dev.mtasts.testing.TestSmtpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MON-39: the mail sink (Angus Mail) against the test kit's STARTTLS SMTP server on loopback. */
class MailAlertSinkTest {
  static final Instant AT = Instant.parse("2026-03-01T00:00:00Z");

  final TestPki pki = TestPki.create();
  final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  static Alert alert() {
    return new Alert(AlertCode.MX_CERT_EXPIRED, AlertStatus.FIRING, Severity.ERROR, PolicyDomain.of("example.com"),
        "mx1.example.com", null, "the certificate expired 2 days ago", "Renew the certificate of mx1.example.com now.",
        AT, AT);
  }

  MailAlertSink.Builder sink(TestSmtpServer server) {
    return MailAlertSink.builder().server("localhost", server.port()).from("monitor@example.com")
        .to("postmaster@example.com").executor(executor).sslContext(pki.clientContext()).timeout(Duration.ofSeconds(10))
        .ehloName("monitor.example.com");
  }

  @Test
  void anAlertIsMailedOverStartTls() throws Exception {
    try (TestSmtpServer server = TestSmtpServer.start(pki.leaf().dnsNames("localhost").issue().serverContext())) {
      sink(server).build().publish(alert()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(server.messages()).singleElement().satisfies(m -> {
        assertThat(m.overTls()).isTrue();
        assertThat(m.from()).isEqualTo("<monitor@example.com>");
        assertThat(m.recipients()).containsExactly("<postmaster@example.com>");
        assertThat(m.data()).contains("Subject: [mta-sts] error firing MX_CERT_EXPIRED example.com mx1.example.com")
            .contains("Fix:    Renew the certificate of mx1.example.com now.")
            .contains(AlertJson.toJson(alert()));
      });
    }
  }

  @Test
  void withoutStartTlsNothingIsSentByDefault() throws Exception {
    try (TestSmtpServer plain = TestSmtpServer.start(null)) {
      assertThatThrownBy(() -> sink(plain).build().publish(alert()).toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasMessageContaining("failed");
      assertThat(plain.messages()).isEmpty();
      sink(plain).allowPlaintext().build().publish(alert()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(plain.messages()).singleElement().satisfies(m -> assertThat(m.overTls()).isFalse());
    }
  }

  @Test
  void aCertificateForAnotherNameIsRefused() throws Exception {
    try (TestSmtpServer server = TestSmtpServer.start(pki.leaf().dnsNames("other.example").issue().serverContext())) {
      assertThatThrownBy(() -> sink(server).build().publish(alert()).toCompletableFuture().get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      assertThat(server.messages()).isEmpty();
    }
  }
}
