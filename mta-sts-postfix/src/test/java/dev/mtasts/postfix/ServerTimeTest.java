package dev.mtasts.postfix;

import static dev.mtasts.postfix.PostfixFixture.POLICY_ENFORCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtasts.core.dns.MxRecord;
import dev.mtasts.core.dns.TlsaRecord;
import dev.mtasts.resolver.delivery.DnsDaneDetector;
import dev.mtasts.resolver.delivery.DomainDane;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the server decides and measures by elapsed time, driven by the fixture's manual clock: the
 * remembered DANE state and the query latency. Nothing here sleeps.
 */
@Timeout(60)
class ServerTimeTest {
  private static final String DANE_OK = "OK dane-only";
  /** DANE-EE(3) SPKI(1) SHA-256(1). */
  private static final TlsaRecord USABLE = new TlsaRecord(3, 1, 1, "0123456789abcdef".repeat(4));

  /** A server whose DANE detector is the real DNS one, over the fixture's scripted DNS. */
  private static PostfixFixture daneServer() throws Exception {
    PostfixFixture[] holder = new PostfixFixture[1];
    PostfixFixture f = new PostfixFixture(b -> b.daneDetector(d -> {
      PostfixFixture self = holder[0];
      return DnsDaneDetector.builder(self.dns).executor(self.threads).build().detect(d);
    }));
    holder[0] = f;
    f.dns.putMx("dane.example", new MxRecord(10, "mx.dane.example")).authenticate("dane.example");
    f.dns.putTlsa("mx.dane.example", 25, USABLE).authenticate("_25._tcp.mx.dane.example");
    f.publish("dane.example", "1", POLICY_ENFORCE);
    return f;
  }

  @Test
  @DisplayName("PFX-32: the DANE state is reused for 5 minutes on the ticker, then looked up again")
  void daneStateIsReusedForFiveMinutesThenLookedUpAgain() throws Exception {
    try (PostfixFixture f = daneServer()) {
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);
      assertThat(f.dns.mxQueries("dane.example")).isEqualTo(1);

      f.clock.advance(Duration.ofMinutes(5).minusSeconds(1));
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);
      assertThat(f.dns.mxQueries("dane.example")).as("remembered before 5 minutes").isEqualTo(1);

      f.clock.advance(Duration.ofSeconds(1));
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);
      assertThat(f.dns.mxQueries("dane.example")).as("asked again at 5 minutes").isEqualTo(2);
      assertThat(f.dns.tlsaQueries("mx.dane.example", 25)).isEqualTo(2);
    }
  }

  @Test
  @DisplayName("PFX-32: a step of the wall clock, back or forth, neither keeps nor drops the DANE state")
  void wallClockStepsNeitherKeepNorDropTheDaneState() throws Exception {
    try (PostfixFixture f = daneServer()) {
      Instant start = f.clock.instant();
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);

      // A day forward: on the wall clock the state is long stale, yet no time has passed.
      f.clock.set(start.plus(Duration.ofDays(1)));
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);
      assertThat(f.dns.mxQueries("dane.example")).as("not dropped by a step forward").isEqualTo(1);

      // A day back: on the wall clock the state would be fresh for a day more.
      f.clock.set(start.minus(Duration.ofDays(1)));
      f.clock.advance(Duration.ofMinutes(4));
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);
      assertThat(f.dns.mxQueries("dane.example")).isEqualTo(1);
      f.clock.advance(Duration.ofMinutes(1));
      assertThat(f.query("postfix dane.example")).isEqualTo(DANE_OK);
      assertThat(f.dns.mxQueries("dane.example")).as("not kept by a step back").isEqualTo(2);
    }
  }

  @Test
  @DisplayName("PFX-32: a query's latency is measured on the ticker")
  void queryLatencyIsMeasuredOnTheTicker() throws Exception {
    PostfixFixture[] holder = new PostfixFixture[1];
    try (PostfixFixture f = new PostfixFixture(b -> b.daneDetector(d -> {
      // The DANE lookup "takes" 250 ms of ticker time.
      holder[0].clock.advance(Duration.ofMillis(250));
      return CompletableFuture.completedFuture(DomainDane.ABSENT);
    }))) {
      holder[0] = f;
      f.publish("example.com", "1", POLICY_ENFORCE);
      assertThat(f.query("postfix example.com")).startsWith("OK secure");
      Timer timer = f.registry.get("mtasts.postfix.query.duration").tag("zone", "postfix").timer();
      assertThat(timer.count()).isEqualTo(1);
      assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250.0);
    }
  }

  @Test
  @DisplayName("PFX-32: the ticker is set once")
  void theTickerIsSetOnce() {
    PostfixPolicyServer.Builder b = PostfixPolicyServer.builder().ticker(System::nanoTime);
    assertThatThrownBy(() -> b.ticker(System::nanoTime)).isInstanceOf(IllegalStateException.class);
  }
}
